"""SMS or LMS: Korean carriers count a message in EUC-KR (CP949) bytes, not characters.

A short message (SMS) holds 90 bytes: 45 Hangul syllables or 90 ASCII characters. Longer text goes
as LMS, up to 2,000 bytes. Both limits are the carriers' and NAVER SENS documents the same ones.
"""

from __future__ import annotations

from typing import Literal

SMS_MAX_BYTES = 90
LMS_MAX_BYTES = 2000

MessageType = Literal["SMS", "LMS"]


def euckr_length(body: str) -> int:
    """Bytes of ``body`` in CP949. A character CP949 cannot encode (an emoji) is counted as two
    bytes: carriers replace it, and erring long only ever picks LMS, never a truncated SMS."""
    total = 0
    for char in body:
        try:
            total += len(char.encode("cp949"))
        except UnicodeEncodeError:
            total += 2
    return total


def message_type(body: str) -> MessageType:
    return "SMS" if euckr_length(body) <= SMS_MAX_BYTES else "LMS"


def too_long(body: str) -> bool:
    return euckr_length(body) > LMS_MAX_BYTES
