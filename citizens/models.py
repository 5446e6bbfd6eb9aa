"""Citizens who use the safe-return app (안전귀가 앱): who they are, their bearer tokens, and the
SMS codes that sign them up. Their tables keep the names they had in guardians/ (moved in issue 17),
so raw SQL elsewhere (alerts/ingest.py, citizens/auth.py, the console's read) still reads them."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class PinHasher(PBKDF2PasswordHasher):
    """PINs: PBKDF2-SHA256 at 100,000 iterations (~25 ms here), not the passwords' 1,000,000
    (~260-400 ms). A PIN has at most 10^8 values, so no iteration count stops an offline search of
    a stolen hash; what protects a PIN is the throttles in front of every comparison. Ten times
    fewer iterations keep a PIN change from eating a core for seconds. Figures in docs/security.md.
    Hashes made with other iterations (the old 1,000,000) still verify: the count is in the hash."""

    iterations = 100_000


_PIN_HASHER = PinHasher()


class Citizen(models.Model):
    """A user of the safe-return app (안전귀가 앱), identified by a verified mobile number.

    Deliberately not ``operators.User``: an app token can never open the console or the admin.
    """

    phone = models.CharField(_("phone"), max_length=20, unique=True)  # normalised: 01012345678
    name = models.CharField(_("name"), max_length=50)
    cancel_pin = models.CharField(_("cancel PIN (hashed)"), max_length=128, blank=True)
    duress_pin = models.CharField(_("duress PIN (hashed)"), max_length=128, blank=True)
    home_center = models.ForeignKey(
        "operators.Center", verbose_name=_("home center"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    # Not spatially indexed: no query looks citizens up by place, and every location report moves it.
    last_location = models.PointField(_("last known location"), geography=True, srid=4326, null=True,
                                      blank=True, spatial_index=False)
    last_location_at = models.DateTimeField(_("last location time"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "guardians_citizen"
        verbose_name = _("app user")
        verbose_name_plural = _("app users")

    def __str__(self) -> str:
        return f"{self.name} ({self.phone[:3]}-****-{self.phone[-4:]})"

    def set_pins(self, cancel_pin: str | None, duress_pin: str | None) -> None:
        if cancel_pin is not None:
            self.cancel_pin = _PIN_HASHER.encode(cancel_pin, _PIN_HASHER.salt()) if cancel_pin else ""
        if duress_pin is not None:
            self.duress_pin = _PIN_HASHER.encode(duress_pin, _PIN_HASHER.salt()) if duress_pin else ""

    def pin_matches(self, field: str, pin: str) -> bool:
        stored = getattr(self, field)
        if not stored:
            return False
        if stored.startswith(f"{_PIN_HASHER.algorithm}$"):
            return _PIN_HASHER.verify(pin, stored)
        return check_password(pin, stored)  # any other hasher of PASSWORD_HASHERS


class AppToken(models.Model):
    """A bearer token from ``verify``. Only its SHA-256 is stored; revocable one by one."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    device_name = models.CharField(_("device"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "guardians_apptoken"
        verbose_name = _("app token")
        verbose_name_plural = _("app tokens")


class PhoneVerification(models.Model):
    """A sign-up code sent by SMS: 6 digits, valid 5 minutes, 5 tries. Only its hash is stored."""

    phone = models.CharField(max_length=20, db_index=True)
    name = models.CharField(max_length=50)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "guardians_phoneverification"
        ordering = ["-created_at", "-id"]
