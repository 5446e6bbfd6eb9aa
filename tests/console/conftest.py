"""Console fixtures: two centers sharing a border, staff of each, SOS alerts, a logged-in
websocket against the real ASGI application and the real Redis channel layer."""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from dataclasses import dataclass

import pytest
import pytest_asyncio
import redis
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client
from django.utils import timezone

from alerts.actions.sos import do_create_sos
from alerts.locations import Fix
from alerts.models import Alert
from operators.models import Role, User
from tests.alerts.conftest import (  # noqa: F401 - fixtures used by the console tests
    BORDER_HWASEONG,
    INSIDE_ANSAN,
    INSIDE_HWASEONG,
    AppUser,
    _clear_sms_outbox,
    centers,
    make_app_user,
    point,
)
from tests.factories import make_staff


@pytest.fixture(autouse=True)
def private_channel_layer(settings):
    """Each test gets its own channel-layer prefix (and so its own presence keys): nothing one
    test publishes can reach another's sockets. Its keys are deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"].setdefault("CONFIG", {})["prefix"] = prefix
    settings.CHANNEL_LAYERS = layers
    yield prefix
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@dataclass
class Staff:
    hwaseong: User  # operator of 화성 (41590)
    ansan: User  # operator of 안산 (41270)
    police: User  # police liaison at 화성
    supervisor: User  # no center: watches every center
    second: User  # another 화성 operator (for claim races)


@pytest.fixture
def staff(centers) -> Staff:  # noqa: F811
    return Staff(
        hwaseong=make_staff("op-hwaseong", center=centers["hwaseong"]),
        ansan=make_staff("op-ansan", center=centers["ansan"]),
        police=make_staff("police-hwaseong", role=Role.POLICE, center=centers["hwaseong"]),
        supervisor=make_staff("supervisor", role=Role.SUPERVISOR),
        second=make_staff("op-hwaseong-2", center=centers["hwaseong"]),
    )


def raise_sos(latlon: tuple[float, float] = INSIDE_HWASEONG, name: str = "김화성", app: AppUser | None = None,
              ) -> Alert:
    citizen = (app or make_app_user(name)).citizen
    fix = Fix(point(latlon), 10.0, "gnss", timezone.now())
    alert, _created = do_create_sos(citizen, uuid.uuid4(), "button", fix)
    return alert


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def session_headers(user: User | None) -> list[tuple[bytes, bytes]]:
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if user is not None:
        headers.append((b"cookie", f"sessionid={logged_in(user).cookies['sessionid'].value}".encode()))
    return headers


def communicator(headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    from hwaseong_safety.asgi import application

    return WebsocketCommunicator(application, "/ws/console/", headers=headers)


async def receive(comm: WebsocketCommunicator, kind: str, timeout: float = 5) -> dict:
    """The next message of ``kind``, skipping others (presence comes and goes at any time)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        message = await comm.receive_json_from(timeout=max(0.1, deadline - loop.time()))
        if message["type"] == kind:
            return message


async def nothing_about(comm: WebsocketCommunicator, alert_id: int, wait: float = 0.5) -> bool:
    """True when no message about ``alert_id`` arrives within ``wait`` seconds. Reads the queue
    itself: a receive that times out would cancel the application under test."""
    await asyncio.sleep(wait)
    while not comm.output_queue.empty():
        message = comm.output_queue.get_nowait()
        if message["type"] != "websocket.send":
            continue
        body = json.loads(message["text"])
        if alert_id in (body.get("alert_id"), (body.get("alert") or {}).get("id")):
            return False
    return True


@pytest_asyncio.fixture
async def close_db_connections():
    """The consumer's and the test's sync code share a thread whose connection would outlive the
    test and keep the test database from being dropped."""
    yield
    await sync_to_async(connections.close_all)()
