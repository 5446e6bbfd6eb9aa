"""The console websocket accepts only the site's own pages (Origin in ALLOWED_HOSTS), on the real
ASGI ``application``; the guardian tracking page uses no websocket at all."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import URLPattern, URLResolver

from operators.models import Role, User
from tests.factories import make_center
from tests.fixtures.platform import ROOT

pytestmark = pytest.mark.fastpath


def operator_cookie() -> bytes:
    center = make_center("41590", (126.80, 37.10, 126.95, 37.25), name="화성시")
    user = User.objects.create_user("ws-op", password="pw-ws-1", role=Role.OPERATOR, center=center)
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def connect(headers: list[tuple[bytes, bytes]]) -> tuple[WebsocketCommunicator, bool]:
    from hwaseong_safety.asgi import application

    comm = WebsocketCommunicator(application, "/ws/console/", headers=[(b"host", b"localhost"), *headers])
    connected, _ = await comm.connect(timeout=5)
    return comm, connected


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("origin", [b"http://evil.example", b"http://localhost.evil.example",
                                    b"null", None])
async def test_foreign_or_missing_origin_is_refused_even_with_a_session(origin: bytes | None) -> None:
    cookie = await sync_to_async(operator_cookie)()
    headers = [(b"cookie", cookie)] + ([(b"origin", origin)] if origin is not None else [])
    comm, connected = await connect(headers)
    assert not connected
    await comm.wait()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_same_origin_operator_is_accepted_and_gets_the_snapshot() -> None:
    cookie = await sync_to_async(operator_cookie)()
    comm, connected = await connect([(b"cookie", cookie), (b"origin", b"http://localhost")])
    assert connected
    message = await comm.receive_json_from(timeout=5)
    while message["type"] != "snapshot":
        message = await comm.receive_json_from(timeout=5)
    assert message["alerts"] == []
    await comm.disconnect()


def _routes(patterns: list) -> list[str]:
    routes: list[str] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            routes += [str(pattern.pattern) + r for r in _routes(pattern.url_patterns)]
        elif isinstance(pattern, URLPattern):
            routes.append(str(pattern.pattern))
    return routes


def test_only_the_console_has_a_websocket_and_the_tracking_page_uses_none() -> None:
    from console.realtime.urls import websocket_urlpatterns

    routes = _routes(websocket_urlpatterns)
    assert routes and all("console" in route for route in routes), routes
    # The guardian's phone polls position.json over HTTPS: no socket, no event stream.
    script = (ROOT / "static" / "guardians" / "tracking.js").read_text(encoding="utf-8")
    page = (ROOT / "templates" / "guardians" / "tracking.html").read_text(encoding="utf-8")
    for text in (script, page):
        assert "WebSocket" not in text and "EventSource" not in text and "ws://" not in text
    assert "fetch(" in script
