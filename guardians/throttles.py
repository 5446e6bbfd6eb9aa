"""Throttles for sign-up: by normalised phone (from the body) and by client IP, on the scopes in
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``. Both apply: one phone can't be flooded from many IPs,
and one IP can't walk through many phones."""

from __future__ import annotations

import hashlib

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from guardians.phones import InvalidPhone, normalize_mobile


def _body_phone(request: Request) -> str | None:
    data = request.data
    raw = data.get("phone") if hasattr(data, "get") else None
    if not isinstance(raw, str):
        return None
    try:
        return normalize_mobile(raw)
    except InvalidPhone:
        return None  # the serializer answers 400; the IP throttle still counts the request


class PhoneRateThrottle(SimpleRateThrottle):
    def get_cache_key(self, request: Request, view: object) -> str | None:
        phone = _body_phone(request)
        if phone is None:
            return None
        # A digest, not the number: no personal data in cache keys.
        digest = hashlib.sha256(phone.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}


class IPRateThrottle(SimpleRateThrottle):
    def get_ident(self, request: Request) -> str:
        # DRF trusts X-Forwarded-For when NUM_PROXIES is unset, so anyone could pick their own
        # bucket. Trust it only when NUM_PROXIES says how many proxies stand in front of us.
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR", "")
        return super().get_ident(request)

    def get_cache_key(self, request: Request, view: object) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RegisterPhoneThrottle(PhoneRateThrottle):
    scope = "register_phone"


class RegisterIPThrottle(IPRateThrottle):
    scope = "register_ip"


class VerifyPhoneThrottle(PhoneRateThrottle):
    scope = "verify_phone"


class VerifyIPThrottle(IPRateThrottle):
    scope = "verify_ip"
