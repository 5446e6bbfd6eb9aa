"""Login lockout for the console and the admin (docs/hardening.md, "Login lockout").

Brute force is kept out without letting a stranger lock an operator out of a 24/7 center:

- ``LOGIN_LOCKOUT_PAIR_ATTEMPTS`` failures for one username *from one address* lock that pair: the
  operator at their own console is not locked by someone guessing elsewhere;
- ``LOGIN_LOCKOUT_IP_ATTEMPTS`` failures from one address (any usernames) lock that address;
- ``LOGIN_LOCKOUT_USERNAME_ALERT_ATTEMPTS`` failures for one username from anywhere (a distributed
  attack) alert the supervisors (an ``login_alert`` access record, shown on the admin's front page,
  and a WARNING) and, for ``LOGIN_LOCKOUT_SECONDS``, refuse that username from every address where
  it has not logged in successfully within ``LOGIN_KNOWN_ADDRESS_DAYS``: the attacker's addresses
  are new, the operator's console is not.

All within ``LOGIN_LOCKOUT_WINDOW_SECONDS``; locks last ``LOGIN_LOCKOUT_SECONDS``. Counters live in
the Django cache (Redis), so every web process shares them.

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

from hwaseong_safety.fastpath import redis_client
from operators.audit import client_ip, record_access
from operators.models import AccessAction, User

logger = logging.getLogger(__name__)
LOCKED_CODE = "login_locked"
_PREFIX = "login-lockout"


@dataclass(frozen=True)
class Lock:
    scope: str  # "pair" (username from one address), "ip", or "username" (from a new address)
    until: float  # epoch seconds

    def minutes_left(self) -> int:
        return max(1, math.ceil((self.until - time.time()) / 60))


def _key(kind: str, scope: str, value: str) -> str:
    # Hashed: usernames and addresses may hold characters a cache key must not, and the key names
    # in Redis then reveal nobody's account.
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"{_PREFIX}:{kind}:{scope}:{digest}"


def _name(username: str) -> str:
    return username.strip().lower()


def _pair(username: str, ip: str) -> str:
    return f"{_name(username)}\n{ip}"


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


def _locked_until(scope: str, value: str) -> float | None:
    until = cache.get(_key("lock", scope, value))
    return until if until is not None and until > time.time() else None


def is_known_address(username: str, ip: str | None) -> bool:
    return ip is not None and cache.get(_key("known", "pair", _pair(username, ip))) is not None


def current_lock(request: HttpRequest | None, username: str) -> Lock | None:
    ip = _ip(request)
    if ip is not None:
        for scope, value in (("pair", _pair(username, ip)), ("ip", ip)):
            until = _locked_until(scope, value)
            if until is not None:
                return Lock(scope, until)
    until = _locked_until("username", _name(username))
    if until is not None and not is_known_address(username, ip):
        return Lock("username", until)
    return None


def _count(scope: str, value: str) -> int:
    window = settings.LOGIN_LOCKOUT_WINDOW_SECONDS
    counter = _key("failures", scope, value)
    cache.add(counter, 0, timeout=window)  # the window starts at the first failure
    try:
        return cache.incr(counter)
    except ValueError:  # expired between add and incr: this failure starts a new window
        cache.set(counter, 1, timeout=window)
        return 1


def _lock(scope: str, value: str) -> None:
    seconds = settings.LOGIN_LOCKOUT_SECONDS
    cache.set(_key("lock", scope, value), time.time() + seconds, timeout=seconds)
    cache.delete(_key("failures", scope, value))


def record_failure(request: HttpRequest | None, username: str) -> None:
    ip = _ip(request)
    subjects = [("pair", _pair(username, ip), settings.LOGIN_LOCKOUT_PAIR_ATTEMPTS),
                ("ip", ip, settings.LOGIN_LOCKOUT_IP_ATTEMPTS)] if ip is not None else []
    for scope, value, allowed in subjects:
        failures = _count(scope, value)
        if failures >= allowed:
            _lock(scope, value)
            # Never the password; the username as typed is what an administrator looks for.
            logger.warning("login locked for %s s by the %s limit after %s failures (username %r, ip %s)",
                           settings.LOGIN_LOCKOUT_SECONDS, scope, failures, username[:150], ip or "-")
    failures = _count("username", _name(username))
    if failures >= settings.LOGIN_LOCKOUT_USERNAME_ALERT_ATTEMPTS:
        _lock("username", _name(username))
        _alert_supervisors(request, username, failures)


def _alert_supervisors(request: HttpRequest | None, username: str, failures: int) -> None:
    """Many failures for one account from anywhere: a distributed guess, or a stranger trying to
    lock an operator out. Supervisors see it on the admin's front page (the access log)."""
    account = User.objects.filter(username__iexact=_name(username)).first()
    logger.warning("login alert: %s failed logins for username %r within %s s; new addresses refused "
                   "for %s s, supervisors alerted", failures, username[:150],
                   settings.LOGIN_LOCKOUT_WINDOW_SECONDS, settings.LOGIN_LOCKOUT_SECONDS)
    if account is None:
        return  # no account to protect: the address limit deals with name sprayers
    record_access(request, AccessAction.LOGIN_ALERT, subject_citizen_id=None,
                  target=f"operators.user:{account.pk}",
                  detail={"account": account.pk, "failures": failures,
                          "window_s": settings.LOGIN_LOCKOUT_WINDOW_SECONDS,
                          "new_addresses_refused_s": settings.LOGIN_LOCKOUT_SECONDS})


def record_success(request: HttpRequest | None, username: str) -> None:
    """A good password clears the failures of that username from that address, and makes the
    address a known one for the username. Not the address's count (one operator logging in must not
    reset the count of someone guessing from the same place), nor the username's (the real operator
    logging in must not reset a distributed attacker's count)."""
    ip = _ip(request)
    if ip is not None:
        cache.delete(_key("failures", "pair", _pair(username, ip)))
        cache.set(_key("known", "pair", _pair(username, ip)), 1,
                  timeout=settings.LOGIN_KNOWN_ADDRESS_DAYS * 86_400)


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
        return User.USERNAME_FIELD


def unlock(*, username: str | None = None, ip: str | None = None) -> None:
    """Lift locks and failure counts early (an administrator's decision, or a test): the username's
    (from new addresses), the address's, and with both, that pair's."""
    keys: list[str] = []
    for scope, value in (("username", _name(username or "")), ("ip", ip or ""),
                         ("pair", _pair(username, ip) if username and ip else "")):
        if value:
            keys += [_key("lock", scope, value), _key("failures", scope, value)]
    cache.delete_many(keys)


def clear_all() -> int:
    """Every lockout counter and lock in this cache's key prefix; the number of keys removed."""
    client = redis_client(cache)  # SCAN, never KEYS or FLUSHDB
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*:{_PREFIX}:*"))
    if keys:
        client.delete(*keys)
    return len(keys)
