"""Parsers for single optional cells. Each returns (value, ok): ok False means the cell had text
that could not be read, so the caller stores null and counts a warning."""

from __future__ import annotations

import datetime
import re

from cameras.models import Purpose

# Year bounds for dates in the data: anything outside is a typo (e.g. 190507 for 201905).
MIN_YEAR = 1970
MAX_YEAR = 2100

_INT_RE = re.compile(r"^(\d{1,9})(?:\.0*)?\s*(?:대|개|만|만화소|일)?$", re.ASCII)
_YEAR_MONTH_RES = (
    re.compile(r"^(\d{4})(\d{2})$", re.ASCII),
    re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})(?:\s*[-./]\s*\d{1,2})?\.?$", re.ASCII),
    re.compile(r"^(\d{4})\s*년\s*(\d{1,2})\s*월(?:\s*\d{1,2}\s*일)?$", re.ASCII),
    re.compile(r"^(\d{4})(\d{2})\d{2}$", re.ASCII),
)
_DATE_RES = (
    re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?(?:\s+[\d:]+)?$", re.ASCII),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII),
    re.compile(r"^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일$", re.ASCII),
)
_PURPOSES = {purpose.value for purpose in Purpose}


def parse_int(text: str, maximum: int) -> tuple[int | None, bool]:
    if not text:
        return None, True
    match = _INT_RE.match(text)
    if not match:
        return None, False
    number = int(match.group(1))
    return (number, True) if number <= maximum else (None, False)


def parse_year_month(text: str) -> tuple[datetime.date | None, bool]:
    if not text:
        return None, True
    for pattern in _YEAR_MONTH_RES:
        if match := pattern.match(text):
            return _date(int(match.group(1)), int(match.group(2)), 1)
    return None, False


def parse_date(text: str) -> tuple[datetime.date | None, bool]:
    if not text:
        return None, True
    for pattern in _DATE_RES:
        if match := pattern.match(text):
            return _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return None, False


def _date(year: int, month: int, day: int) -> tuple[datetime.date | None, bool]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None, False
    try:
        return datetime.date(year, month, day), True
    except ValueError:
        return None, False


def parse_purpose(text: str) -> tuple[str, bool]:
    """A Purpose value; unknown words become 기타 (other) with a warning."""
    if not text:
        return "", True
    compact = "".join(text.split())  # '생활 방범' is still 생활방범
    if compact in _PURPOSES:
        return compact, True
    return Purpose.OTHER.value, False
