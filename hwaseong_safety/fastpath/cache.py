"""Patch: Django's Redis cache with one connection pool per process, not one per request.

Upstream API touched (private): subclasses of ``django.core.cache.backends.redis.RedisCache`` (its
``_class``) and ``RedisCacheClient`` (``get_client``, ``_get_connection_pool`` and the attributes
``_servers``, ``_pool_options``, ``_pool_class``, ``_client``, ``_get_connection_pool_index``).
Settings name this backend only with ``FASTPATH`` on; off, Django's ``RedisCache``.
Parity test: tests/hwaseong_safety/fastpath/test_asgi_http.py (the pool is shared; the whole suite
runs on it).

Django keeps a cache's connection pools on the cache object, and ``caches`` hands each context its
own object: under ASGI every request is a new context, so every request opened a new TCP
connection to Redis (connect, HELLO, CLIENT SETINFO, and redis-py reading its own package metadata
from disk for the latter). py-spy put that at a tenth of the nearest-camera request
(docs/benchmarks.md). Here the clients, each with its pool, live at module level, keyed by process,
server and options; redis-py's clients and pools are thread-safe (and building a client sets up ~170 response
callbacks, which Django did on every cache call).
"""

from __future__ import annotations

import os
import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_clients: dict[tuple, Any] = {}  # each with its own connection pool
_lock = threading.Lock()


class SharedPoolClient(RedisCacheClient):
    def get_client(self, key: str | None = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        # The pid: a forked child (Celery's prefork workers) must not share its parent's sockets.
        shared = (os.getpid(), self._servers[index], repr(sorted(self._pool_options.items())))
        client = _clients.get(shared)
        if client is None:
            with _lock:
                client = _clients.get(shared)
                if client is None:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    client = _clients[shared] = self._client(connection_pool=pool)
        return client

    def _get_connection_pool(self, write: bool) -> Any:
        return self.get_client(write=write).connection_pool


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = SharedPoolClient
