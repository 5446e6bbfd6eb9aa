"""Touchpoint: the redis-py client behind Django's Redis cache.

Upstream API touched (private): ``RedisCache._cache`` (the ``RedisCacheClient``) and its
``get_client(write=True)``. Django's cache API has no Lua scripts, no SCAN: the throttles' atomic
counters (hwaseong_safety/ratelimit.py) and the lockout reset (operators/lockout.py) need them.
This is not a speed patch and has no stock alternative, so it is the same in both modes: with
``FASTPATH`` off the client comes from Django's stock backend. Canary: tests/hwaseong_safety/
test_fastpath.py (the stock backend still has the attribute and the method).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import BaseCache
from django.core.cache import cache as default_cache


def redis_client(cache: BaseCache = default_cache) -> Any:
    """The ``redis.Redis`` client the cache writes with (its connection pool)."""
    return cache._cache.get_client(write=True)
