"""What every app endpoint of trips and alerts shares: the app base view and per-citizen throttles."""

from __future__ import annotations

import logging

from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

SOS_MIN_PER_MINUTE = 30


class LenientJSONParser(JSONParser):
    """Also reads NaN and Infinity, which strict JSON forbids: an SOS whose location has one must
    become an SOS without a fix, not a 400 that loses it (the location's own validation rejects
    non-finite numbers)."""

    strict = False


SOS_PARSERS = [LenientJSONParser, FormParser, MultiPartParser]


class CitizenRateThrottle(SimpleRateThrottle):
    """Per citizen (``AppPrincipal`` has no ``pk`` for DRF's stock throttles). Fails open: the
    counters live in Redis, and Redis being down must never stop an SOS."""

    def get_cache_key(self, request: Request, view: object) -> str | None:
        citizen = getattr(request.user, "citizen", None)
        if citizen is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": citizen.pk}

    def allow_request(self, request: Request, view: object) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # any cache failure: let the request through
            logger.exception("throttle %s unavailable; allowing the request", self.scope)
            return True


class SosThrottle(CitizenRateThrottle):
    scope = "sos"

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        # A misconfigured rate must not starve a citizen in danger: never below 30 per minute.
        num, duration = super().parse_rate(rate)
        if num is None or duration is None or num * 60 / duration >= SOS_MIN_PER_MINUTE:
            return num, duration
        return SOS_MIN_PER_MINUTE, 60


class PinThrottle(CitizenRateThrottle):
    """Cancel attempts: slows PIN guessing on a stolen phone. A throttled cancel leaves the SOS
    open, which is the safe side."""

    scope = "alert_cancel"
    rate = "10/minute"
