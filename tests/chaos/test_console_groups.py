"""Consoles keep getting pushes after their group memberships vanish from Redis: a Redis restarted
empty (make chaos) has none, and channels_redis expires them after a day while a center keeps its
consoles open for days. Each process joins its groups again (console/realtime/hub.py)."""

from __future__ import annotations

import asyncio

import pytest
import redis
from asgiref.sync import sync_to_async
from django.conf import settings

from console.realtime import hub as console_hub
from tests.fixtures.alerts import raise_sos
from tests.fixtures.consoles import communicator, receive, session_headers

pytestmark = [pytest.mark.fastpath, pytest.mark.asyncio, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("close_db_connections")]


def forget_groups(prefix: str) -> int:
    """What a Redis restarted without persistence shows: no group has members."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        keys = list(client.scan_iter(f"{prefix}:group:*"))
        return client.delete(*keys) if keys else 0
    finally:
        client.close()


async def test_pushes_resume_after_redis_lost_the_group_memberships(
        staff, private_channel_layer, monkeypatch) -> None:
    monkeypatch.setattr(console_hub, "USER_RECHECK_S", 0.2)
    monkeypatch.setattr(console_hub, "GROUP_REFRESH_S", 0.5)
    comm = communicator(await sync_to_async(session_headers)(staff.hwaseong))
    assert (await comm.connect())[0]
    await receive(comm, "snapshot")
    assert await sync_to_async(forget_groups)(private_channel_layer) >= 2  # the center's and "all"
    await asyncio.sleep(1.5)  # a refresh is due
    alert = await sync_to_async(raise_sos)()
    assert (await receive(comm, "alert.created"))["alert"]["id"] == alert.pk
    await comm.disconnect()
