"""One bad socket must not hurt the others (issue 15, point 10), on the real ASGI application and
the real Redis channel layer: malformed frames, handlers that fail, sessions that end, origins of
another scheme or port. The console that stops reading is in test_slow_socket.py (real uvicorn)."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.contrib.sessions.models import Session

from console.realtime import hub as console_hub
from console.realtime import presence
from console.realtime.consumer import ConsoleConsumer
from tests.fixtures.centers import logged_in
from tests.fixtures.consoles import communicator, receive, session_headers

pytestmark = [pytest.mark.fastpath, pytest.mark.asyncio, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("close_db_connections")]


async def open_console(headers):
    comm = communicator(headers)
    connected, _code = await comm.connect()
    assert connected
    await receive(comm, "snapshot")
    return comm


async def closed_with(comm, timeout: float = 5) -> int:
    """The close code the server sends, skipping whatever came before it."""
    while (message := await comm.receive_output(timeout=timeout))["type"] != "websocket.close":
        pass
    return message["code"]


async def on_duty(user_id: int) -> bool:
    return user_id in (await presence.present_user_ids(["41590"])).get("41590", [])


def headers_with_origin(headers, origin: bytes, host: bytes = b"localhost"):
    return [h for h in headers if h[0] not in (b"origin", b"host")] + [(b"origin", origin), (b"host", host)]


@pytest.mark.parametrize("origin,host", [
    (b"https://localhost", b"localhost"),  # another scheme
    (b"http://localhost:8001", b"localhost:8000"),  # another port (another program on the machine)
    (b"http://localhost:8000", b"localhost"),
    (b"ftp://localhost", b"localhost"),
])
async def test_an_origin_of_another_scheme_or_port_is_refused(staff, origin, host):
    headers = headers_with_origin(await sync_to_async(session_headers)(staff.hwaseong), origin, host)
    comm = communicator(headers)
    connected, _ = await comm.connect()
    assert not connected


async def test_the_same_origin_with_its_port_and_a_trusted_origin_are_accepted(staff, settings):
    headers = await sync_to_async(session_headers)(staff.hwaseong)
    comm = await open_console(headers_with_origin(headers, b"http://localhost:8000", b"localhost:8000"))
    await comm.disconnect()
    settings.CSRF_TRUSTED_ORIGINS = ["https://console.example.org"]
    comm = await open_console(headers_with_origin(headers, b"https://console.example.org", b"localhost"))
    await comm.disconnect()


async def test_malformed_frames_are_ignored_and_the_socket_keeps_working(staff, caplog):
    comm = await open_console(await sync_to_async(session_headers)(staff.hwaseong))
    for frame in ("not json", "{", "[1, 2", '"just a string"', "[]", "null", "[" * 100_000 + "]" * 100_000):
        await comm.send_to(text_data=frame)
    await comm.send_to(bytes_data=b"\x00\x01binary")
    await comm.send_json_to({"type": "ping"})
    assert "server_time" in await receive(comm, "pong")
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    assert await on_duty(staff.hwaseong.pk)
    await comm.disconnect()


async def test_a_socket_whose_handler_fails_does_not_stay_on_duty(staff, monkeypatch):
    comm = await open_console(await sync_to_async(session_headers)(staff.hwaseong))
    assert await on_duty(staff.hwaseong.pk)
    consoles = len(console_hub.hub().consumers)

    async def broken(self):
        raise RuntimeError("a bug in a handler")

    monkeypatch.setattr(ConsoleConsumer, "send_snapshot", broken)
    await comm.send_json_to({"type": "resync"})
    with pytest.raises(RuntimeError):
        await comm.wait(timeout=5)  # the application ended with the error
    assert not await on_duty(staff.hwaseong.pk)
    assert len(console_hub.hub().consumers) == consoles - 1


async def test_logging_out_closes_that_sessions_socket_at_once(staff):
    client = await sync_to_async(logged_in)(staff.hwaseong)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    comm = await open_console([(b"origin", b"http://localhost"), (b"host", b"localhost"),
                               (b"cookie", cookie)])
    other = await open_console(await sync_to_async(session_headers)(staff.second))
    response = await sync_to_async(client.post)("/logout/")
    assert response.status_code == 302
    assert await closed_with(comm, timeout=3) == 4401  # the page goes to the login form
    assert not await on_duty(staff.hwaseong.pk)
    await other.send_json_to({"type": "ping"})
    assert "server_time" in await receive(other, "pong")  # someone else's console is untouched
    await other.disconnect()


@pytest.mark.parametrize("how", ["deleted", "expired", "password"])
async def test_a_session_that_ended_closes_its_socket_within_seconds(staff, monkeypatch, how):
    monkeypatch.setattr(console_hub, "USER_RECHECK_S", 0.3)
    client = await sync_to_async(logged_in)(staff.hwaseong)
    key = client.cookies["sessionid"].value
    comm = await open_console([(b"origin", b"http://localhost"), (b"host", b"localhost"),
                               (b"cookie", f"sessionid={key}".encode())])

    def end() -> None:
        from django.utils import timezone

        sessions = Session.objects.filter(session_key=key)
        if how == "deleted":
            sessions.delete()
        elif how == "expired":
            sessions.update(expire_date=timezone.now())
        else:
            # A bulk update: no save signal, only the periodic re-check can see it.
            type(staff.hwaseong).objects.filter(pk=staff.hwaseong.pk).update(password="changed-elsewhere")

    await sync_to_async(end)()
    assert await closed_with(comm, timeout=3) == 4401


async def test_a_live_session_keeps_its_socket_through_the_rechecks(staff, monkeypatch):
    monkeypatch.setattr(console_hub, "USER_RECHECK_S", 0.2)
    comm = await open_console(await sync_to_async(session_headers)(staff.hwaseong))
    await asyncio.sleep(1.0)  # several re-checks
    await comm.send_json_to({"type": "ping"})
    assert "server_time" in await receive(comm, "pong")
    await comm.disconnect()
