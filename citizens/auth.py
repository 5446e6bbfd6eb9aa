"""Bearer tokens for the safe-return app. Only a SHA-256 of each token is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from citizens.models import AppToken, Citizen
from hwaseong_safety import fastpath

# Writing last_used_at on every request would turn each location report into two writes.
_LAST_USED_RESOLUTION = timedelta(minutes=5)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(citizen: Citizen, device_name: str = "") -> str:
    raw = secrets.token_urlsafe(32)
    AppToken.objects.create(citizen=citizen, key_hash=hash_token(raw), device_name=device_name[:100])
    return raw


@dataclass(frozen=True)
class AppPrincipal:
    """``request.user`` for app requests: never a staff user, so no staff permission can pass."""

    citizen: Citizen
    token: AppToken
    is_authenticated: bool = True
    is_center_staff: bool = False
    is_staff: bool = False
    is_superuser: bool = False


class AppTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[AppPrincipal, AppToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme != self.keyword:
            return None
        raw = raw.strip()
        if not raw:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = _live_token(hash_token(raw))
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
            AppToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return AppPrincipal(citizen=token.citizen, token=token), token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def _live_token(key_hash: str) -> AppToken | None:
    """The unrevoked token of an active citizen, with its citizen: every app request (each SOS,
    each location report) asks, so one statement without the ORM's query building
    (hwaseong_safety/fastpath/rows.py: ~1 ms of CPU less a request)."""
    return fastpath.read_one(
        AppToken.objects.filter(key_hash=key_hash, revoked_at__isnull=True, citizen__is_active=True),
        f"SELECT {fastpath.columns(AppToken, 't')}, {fastpath.columns(Citizen, 'c')} "
        "FROM guardians_apptoken AS t JOIN guardians_citizen AS c ON c.id = t.citizen_id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND c.is_active",
        [key_hash], related=["citizen"])


class IsAppUser(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return isinstance(request.user, AppPrincipal)
