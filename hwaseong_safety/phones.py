"""Korean mobile numbers in any usual form, normalised to one: 01012345678.

``phonenumbers`` (Google's libphonenumber) does the reading: it turns full-width and
Arabic-Indic digits into ASCII ones and understands the +82 forms. Every check that compares
numbers (duplicate guardian, own number, per-phone throttles and SMS budgets, one account per
number) runs on the normalised form only, so '０１０…' and '010…' are the same number.
"""

from __future__ import annotations

import hashlib
import re

import phonenumbers

# Digits of any script, the usual separators, and one leading '+'. Nothing else: phonenumbers
# would read letters as keypad digits ('010-CALL-…'), and a NUL or a control character is never
# part of a number.
_ACCEPTED = re.compile(r"\A\s*\+?[\d\s\-().\uff0d]{9,30}\Z")
_MOBILE = re.compile(r"\A01[016789][0-9]{7,8}\Z")  # ASCII digits only, after normalising
KOREA = 82


class InvalidPhone(ValueError):
    pass


def normalize_mobile(raw: str) -> str:
    """'010-1234-5678', '01012345678', '+82 10 1234 5678', '+82-010-1234-5678', '0082 10…' and
    the same in full-width or Arabic-Indic digits → '01012345678'."""
    if not isinstance(raw, str) or not _ACCEPTED.match(raw):
        raise InvalidPhone(raw)
    digits = phonenumbers.normalize_digits_only(raw)  # ASCII digits, separators dropped
    if raw.strip().startswith("+"):
        digits = "+" + digits
    elif digits.startswith("0082"):
        digits = "+" + digits[2:]  # the international prefix written out, which KR parsing refuses
    try:
        number = phonenumbers.parse(digits, "KR")
    except phonenumbers.NumberParseException:
        raise InvalidPhone(raw) from None
    if number.country_code != KOREA:
        raise InvalidPhone(raw)
    national = "0" + str(number.national_number)
    if not _MOBILE.match(national):
        raise InvalidPhone(raw)
    return national


def digest(phone: str) -> str:
    """A stable key for a number where the number itself must not be stored (Redis keys)."""
    return hashlib.sha256(phone.encode()).hexdigest()[:32]


def mask(phone: str) -> str:
    """For logs and third-party views: 010-****-5678."""
    return f"{phone[:3]}-****-{phone[-4:]}" if len(phone) >= 7 else "***"
