"""Whether an open console's login session still holds (issue 15, point 10).

A websocket is authenticated once, when it opens. Before, logging out (or the session expiring, or
an admin deleting it) left the socket open, still receiving names and phone numbers. Now the hub
re-reads the sessions of its consoles with their users (every ``USER_RECHECK_S``, one query for
all), and a logout tells that user's consoles at once (console/realtime/signals.py), naming the session by
a digest so the key itself never goes through Redis.

A session holds when its row exists and has not expired (the ``cached_db`` engine writes every
session through to PostgreSQL), names the same user, and carries that user's current
session-auth hash, as ``django.contrib.auth.get_user`` demands of an HTTP request: a changed
password ends the sockets too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from operators.models import User


@dataclass(frozen=True)
class LiveSession:
    user_id: str | None
    auth_hash: str | None


def session_digest(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def live_sessions(keys: list[str]) -> dict[str, LiveSession]:
    """{key: LiveSession} of those keys whose session exists and has not expired (one query)."""
    if not keys:
        return {}
    rows = Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
    store = import_module(settings.SESSION_ENGINE).SessionStore()  # only to decode
    live = {}
    for row in rows.values_list("session_key", "session_data"):
        data = store.decode(row[1])
        live[row[0]] = LiveSession(data.get(SESSION_KEY), data.get(HASH_SESSION_KEY))
    return live


def session_holds(session: LiveSession | None, user: User) -> bool:
    if session is None or session.user_id is None or str(session.user_id) != str(user.pk):
        return False
    if not session.auth_hash:
        return False
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return any(constant_time_compare(session.auth_hash, h) for h in hashes)
