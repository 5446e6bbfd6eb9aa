"""What every app endpoint of trips and alerts shares: the app base view and per-citizen throttles."""

from __future__ import annotations

from rest_framework.parsers import FormParser, MultiPartParser

# The throttles live with the others; imported here for the views of trips and alerts.
from citizens.throttles import SOS_MIN_PER_MINUTE, PinThrottle, SosThrottle, TripStartThrottle
from hwaseong_safety.jsonsafe import SafeJSONParser

__all__ = ["SOS_MIN_PER_MINUTE", "SOS_PARSERS", "LenientJSONParser", "PinThrottle", "SosThrottle",
           "TripStartThrottle"]


class LenientJSONParser(SafeJSONParser):
    """Also reads NaN and Infinity, which strict JSON forbids: an SOS whose location has one must
    become an SOS without a fix, not a 400 that loses it (the location's own validation rejects
    non-finite numbers). Nesting deeper than any SOS body is still a 400 (hwaseong_safety/jsonsafe.py)."""

    strict = False


SOS_PARSERS = [LenientJSONParser, FormParser, MultiPartParser]
