"""Strict readers for settings that come from environment variables.

A value that is present but malformed is a configuration error, never a silent default:
``DEBUG=yes`` must not quietly turn into ``False`` on a control-center server.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "on"}
_FALSE = {"false", "0", "off"}
_RATE = re.compile(r"\A(\d+)/(\d*)(s|sec|second|m|min|minute|h|hour|d|day)\Z")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """A throttle rate: '120/minute', '5/hour', '20/day', '10/15m' → (requests, seconds)."""
    match = _RATE.match(rate.strip())
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"{rate!r}: expected a rate like 120/minute, 5/hour or 10/15m")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _UNIT[unit[0]]


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def renamed(self, old: str, new: str) -> None:
        """A setting that was renamed: its old name set is an error, not silently ignored (it
        would leave the default in force where the operator meant to change it)."""
        if self._raw(old) is not None:
            raise ImproperlyConfigured(f"{old} was renamed to {new}: set {new} instead")

    def str(self, name: str, default: str) -> str:
        value = self._raw(name)
        return default if value is None else value

    def required_str(self, name: str) -> str:
        value = self._raw(name)
        if value is None:
            raise ImproperlyConfigured(f"{name} must be set")
        return value

    def bool(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a boolean; use one of true/false, 1/0, on/off"
        )

    def int(self, name: str, default: int, *, min_value: int | None = None,
            max_value: int | None = None) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None
        if min_value is not None and number < min_value:
            raise ImproperlyConfigured(f"{name}={number} is below the minimum {min_value}")
        if max_value is not None and number > max_value:
            raise ImproperlyConfigured(f"{name}={number} is above the maximum {max_value}")
        return number

    def float(self, name: str, default: float, *, min_value: float | None = None) -> float:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ImproperlyConfigured(f"{name}={value!r} is not a finite number")
        if min_value is not None and number < min_value:
            raise ImproperlyConfigured(f"{name}={number} is below the minimum {min_value}")
        return number

    def rate(self, name: str, default: str) -> str:
        value = self.str(name, default)
        try:
            parse_rate(value)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}={exc}") from None
        return value

    def list(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def int_list(self, name: str, default: list[int]) -> list[int]:
        """A comma list of integers, e.g. HTTP statuses "400,422"."""
        items = self.list(name, [str(number) for number in default])
        if not all(re.fullmatch(r"[+-]?\d+", item) for item in items):
            raise ImproperlyConfigured(f"{name}={self._raw(name)!r} is not a comma list of integers")
        return [int(item) for item in items]

    def url(self, name: str, default: str, *, schemes: tuple[str, ...]) -> str:
        value = self.str(name, default)
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in schemes:
            raise ImproperlyConfigured(
                f"{name} must be a URL starting with one of {', '.join(s + '://' for s in schemes)}"
            )
        return value
