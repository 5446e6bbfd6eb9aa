"""Who has a console open, per center: a Redis sorted set per center, one member per socket,
scored by when it expires. Sockets refresh their entry (heartbeat); a crashed server's entries
simply expire, so nobody stays "on duty" forever.

Keys live under the channel layer's prefix, so tests that give the layer a prefix of their own
get presence of their own too.
"""

from __future__ import annotations

import time

from django.conf import settings
from redis.asyncio import Redis

# A console refreshes every HEARTBEAT_S; an entry lives PRESENCE_TTL_S past its last refresh.
HEARTBEAT_S = 30
PRESENCE_TTL_S = 90
NO_CENTER = "*"  # staff without a home center (usually supervisors)


def _layer_config() -> dict:
    return settings.CHANNEL_LAYERS["default"].get("CONFIG", {})


def _redis() -> Redis:
    host = (_layer_config().get("hosts") or [settings.REDIS_URL])[0]
    url = host if isinstance(host, str) else host.get("address", settings.REDIS_URL)
    return Redis.from_url(url)


def _key(code: str) -> str:
    return f"{_layer_config().get('prefix', 'asgi')}:presence:{code}"


def _member(user_id: int, channel_name: str) -> str:
    return f"{user_id}|{channel_name}"


async def touch(code: str, user_id: int, channel_name: str) -> None:
    """Mark (or keep) this socket present in ``code``."""
    client = _redis()
    try:
        key, now = _key(code), time.time()
        async with client.pipeline(transaction=False) as pipe:
            pipe.zremrangebyscore(key, "-inf", now)  # sockets of a crashed server
            pipe.zadd(key, {_member(user_id, channel_name): now + PRESENCE_TTL_S})
            pipe.expire(key, PRESENCE_TTL_S * 2)
            await pipe.execute()
    finally:
        await client.aclose()


async def leave(code: str, user_id: int, channel_name: str) -> None:
    client = _redis()
    try:
        await client.zrem(_key(code), _member(user_id, channel_name))
    finally:
        await client.aclose()


async def present_user_ids(codes: list[str]) -> dict[str, list[int]]:
    """{code: [user id, ...]} of live entries; a user with two consoles open counts once."""
    client = _redis()
    try:
        async with client.pipeline(transaction=False) as pipe:
            for code in codes:
                pipe.zrangebyscore(_key(code), time.time(), "+inf")
            results = await pipe.execute()
    finally:
        await client.aclose()
    present: dict[str, list[int]] = {}
    for code, members in zip(codes, results, strict=True):
        ids = sorted({int(member.decode().split("|", 1)[0]) for member in members})
        if ids:
            present[code] = ids
    return present
