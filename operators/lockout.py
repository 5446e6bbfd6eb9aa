"""Login lockout for the console and the admin (docs/hardening.md).

``LOGIN_LOCKOUT_USERNAME_ATTEMPTS`` failed logins for one username, or ``LOGIN_LOCKOUT_IP_ATTEMPTS``
from one address, within ``LOGIN_LOCKOUT_WINDOW_SECONDS`` lock that username (or address) for
``LOGIN_LOCKOUT_SECONDS``. Counters live in the Django cache (Redis), so every web process shares
them.

It is an authentication backend, the only one in ``AUTHENTICATION_BACKENDS``: every login form
(the console's and the admin's) goes through it. A locked login is refused before the password is
checked, so the answer is the same whether the password was right or not. The refusal is a
``ValidationError``: ``AuthenticationForm.clean()`` calls ``authenticate()`` and shows a
ValidationError raised there as the form's error, so both forms show the lockout message as is.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import ngettext

from operators.audit import client_ip

logger = logging.getLogger(__name__)
LOCKED_CODE = "login_locked"
_PREFIX = "login-lockout"


@dataclass(frozen=True)
class Lock:
    scope: str  # "username" or "ip"
    until: float  # epoch seconds

    def minutes_left(self) -> int:
        return max(1, math.ceil((self.until - time.time()) / 60))


def _key(kind: str, scope: str, value: str) -> str:
    # Hashed: usernames and addresses may hold characters a cache key must not, and the key names
    # in Redis then reveal nobody's account.
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"{_PREFIX}:{kind}:{scope}:{digest}"


def _subjects(request: HttpRequest | None, username: str) -> list[tuple[str, str, int]]:
    """(scope, value, attempts allowed) for the username and, with a request, the client address."""
    subjects = [("username", username.strip().lower(), settings.LOGIN_LOCKOUT_USERNAME_ATTEMPTS)]
    ip = client_ip(request) if request is not None else None
    if ip:
        subjects.append(("ip", ip, settings.LOGIN_LOCKOUT_IP_ATTEMPTS))
    return subjects


def current_lock(request: HttpRequest | None, username: str) -> Lock | None:
    for scope, value, _allowed in _subjects(request, username):
        until = cache.get(_key("lock", scope, value))
        if until is not None and until > time.time():
            return Lock(scope, until)
    return None


def record_failure(request: HttpRequest | None, username: str) -> None:
    window = settings.LOGIN_LOCKOUT_WINDOW_SECONDS
    for scope, value, allowed in _subjects(request, username):
        counter = _key("failures", scope, value)
        cache.add(counter, 0, timeout=window)  # the window starts at the first failure
        try:
            failures = cache.incr(counter)
        except ValueError:  # expired between add and incr: this failure starts a new window
            cache.set(counter, 1, timeout=window)
            failures = 1
        if failures >= allowed:
            seconds = settings.LOGIN_LOCKOUT_SECONDS
            cache.set(_key("lock", scope, value), time.time() + seconds, timeout=seconds)
            cache.delete(counter)
            # Never the password; the username as typed is what an administrator looks for.
            logger.warning("login locked for %s s by the %s limit after %s failures (username %r, ip %s)",
                           seconds, scope, failures, username[:150],
                           client_ip(request) if request is not None else "-")


def record_success(request: HttpRequest | None, username: str) -> None:
    """A good password clears the username's failures (not the address's: one operator logging in
    must not reset the count of someone guessing from the same place)."""
    cache.delete(_key("failures", "username", username.strip().lower()))


def locked_error(lock: Lock) -> ValidationError:
    minutes = lock.minutes_left()
    message = ngettext(
        "Too many failed logins. Try again in %(minutes)d minute.",
        "Too many failed logins. Try again in %(minutes)d minutes.",
        minutes,
    )
    return ValidationError(message, code=LOCKED_CODE, params={"minutes": minutes})


class LockoutModelBackend(ModelBackend):
    """Django's ModelBackend behind the lockout: refused while locked, failures counted."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Any:
        if username is None:
            username = kwargs.get(self._username_field(), "")
        if not username or password is None:
            return None  # not a username/password login: nothing to count
        lock = current_lock(request, username)
        if lock is not None:
            logger.info("login refused while locked (%s): username %r", lock.scope, username[:150])
            raise locked_error(lock)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(request, username)
        else:
            record_success(request, username)
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


def unlock(*, username: str | None = None, ip: str | None = None) -> None:
    """Lift a lock and its failure count early (an administrator's decision, or a test)."""
    for scope, value in (("username", (username or "").strip().lower()), ("ip", ip or "")):
        if value:
            cache.delete_many([_key("lock", scope, value), _key("failures", scope, value)])


def clear_all() -> int:
    """Every lockout counter and lock in this cache's key prefix; the number of keys removed."""
    client = cache._cache.get_client(write=True)  # Django's RedisCache: SCAN, never KEYS or FLUSHDB
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*:{_PREFIX}:*"))
    if keys:
        client.delete(*keys)
    return len(keys)
