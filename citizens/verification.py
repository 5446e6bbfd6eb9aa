"""Sign-up codes sent by SMS: how a code is made and stored, and what checking one can answer.
Sending one and checking one are citizens/actions.py's ``do_register`` and ``do_verify``.

Only an HMAC of the code is stored (keyed with SECRET_KEY): a leaked table alone cannot be turned
back into live codes, which a plain hash of a 6-digit number could be in a second.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.utils.crypto import salted_hmac

from citizens.models import Citizen

CODE_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 5
_HMAC_SALT = "guardians.verification.code"  # the old module's name: changing it voids live codes


def code_hash(phone: str, code: str) -> str:
    return salted_hmac(_HMAC_SALT, f"{phone}:{code}", algorithm="sha256").hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


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
