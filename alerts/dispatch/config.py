"""Dispatch settings, read at call time (tests and deployments change them without a restart of
this module). None of them is in settings.py on purpose: each has a safe default here."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

AGENCIES = ("police", "fire")


@dataclass(frozen=True)
class Endpoint:
    agency: str
    url: str
    secret: str


def _get(name: str, default: object) -> object:
    return getattr(settings, name, default)


def agency_secret(agency: str) -> str:
    """The shared secret for ``agency`` ("" when unknown or unset: nothing can be verified)."""
    if agency not in AGENCIES:
        return ""
    return str(_get(f"DISPATCH_{agency.upper()}_SECRET", "") or "")


def endpoint(agency: str) -> Endpoint | None:
    """The agency's webhook, or None when it is not linked (no URL or no secret): an unsigned
    request to an emergency system is never sent."""
    url = str(_get(f"DISPATCH_{agency.upper()}_URL", "") or "") if agency in AGENCIES else ""
    secret = agency_secret(agency)
    return Endpoint(agency, url, secret) if url and secret else None


def max_attempts() -> int:
    return max(1, int(_get("DISPATCH_MAX_ATTEMPTS", 10)))


def timeout_s() -> float:
    return float(_get("DISPATCH_TIMEOUT_SECONDS", 10.0))


def pending_alarm_s() -> float:
    """How long a request may stay pending before the console says "phone the agency now"."""
    return float(_get("DISPATCH_PENDING_ALARM_SECONDS", 10.0))


def retry_base_s() -> float:
    return float(_get("DISPATCH_RETRY_BASE_SECONDS", 2.0))


def retry_factor() -> float:
    return float(settings.DISPATCH_RETRY_FACTOR)


def retry_jitter() -> float:
    return float(settings.DISPATCH_RETRY_JITTER)


def retry_cap_s() -> float:
    return float(_get("DISPATCH_RETRY_MAX_SECONDS", 60.0))


def callback_max_skew_s() -> int:
    return int(_get("DISPATCH_CALLBACK_MAX_SKEW_SECONDS", 300))


def sweep_grace_s() -> float:
    return float(_get("DISPATCH_SWEEP_GRACE_SECONDS", 60.0))


def nearest_cameras() -> int:
    return int(_get("DISPATCH_CAMERAS", 4))


def callback_url() -> str:
    """Where agencies post status updates; sent in every payload."""
    configured = str(_get("DISPATCH_CALLBACK_URL", "") or "")
    return configured or settings.SITE_URL + reverse("dispatch-callback")
