"""Strict readers for settings that come from environment variables.

A value that is present but malformed is a configuration error, never a silent default:
``DEBUG=yes`` must not quietly turn into ``False`` on a control-center server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "on"}
_FALSE = {"false", "0", "off"}


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

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

    def list(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def url(self, name: str, default: str, *, schemes: tuple[str, ...]) -> str:
        value = self.str(name, default)
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in schemes:
            raise ImproperlyConfigured(
                f"{name} must be a URL starting with one of {', '.join(s + '://' for s in schemes)}"
            )
        return value
