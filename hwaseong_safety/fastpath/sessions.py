"""Patch: sessions read from Redis and written through to PostgreSQL (``cached_db``), that keep
working while Redis is away.

Upstream API touched (private): a subclass of ``django.contrib.sessions.backends.cached_db.
SessionStore`` that wraps its ``_cache`` and calls ``cached_db.DBStore.delete`` and
``cache_key_prefix`` around ``cycle_key``. Settings name this engine only with ``FASTPATH`` on;
off, Django's ``cached_db`` (and a Redis outage answers 500 on staff pages again).
Canary: tests/chaos/test_redis_outage.py (fast path only).
 Django's own falls back to the database on a failed cache read, but then
writes the session back to the cache unguarded: with Redis down every console page, console API
call and socket answered 500 (found by make chaos). Here a cache that refuses is skipped for reads
and writes, and for the delete of the old key when a login renews the key (that key holds only what
the session held before the login). A logout still needs the cache: a logged-out session left in
Redis would log its user back in once Redis is back, so there a failed delete fails, loudly."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger("django.contrib.sessions")


class _TolerantCache:
    def __init__(self, cache: object) -> None:
        self._cache = cache

    def get(self, key: str) -> object:
        try:
            return self._cache.get(key)
        except Exception:
            logger.warning("session cache unavailable; reading the session from the database", exc_info=True)
            return None

    def set(self, key: str, value: object, timeout: int | None) -> None:
        try:
            self._cache.set(key, value, timeout)
        except Exception:
            logger.warning("session cache unavailable; the session is in the database only", exc_info=True)

    def __contains__(self, key: str) -> bool:
        try:
            return key in self._cache
        except Exception:
            logger.debug("session cache unavailable; asking the database", exc_info=True)
            return False

    def delete(self, key: str) -> object:
        return self._cache.delete(key)

    def __getattr__(self, name: str) -> object:  # the async methods and anything else
        return getattr(self._cache, name)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = _TolerantCache(self._cache)

    _renewing = False

    def cycle_key(self) -> None:
        """At login: the data moves to a new key and the old key is deleted."""
        self._renewing = True
        try:
            super().cycle_key()
        finally:
            self._renewing = False

    def delete(self, session_key: str | None = None) -> None:
        if not self._renewing:  # flush(): a logout, or a login as someone else
            super().delete(session_key)
            return
        cached_db.DBStore.delete(self, session_key)
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.warning("session cache unavailable; the pre-login session stays there until it expires",
                           exc_info=True)
