"""Console websocket clients of scenarios 2 and 4, and their floors (Redis pub/sub, one INSERT).

Each console is one aiohttp websocket to `/ws/console/` with a Django session cookie and an Origin
the server allows (docs/console-protocol.md). A reader per console stamps every `alert.created`
with time.perf_counter() before it parses anything else, into one Receipts shared by all."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp
import psycopg
from redis.asyncio import Redis

CONNECT_CONCURRENCY = 10  # consoles opening at once: each connect costs the server a snapshot
QUIET_S = 2.0  # the presence pushes that every connect sets off are over once this long is silent
SETTLE_LIMIT_S = 120.0


class Receipts:
    """Which consoles received the event of each key (an alert id), and when first and last.

    A console that receives the same event twice counts once: ``complete`` means every one of
    ``consoles`` distinct consoles has it."""

    def __init__(self, consoles: int) -> None:
        self.consoles = consoles
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.seen: dict[int, set[int]] = {}
        self._waiters: dict[int, asyncio.Event] = {}

    def record(self, key: int, console: int, at: float) -> None:
        seen = self.seen.setdefault(key, set())
        if console in seen:
            return
        seen.add(console)
        self.first[key] = min(self.first.get(key, at), at)
        self.last[key] = max(self.last.get(key, at), at)
        if len(seen) == self.consoles and key in self._waiters:
            self._waiters[key].set()

    def complete(self, key: int) -> bool:
        return len(self.seen.get(key, ())) >= self.consoles

    async def wait(self, key: int, timeout_s: float) -> bool:
        if self.complete(key):
            return True
        event = self._waiters.setdefault(key, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    def latencies(self, sent: dict[int, float]) -> tuple[list[float], list[float], int]:
        """(last-receipt ms, first-receipt ms, events that did not reach every console), each
        from its send time. An incomplete event has no last receipt: it counts as missing."""
        last, first, missing = [], [], 0
        for key, at in sent.items():
            if key in self.first:
                first.append((self.first[key] - at) * 1000)
            if self.complete(key):
                last.append((self.last[key] - at) * 1000)
            else:
                missing += 1
        return last, first, missing


@dataclass
class Consoles:
    """Open console sockets; ``messages`` counts every push by type (presence storms included)."""

    receipts: Receipts
    sockets: list[aiohttp.ClientWebSocketResponse] = field(default_factory=list)
    readers: list[asyncio.Task] = field(default_factory=list)
    messages: dict[str, int] = field(default_factory=dict)
    last_message_at: float = 0.0
    closed_early: int = 0  # sockets the server closed before the bench did
    closing: bool = False

    async def _read(self, ws: aiohttp.ClientWebSocketResponse, index: int, ready: asyncio.Future) -> None:
        async for msg in ws:
            at = time.perf_counter()  # before parsing: the parse is the client's cost, not the server's
            if msg.type != aiohttp.WSMsgType.TEXT:
                break
            self.last_message_at = at
            data = json.loads(msg.data)
            kind = data.get("type", "?")
            self.messages[kind] = self.messages.get(kind, 0) + 1
            if kind == "alert.created" and data.get("alert"):
                self.receipts.record(data["alert"]["id"], index, at)
            elif kind == "snapshot" and not ready.done():
                ready.set_result(None)
        if not ready.done():
            ready.set_exception(ConnectionError(f"console {index} closed before its snapshot: "
                                                f"{ws.close_code}"))
        if not self.closing:
            self.closed_early += 1

    async def open(self, http: aiohttp.ClientSession, base_url: str, sessions: Sequence[str]) -> float:
        """Connects one console per session key; returns seconds until every snapshot arrived."""
        url = base_url.replace("http", "ws", 1) + "/ws/console/"
        limit = asyncio.Semaphore(CONNECT_CONCURRENCY)
        start = time.perf_counter()

        async def one(index: int, key: str) -> None:
            async with limit:
                ws = await http.ws_connect(url, headers={"Cookie": f"sessionid={key}", "Origin": base_url},
                                           heartbeat=None, timeout=aiohttp.ClientWSTimeout(ws_close=5))
                self.sockets.append(ws)
                ready = asyncio.get_running_loop().create_future()
                self.readers.append(asyncio.create_task(self._read(ws, index, ready)))
                await asyncio.wait_for(ready, 30)

        await asyncio.gather(*(one(i, key) for i, key in enumerate(sessions)))
        return time.perf_counter() - start

    async def settle(self) -> float:
        """Waits (bounded) until no push has come for QUIET_S; returns how long that took."""
        start = time.perf_counter()
        while time.perf_counter() - start < SETTLE_LIMIT_S:
            await asyncio.sleep(0.25)
            if time.perf_counter() - max(self.last_message_at, start) > QUIET_S:
                break
        return time.perf_counter() - start

    async def close(self) -> None:
        self.closing = True
        closing = (asyncio.wait_for(ws.close(), 5) for ws in self.sockets)
        await asyncio.gather(*closing, return_exceptions=True)
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)


def ws_session() -> aiohttp.ClientSession:
    # No cookie jar: each socket sends its own session cookie; no connection cap for websockets.
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), cookie_jar=aiohttp.DummyCookieJar())


# --- floors ----------------------------------------------------------------------------------

async def redis_fanout(redis_url: str, subscribers: int, count: int, warmup: int = 20) -> list[float]:
    """Redis PUBLISH to ``subscribers`` subscriptions on connections of their own: ms until the
    last one has the message, one message at a time (what channels_redis's transport costs)."""
    channel = "hwaseong-bench:floor"
    receipts = Receipts(subscribers)
    clients = [Redis.from_url(redis_url) for _ in range(subscribers + 1)]
    pubsubs = [client.pubsub() for client in clients[1:]]
    for pubsub in pubsubs:
        await pubsub.subscribe(channel)

    async def listen(index: int, pubsub: object) -> None:
        async for message in pubsub.listen():
            if message["type"] == "message":
                receipts.record(int(message["data"]), index, time.perf_counter())

    tasks = [asyncio.create_task(listen(i, p)) for i, p in enumerate(pubsubs)]
    samples: list[float] = []
    try:
        for n in range(warmup + count):
            start = time.perf_counter()
            await clients[0].publish(channel, str(n))
            if await receipts.wait(n, 5.0) and n >= warmup:
                samples.append((receipts.last[n] - start) * 1000)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for pubsub in pubsubs:
            await pubsub.aclose()
        for client in clients:
            await client.aclose()
    return samples


def insert_round_trips(conninfo: str, count: int, warmup: int = 20) -> list[float]:
    """One-row INSERT + commit (autocommit) round trips, into a plain (WAL-logged) table."""
    samples: list[float] = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, "
                     "at timestamptz NOT NULL DEFAULT now(), data jsonb NOT NULL)")
        conn.execute("TRUNCATE bench_floor")
        for n in range(warmup + count):
            start = time.perf_counter()
            conn.execute("INSERT INTO bench_floor (data) VALUES (%s)", ['{"kind": "sos"}'])
            if n >= warmup:
                samples.append((time.perf_counter() - start) * 1000)
    return samples
