"""Django's Redis cache with one connection pool per process, not one per request.

Django keeps a cache's connection pools on the cache object, and ``caches`` hands each context its
own object: under ASGI every request is a new context, so every request opened a new TCP
connection to Redis (connect, HELLO, CLIENT SETINFO, and redis-py reading its own package metadata
from disk for the latter). py-spy put that at a tenth of the nearest-camera request
(docs/benchmarks.md). Here the pools live at module level, keyed by process, server and options;
redis-py's pools are thread-safe, and so are its clients: one client per pool too (building one
sets up ~170 response callbacks, and Django's makes one per cache call).
"""

from __future__ import annotations

import os
import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict[tuple, Any] = {}
_clients: dict[int, Any] = {}
_lock = threading.Lock()


class SharedPoolClient(RedisCacheClient):
    def _get_connection_pool(self, write: bool) -> Any:
        index = self._get_connection_pool_index(write)
        # The pid: a forked child (Celery's prefork workers) must not share its parent's sockets.
        key = (os.getpid(), self._servers[index], repr(sorted(self._pool_options.items())))
        pool = _pools.get(key)
        if pool is None:
            with _lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return pool

    def get_client(self, key: str | None = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = _clients.get(id(pool))
        if client is None:
            client = _clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = SharedPoolClient
