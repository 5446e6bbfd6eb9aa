"""Patch: a consumer's ``dispatch`` without Channels' ``aclose_old_connections()`` before every
handler.

Upstream API touched (internal): ``channels.consumer.AsyncConsumer.dispatch`` (overridden) and
``channels.consumer.get_handler_name``. Channels' own runs ``aclose_old_connections()`` (a hop onto
the one sync thread) before each message: per message per console (20 SOS/s to 50 consoles: 1,000
a second, queued behind every snapshot). The console's handlers reach the database only through
``database_sync_to_async``, which closes old connections itself. With ``FASTPATH`` off, Channels'
own ``dispatch`` runs. Canary: tests/hwaseong_safety/fastpath/test_fastpath.py.
"""

from __future__ import annotations

from channels.consumer import get_handler_name
from django.conf import settings


class DirectDispatch:
    """Mix in before the Channels consumer class; its handlers must reach the database only through
    ``database_sync_to_async``."""

    async def dispatch(self, message: dict) -> None:
        if not settings.FASTPATH:
            await super().dispatch(message)
            return
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
