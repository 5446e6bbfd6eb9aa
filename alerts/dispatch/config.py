"""Dispatch settings as the dispatch code uses them. Each is declared, with its default and its
environment variable, in hwaseong_safety/settings.py; read here at call time, so a test's
``settings`` fixture changes them."""

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


def agency_secret(agency: str) -> str:
    """The shared secret for ``agency`` ("" when unknown or unset: nothing can be verified)."""
    secrets = {"police": settings.DISPATCH_POLICE_SECRET, "fire": settings.DISPATCH_FIRE_SECRET}
    return secrets.get(agency, "")


def endpoint(agency: str) -> Endpoint | None:
    """The agency's webhook, or None when it is not linked (no URL or no secret): an unsigned
    request to an emergency system is never sent."""
    url = {"police": settings.DISPATCH_POLICE_URL, "fire": settings.DISPATCH_FIRE_URL}.get(agency, "")
    secret = agency_secret(agency)
    return Endpoint(agency, url, secret) if url and secret else None


def max_attempts() -> int:
    return settings.DISPATCH_MAX_ATTEMPTS


def timeout_s() -> float:
    return settings.DISPATCH_TIMEOUT_SECONDS


def pending_alarm_s() -> float:
    """How long a request may stay pending before the console says "phone the agency now"."""
    return settings.DISPATCH_PENDING_ALARM_SECONDS


def retry_base_s() -> float:
    return settings.DISPATCH_RETRY_BASE_SECONDS


def retry_factor() -> float:
    return float(settings.DISPATCH_RETRY_FACTOR)


def retry_jitter() -> float:
    return float(settings.DISPATCH_RETRY_JITTER)


def retry_cap_s() -> float:
    return settings.DISPATCH_RETRY_MAX_SECONDS


def callback_max_skew_s() -> int:
    return settings.DISPATCH_CALLBACK_MAX_SKEW_SECONDS


def sweep_grace_s() -> float:
    return settings.DISPATCH_SWEEP_GRACE_SECONDS


def nearest_cameras() -> int:
    return settings.DISPATCH_CAMERAS


def callback_url() -> str:
    """Where agencies post status updates; sent in every payload."""
    configured = settings.DISPATCH_CALLBACK_URL
    return configured or settings.SITE_URL + reverse("dispatch-callback")
