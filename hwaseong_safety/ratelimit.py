"""Rate limits and budgets counted atomically in Redis.

DRF's throttles read the request history from the cache, decide, then write it back: two parallel
requests both read the same history and both pass (a probe got 134 of 200 parallel SOS through a
120/minute limit). Here every decision is one Lua script, which Redis runs alone: check and count
are a single step, so N parallel requests against a limit of L let exactly min(N, L) through.

Two shapes:

- ``hit``: a sliding-window counter (this window's count plus the previous window's, weighted by
  how much of it still overlaps) for request rates; no doubled burst at a window's edge.
- ``charge``: several daily counters checked together and incremented only if all have room (the
  SMS budgets: per citizen and per destination number).

Windows are numbered from the wall clock (``time.time()``), not from Redis key expiry, so they
follow the clock the rest of the process uses. Keys live under the cache's prefix and contain
``throttle_`` (the tests clear them by that pattern).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from hwaseong_safety.env import parse_rate
from hwaseong_safety.fastpath import redis_client

__all__ = ["Counter", "Decision", "charge", "hit", "parse_rate"]

_SLIDING = """
local limit = tonumber(ARGV[1])
local weight = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * weight + current >= limit then
  return 0
end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ttl)
return 1
"""

# KEYS: the counters. ARGV: ttl, then limit and amount per key.
# Returns 0 when counted, else the 1-based index of the first counter without room.
_BUDGET = """
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local used = tonumber(redis.call('GET', key) or '0')
  if used + tonumber(ARGV[1 + 2 * i]) > tonumber(ARGV[2 * i]) then
    return i
  end
end
for i, key in ipairs(KEYS) do
  redis.call('INCRBY', key, tonumber(ARGV[1 + 2 * i]))
  redis.call('EXPIRE', key, ttl)
end
return 0
"""


def _client():
    return redis_client(cache)


def _key(name: str) -> str:
    return cache.make_key(name)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds; 0 when allowed


def hit(scope: str, ident: str, limit: int, window: int) -> Decision:
    """Count one request of ``ident`` in ``scope`` if the sliding window has room."""
    now = time.time()
    number, into = divmod(now, window)
    weight = 1 - into / window  # how much of the previous window still lies inside the last ``window`` s
    base = f"throttle_{scope}:{ident}"
    keys = [_key(f"{base}:{int(number)}"), _key(f"{base}:{int(number) - 1}")]
    allowed = _client().eval(_SLIDING, 2, *keys, limit, f"{weight:.6f}", window * 2)
    return Decision(bool(allowed), 0 if allowed else max(1, math.ceil(window - into)))


@dataclass(frozen=True)
class Counter:
    name: str  # e.g. "sms_citizen:42"
    limit: int
    amount: int = 1


def _seoul(now: float | None) -> datetime:
    return datetime.fromtimestamp(time.time() if now is None else now, timezone.get_current_timezone())


def seoul_day(now: float | None = None) -> str:
    return _seoul(now).strftime("%Y%m%d")


def charge(counters: list[Counter]) -> Counter | None:
    """Add each counter's amount to today's (Seoul) count if every one stays within its limit;
    otherwise count nothing and return the first counter without room."""
    if not counters:
        return None
    day = seoul_day()
    keys = [_key(f"throttle_{counter.name}:{day}") for counter in counters]
    args: list[object] = [2 * 86400]
    for counter in counters:
        args += [counter.limit, counter.amount]
    full = _client().eval(_BUDGET, len(keys), *keys, *args)
    return counters[int(full) - 1] if full else None


def seconds_to_seoul_midnight(now: float | None = None) -> int:
    moment = _seoul(now)
    return 86400 - (moment.hour * 3600 + moment.minute * 60 + moment.second)
