"""Operator consoles as static/console/socket.js runs them: reconnect with backoff (1, 2, 5, 10 s),
a fresh snapshot on every connect, `resync` on a skipped sequence number and every 30 s, ping with
a pong timeout. Each keeps the set of open alerts it would show, and when it first showed each."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp

BACKOFF_S = (1, 2, 5, 10)
PING_EVERY_S = 25.0
PONG_TIMEOUT_S = 10.0
RESYNC_EVERY_S = 30.0


@dataclass
class Console:
    index: int
    url: str
    origin: str
    session: str
    shown: set[int] = field(default_factory=set)  # what the screen lists now
    first_shown: dict[int, float] = field(default_factory=dict)  # alert id -> perf_counter
    connects: int = 0
    closes: dict[str, int] = field(default_factory=dict)  # close code -> count
    resyncs_on_gap: int = 0
    snapshots: int = 0
    offline_s: float = 0.0
    last_seq: dict[str, int] | None = None
    resync_asked: bool = False
    ws: aiohttp.ClientWebSocketResponse | None = None
    stopped: bool = False

    def _show(self, ids: Sequence[int], *, replace: bool) -> None:
        now = time.perf_counter()
        if replace:
            self.shown = set(ids)
        else:
            self.shown.update(ids)
        for alert_id in ids:
            self.first_shown.setdefault(alert_id, now)

    async def _send(self, message: dict) -> None:
        if self.ws is not None and not self.ws.closed:
            try:
                await self.ws.send_str(json.dumps(message))
            except (ConnectionError, RuntimeError):
                pass

    async def _check_seq(self, message: dict) -> None:
        if message["type"] == "snapshot":
            self.last_seq, self.resync_asked = message.get("seq") or None, False
            return
        if not self.last_seq or not message.get("seq"):
            return
        gap = False
        for code, last in self.last_seq.items():
            number = message["seq"].get(code)
            if not isinstance(number, int):
                continue
            gap = gap or number > last + 1
            self.last_seq[code] = max(last, number)
        if gap and not self.resync_asked:
            self.resync_asked = True
            self.resyncs_on_gap += 1
            await self._send({"type": "resync"})

    async def _session(self, http: aiohttp.ClientSession) -> None:
        headers = {"Cookie": f"sessionid={self.session}", "Origin": self.origin}
        ws = await http.ws_connect(self.url, headers=headers, heartbeat=None,
                                   timeout=aiohttp.ClientWSTimeout(ws_close=5))
        self.ws, self.connects = ws, self.connects + 1
        pong_due: float | None = None
        next_ping = time.monotonic() + PING_EVERY_S
        next_resync = time.monotonic() + RESYNC_EVERY_S
        try:
            while True:
                now = time.monotonic()
                if pong_due is not None and now > pong_due:
                    await ws.close()  # no pong: a dead socket, as socket.js decides
                    break
                if now >= next_ping:
                    await self._send({"type": "ping"})
                    pong_due, next_ping = now + PONG_TIMEOUT_S, now + PING_EVERY_S
                if now >= next_resync:
                    await self._send({"type": "resync"})
                    next_resync = now + RESYNC_EVERY_S
                try:
                    msg = await ws.receive(timeout=1.0)
                except TimeoutError:
                    continue
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                message = json.loads(msg.data)
                kind = message.get("type")
                if kind == "pong":
                    pong_due = None
                await self._check_seq(message)
                if kind == "snapshot":
                    self.snapshots += 1
                    self._show([a["id"] for a in message["alerts"]], replace=True)
                elif kind == "alert.created" and message.get("alert"):
                    self._show([message["alert"]["id"]], replace=False)
        finally:
            code = str(ws.close_code)
            self.closes[code] = self.closes.get(code, 0) + 1
            self.ws = None

    async def run(self, http: aiohttp.ClientSession) -> None:
        attempt = 0
        while not self.stopped:
            connects = self.connects
            try:
                await self._session(http)
            except (aiohttp.ClientError, ConnectionError, OSError, TimeoutError):
                self.closes["refused"] = self.closes.get("refused", 0) + 1
            if self.stopped:
                return
            if self.connects > connects:
                attempt = 0  # it was open: the backoff starts over, as socket.js's onopen does
            delay = BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]
            attempt += 1
            away = time.perf_counter()
            await asyncio.sleep(delay)
            self.offline_s += time.perf_counter() - away

    async def stop(self) -> None:
        self.stopped = True
        if self.ws is not None:
            await self.ws.close()

    def summary(self) -> dict:
        return {"connects": self.connects, "closes": self.closes, "snapshots": self.snapshots,
                "resyncs_on_gap": self.resyncs_on_gap, "offline_s": round(self.offline_s, 1)}
