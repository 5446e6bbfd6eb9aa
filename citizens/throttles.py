"""Every throttle of the app API, counted atomically in Redis (hwaseong_safety/ratelimit.py).

Scopes and their rates are in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (settings, README).
Sign-up counts by normalised phone (from the body) and by client address, both: one phone can't be
flooded from many addresses, nor one address walk through many phones. Everything behind a token
counts per citizen. Fails open: Redis away must never stop an SOS; it is logged.
"""

from __future__ import annotations

import logging

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from hwaseong_safety import ratelimit
from hwaseong_safety.phones import InvalidPhone, digest, normalize_mobile
from operators.audit import client_ip

logger = logging.getLogger(__name__)

SOS_MIN_PER_MINUTE = 30


class AtomicRateThrottle(BaseThrottle):
    scope = ""
    rate: str | None = None  # a fixed rate; None reads the scope's from the settings
    methods: frozenset[str] | None = None  # None: every method

    def __init__(self) -> None:
        self._retry_after: int | None = None

    def get_rate(self) -> tuple[int, int]:
        rate = self.rate or api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        return ratelimit.parse_rate(rate)

    def get_ident(self, request: Request, view: object) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Request, view: object) -> bool:
        if self.methods is not None and request.method not in self.methods:
            return True
        ident = self.get_ident(request, view)
        if ident is None:
            return True
        limit, window = self.get_rate()
        try:
            decision = ratelimit.hit(self.scope, ident, limit, window)
        except Exception:  # any Redis failure: let the request through, loudly
            logger.exception("throttle %s unavailable; allowing the request", self.scope)
            return True
        self._retry_after = decision.retry_after or None
        return decision.allowed

    def wait(self) -> int | None:
        return self._retry_after


def _body_phone(request: Request) -> str | None:
    data = request.data
    raw = data.get("phone") if hasattr(data, "get") else None
    try:
        return normalize_mobile(raw)
    except InvalidPhone:
        return None  # the serializer answers 400; the address throttle still counts the request


class PhoneRateThrottle(AtomicRateThrottle):
    def get_ident(self, request: Request, view: object) -> str | None:
        phone = _body_phone(request)
        # A digest, not the number: no personal data in Redis keys.
        return None if phone is None else digest(phone)


class IPRateThrottle(AtomicRateThrottle):
    def get_ident(self, request: Request, view: object) -> str | None:
        # X-Forwarded-For only as far as NUM_PROXIES trusts it (the access log reads it the same way).
        return client_ip(request) or ""


class CitizenRateThrottle(AtomicRateThrottle):
    """Per citizen (``AppPrincipal`` has no ``pk`` for DRF's stock throttles)."""

    def get_ident(self, request: Request, view: object) -> str | None:
        citizen = getattr(request.user, "citizen", None)
        return None if citizen is None else str(citizen.pk)


class RegisterPhoneThrottle(PhoneRateThrottle):
    scope = "register_phone"


class RegisterIPThrottle(IPRateThrottle):
    scope = "register_ip"


class VerifyPhoneThrottle(PhoneRateThrottle):
    scope = "verify_phone"


class VerifyIPThrottle(IPRateThrottle):
    scope = "verify_ip"


class SosThrottle(CitizenRateThrottle):
    scope = "sos"
    methods = frozenset({"POST"})

    def get_rate(self) -> tuple[int, int]:
        # A misconfigured rate must not starve a citizen in danger: never below 30 per minute.
        limit, window = super().get_rate()
        if limit * 60 / window >= SOS_MIN_PER_MINUTE:
            return limit, window
        return SOS_MIN_PER_MINUTE, 60


class PinThrottle(CitizenRateThrottle):
    """Cancel attempts: slows PIN guessing on a stolen phone. A throttled cancel leaves the SOS
    open, which is the safe side."""

    scope = "alert_cancel"
    rate = "10/minute"


class ProfileThrottle(CitizenRateThrottle):
    """Profile changes: each PIN set or compared is a PBKDF2 (docs/security.md, PIN hashing)."""

    scope = "profile"
    methods = frozenset({"PATCH", "PUT"})


class GuardianChangeThrottle(CitizenRateThrottle):
    """Adding (an SMS to the new guardian) and removing guardians."""

    scope = "guardians"
    methods = frozenset({"POST", "DELETE"})


class TripStartThrottle(CitizenRateThrottle):
    """Starting a trip texts every guardian."""

    scope = "trips"
    methods = frozenset({"POST"})
