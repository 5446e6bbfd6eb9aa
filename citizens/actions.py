"""Every change to a citizen's account: sign-up codes sent and checked, profile and PINs changed,
tokens revoked. The account views call these; nothing else writes these rows (tokens are issued
by ``do_verify`` through citizens/auth.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from citizens.auth import issue_token
from citizens.models import AppToken, Citizen, PhoneVerification
from citizens.verification import CODE_TTL, MAX_ATTEMPTS, Outcome, VerifyResult, code_hash, new_code
from operators.centers import host_center
from sms import budget
from sms.outbox import SMS_PREFIX, queue_sms


def do_register(phone: str, name: str) -> PhoneVerification:
    """Supersede any unconsumed code for ``phone`` and send a new one (SMS after commit).

    Over the number's daily SMS budget it raises Throttled (a 429) and stores nothing: SMS pumping.
    """
    budget.charge(None, [phone])
    code = new_code()
    now = timezone.now()
    with transaction.atomic():
        # Expiring older codes keeps one live code per phone: an earlier SMS can't be used any more.
        PhoneVerification.objects.filter(
            phone=phone, consumed_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        verification = PhoneVerification.objects.create(
            phone=phone, name=name, code_hash=code_hash(phone, code), expires_at=now + CODE_TTL
        )
        body = f"{SMS_PREFIX} 인증번호 [{code}]를 입력해 주세요. 5분 동안 유효합니다."
        queue_sms(phone, body, "verification")
    return verification


def do_verify(phone: str, code: str, device_name: str = "") -> VerifyResult:
    """Check ``code`` against the newest code for ``phone``; on success sign in (or up).

    Returns instead of raising so that a wrong try's counter is committed, not rolled back.
    """
    with transaction.atomic():
        # The lock makes a second concurrent verify wait, then see consumed_at and fail.
        verification = (
            PhoneVerification.objects.select_for_update().filter(phone=phone).order_by("-created_at", "-id")
            .first()
        )
        if verification is None or verification.consumed_at is not None:
            return VerifyResult(Outcome.NO_CODE)
        if verification.expires_at <= timezone.now():
            return VerifyResult(Outcome.EXPIRED)
        if verification.attempts >= MAX_ATTEMPTS:
            return VerifyResult(Outcome.EXHAUSTED)
        if not constant_time_compare(verification.code_hash, code_hash(phone, code)):
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
            return VerifyResult(Outcome.WRONG, tries_left=MAX_ATTEMPTS - verification.attempts)
        verification.consumed_at = timezone.now()
        verification.save(update_fields=["consumed_at"])
        # A home center from the first day: an SOS before any location reached us still has operators.
        citizen, _created = Citizen.objects.get_or_create(
            phone=phone, defaults={"name": verification.name, "home_center": host_center()})
        if not citizen.is_active:
            return VerifyResult(Outcome.INACTIVE)
        return VerifyResult(Outcome.OK, citizen=citizen, token=issue_token(citizen, device_name))


def do_update_profile(citizen: Citizen, *, name: str | None = None, cancel_pin: str | None = None,
                      duress_pin: str | None = None) -> Citizen:
    """Change the name and/or PINs (None leaves a field as it is; PINs are stored hashed). The
    rules between the two PINs are checked before this, by the profile serializer."""
    citizen.set_pins(cancel_pin, duress_pin)
    if name is not None:
        citizen.name = name
    citizen.save(update_fields=["name", "cancel_pin", "duress_pin"])
    return citizen


def do_logout(token: AppToken) -> None:
    """Revoke the token the request came with; it answers 401 from now on."""
    AppToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
