"""Who has a console open, per center: a Redis sorted set per center, one member per socket,
scored by when it expires. Sockets refresh their entry (heartbeat); a crashed server's entries
simply expire, so nobody stays "on duty" forever.

Keys live under the channel layer's prefix (as the sequence numbers of alerts/publish.py), so tests
that give the layer a prefix of their own get presence and numbers of their own too.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from alerts.publish import layer_prefix, layer_redis_url, seq_key

logger = logging.getLogger(__name__)

# A console refreshes every HEARTBEAT_S; an entry lives PRESENCE_TTL_S past its last refresh.
HEARTBEAT_S = 30
PRESENCE_TTL_S = 90
NO_CENTER = "*"  # staff without a home center (usually supervisors)


def _key(code: str) -> str:
    return f"{layer_prefix()}:presence:{code}"


# One client (one connection pool) per event loop and URL, instead of a connection per call: a
# redis.asyncio pool belongs to the loop it was made on (tests run a loop each).
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Redis]] = weakref.WeakKeyDictionary()


def _redis() -> Redis:
    per_loop = _clients.setdefault(asyncio.get_running_loop(), {})
    url = layer_redis_url()
    if url not in per_loop:
        per_loop[url] = Redis.from_url(url)
    return per_loop[url]


def _member(user_id: int, channel_name: str) -> str:
    return f"{user_id}|{channel_name}"


async def touch(code: str, user_id: int, channel_name: str) -> None:
    """Mark (or keep) this socket present in ``code``."""
    key, now = _key(code), time.time()
    async with _redis().pipeline(transaction=False) as pipe:
        pipe.zremrangebyscore(key, "-inf", now)  # sockets of a crashed server
        pipe.zadd(key, {_member(user_id, channel_name): now + PRESENCE_TTL_S})
        pipe.expire(key, PRESENCE_TTL_S * 2)
        await pipe.execute()


async def leave(code: str, user_id: int, channel_name: str) -> None:
    await _redis().zrem(_key(code), _member(user_id, channel_name))


async def present_user_ids(codes: list[str]) -> dict[str, list[int]]:
    """{code: [user id, ...]} of live entries; a user with two consoles open counts once."""
    async with _redis().pipeline(transaction=False) as pipe:
        for code in codes:
            pipe.zrangebyscore(_key(code), time.time(), "+inf")
        results = await pipe.execute()
    present: dict[str, list[int]] = {}
    for code, members in zip(codes, results, strict=True):
        ids = sorted({int(member.decode().split("|", 1)[0]) for member in members})
        if ids:
            present[code] = ids
    return present


async def current_seq(codes: list[str]) -> dict[str, int]:
    """The last number taken for each code (0 if none yet): what a snapshot tells the console."""
    values = await _redis().mget([seq_key(code) for code in codes]) if codes else []
    return {code: int(value or 0) for code, value in zip(codes, values, strict=True)}


class Throttle:
    """At most one run per key every ``every_s``: the first poke runs at once, pokes in the next
    ``every_s`` fold into one run at its end (so the last change is always sent). Per process."""

    def __init__(self, every_s: float) -> None:
        self.every_s = every_s
        self._last: dict[str, float] = {}
        self._pending: dict[str, asyncio.Task] = {}

    def poke(self, key: str, run: Callable[[], Awaitable[None]]) -> None:
        if key in self._pending:
            return  # a run is already due: it will see this change too
        loop = asyncio.get_running_loop()
        wait = self._last.get(key, float("-inf")) + self.every_s - loop.time()
        self._pending[key] = loop.create_task(self._later(key, max(0.0, wait), run))

    async def _later(self, key: str, wait: float, run: Callable[[], Awaitable[None]]) -> None:
        try:
            if wait:
                await asyncio.sleep(wait)
        finally:
            # Cleared before running: a change made while it runs schedules the next run.
            self._pending.pop(key, None)
        self._last[key] = asyncio.get_running_loop().time()
        try:
            await run()
        except Exception:
            logger.warning("console presence: %s failed", key, exc_info=True)
