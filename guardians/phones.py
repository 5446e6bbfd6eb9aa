"""Korean mobile numbers in any usual form, normalised to one: 01012345678."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^01[016789]\d{7,8}$")


class InvalidPhone(ValueError):
    pass


def normalize_mobile(raw: str) -> str:
    """'010-1234-5678', '01012345678', '+82 10 1234 5678', '+82-010-1234-5678' → '01012345678'."""
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if digits.startswith("+82"):
        digits = digits[3:]
    elif digits.startswith("0082"):
        digits = digits[4:]
    if not digits.isdigit():
        raise InvalidPhone(raw)
    if not digits.startswith("0"):
        digits = "0" + digits
    if not _MOBILE.match(digits):
        raise InvalidPhone(raw)
    return digits


def mask(phone: str) -> str:
    """For logs and third-party views: 010-****-5678."""
    return f"{phone[:3]}-****-{phone[-4:]}" if len(phone) >= 7 else "***"
