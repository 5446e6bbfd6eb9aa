"""Sign-up codes sent by SMS: creation, and checking under a row lock.

Only an HMAC of the code is stored (keyed with SECRET_KEY): a leaked table alone cannot be turned
back into live codes, which a plain hash of a 6-digit number could be in a second.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from guardians.auth import issue_token
from guardians.models import Citizen, PhoneVerification
from operators.centers import host_center
from sms.outbox import SMS_PREFIX, queue_sms

CODE_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 5
_HMAC_SALT = "guardians.verification.code"


def _code_hash(phone: str, code: str) -> str:
    return salted_hmac(_HMAC_SALT, f"{phone}:{code}", algorithm="sha256").hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def start_verification(phone: str, name: str) -> PhoneVerification:
    """Supersede any unconsumed code for ``phone`` and send a new one (SMS after commit)."""
    code = new_code()
    now = timezone.now()
    with transaction.atomic():
        # Expiring older codes keeps one live code per phone: an earlier SMS can't be used any more.
        PhoneVerification.objects.filter(
            phone=phone, consumed_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        verification = PhoneVerification.objects.create(
            phone=phone, name=name, code_hash=_code_hash(phone, code), expires_at=now + CODE_TTL
        )
        body = f"{SMS_PREFIX} 인증번호 [{code}]를 입력해 주세요. 5분 동안 유효합니다."
        queue_sms(phone, body, "verification")
    return verification


class Outcome(enum.Enum):
    OK = "ok"
    NO_CODE = "no_code"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"
    WRONG = "wrong"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class VerifyResult:
    outcome: Outcome
    citizen: Citizen | None = None
    token: str = ""
    tries_left: int = 0


def verify_code(phone: str, code: str, device_name: str = "") -> VerifyResult:
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
        if not constant_time_compare(verification.code_hash, _code_hash(phone, code)):
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
