"""Each console's own bounded send queue (issue 15, point 10).

A browser that stops reading its socket (a frozen tab, a hung machine, a hostile client) makes the
server's send wait for TCP room that never comes. Before, that wait ran inside the process's hub
(console/realtime/hub.py) while it handed one event to every console, so one stuck console held
every other console of the web process: a new SOS reached nobody for up to a minute.

Now nothing but this console's own writer task ever waits on its socket. Everyone else only puts
the already-encoded text in the queue, which never blocks. A console that falls behind by more
than ``settings.CONSOLE_SEND_QUEUE`` messages, or whose socket took no data for ``STALL_S``
while something waited, is a laggard: it is cut off (nothing more is queued for it), and told so
with close code 4408; its browser reconnects and starts again from a snapshot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from django.conf import settings

logger = logging.getLogger(__name__)

STALL_S = 20.0  # one send waiting this long for the socket to take it: the reader is gone


class Outbox:
    def __init__(self, send: Callable[[str], Awaitable[None]], on_lagging: Callable[[str], None]) -> None:
        self._send = send
        self._on_lagging = on_lagging
        self._queue: asyncio.Queue[str] = asyncio.Queue(maxsize=settings.CONSOLE_SEND_QUEUE)
        self._task: asyncio.Task | None = None
        self._sending_since: float | None = None
        self.closed = False

    def put(self, text: str) -> None:
        """Queue one message for this socket; never waits."""
        if self.closed:
            return
        if self.stalled():
            self._lagging(f"its socket took nothing for {STALL_S:.0f} s")
            return
        try:
            self._queue.put_nowait(text)
        except asyncio.QueueFull:
            self._lagging(f"{self._queue.maxsize} messages behind")
            return
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._write())

    def stalled(self) -> bool:
        since = self._sending_since
        return since is not None and asyncio.get_running_loop().time() - since > STALL_S

    def close(self) -> None:
        """Stop writing (the socket closes, or is cut off); what is still queued is dropped."""
        self.closed = True
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _lagging(self, why: str) -> None:
        self.close()
        self._on_lagging(why)

    async def _write(self) -> None:
        loop = asyncio.get_running_loop()
        while not self.closed:
            text = await self._queue.get()
            self._sending_since = loop.time()
            try:
                await self._send(text)
            except Exception:  # the socket went away meanwhile: its disconnect cleans up
                logger.debug("console send failed; the socket is closing", exc_info=True)
                self.closed = True
                return
            finally:
                self._sending_since = None
