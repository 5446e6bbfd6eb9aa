"""Phones raising SOS as the app does (docs/app-api.md): one client_id per SOS, sent again with
the same client_id after any answer but 200/201 (503, 429, a reset, a timeout) with backoff, until
the SOS is stored or GIVE_UP_S has passed. What the server answered each time is kept."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp

BACKOFF_S = (0.5, 1.0, 2.0, 4.0)
GIVE_UP_S = 120.0
REQUEST_TIMEOUT_S = 15.0


@dataclass
class Sos:
    client_id: str
    token: str
    due: float  # perf_counter when the phone raised it
    phase: str
    alert_id: int | None = None
    stored_at: float | None = None  # perf_counter of the first 200/201
    answers: list[str] = field(default_factory=list)  # status codes or exception names, in order


class Phones:
    def __init__(self, base_url: str, tokens: Sequence[str], point: Sequence[float]) -> None:
        self.base_url, self.tokens, self.point = base_url, tokens, point
        self.sent: list[Sos] = []
        self.tasks: set[asyncio.Task] = set()
        self.http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Phones:
        self.http = aiohttp.ClientSession(
            self.base_url, connector=aiohttp.TCPConnector(limit=64),
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S))
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.drain()
        await self.http.close()

    async def _one(self, sos: Sos) -> None:
        body = {"client_id": sos.client_id, "trigger": "shake",
                "location": {"longitude": self.point[0], "latitude": self.point[1], "accuracy": 12.0,
                             "source": "gnss"}}
        attempt = 0
        while time.perf_counter() - sos.due < GIVE_UP_S:
            retry_after = None
            try:
                async with self.http.post("/api/v1/alerts/", json=body,
                                          headers={"Authorization": f"Bearer {sos.token}"}) as response:
                    sos.answers.append(str(response.status))
                    if response.status in (200, 201):
                        sos.alert_id = (await response.json())["id"]
                        sos.stored_at = time.perf_counter()
                        return
                    retry_after = response.headers.get("Retry-After")
            except (aiohttp.ClientError, TimeoutError, ConnectionError) as exc:
                sos.answers.append(type(exc).__name__)
            delay = BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]
            if retry_after and retry_after.isdigit():
                delay = max(delay, float(retry_after))
            attempt += 1
            await asyncio.sleep(delay)

    async def burst(self, phase: str, rate: float, seconds: float) -> None:
        """``rate`` SOS a second for ``seconds``, each raised on time whatever the others are doing."""
        start = time.perf_counter()
        for n in range(int(rate * seconds)):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            token = self.tokens[len(self.sent) % len(self.tokens)]
            sos = Sos(client_id=str(uuid.uuid4()), token=token, due=time.perf_counter(), phase=phase)
            self.sent.append(sos)
            task = asyncio.create_task(self._one(sos))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def drain(self) -> None:
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=GIVE_UP_S + REQUEST_TIMEOUT_S)

    def answers(self, phase: str | None = None) -> dict[str, int]:
        return dict(Counter(a for s in self.sent if phase in (None, s.phase) for a in s.answers))
