"""A console that stops reading its socket must not hold the other consoles of its web process
(issue 15, point 10): before, one such socket froze every push of the process for up to a minute.

This needs a real server and a real TCP connection whose reader never reads (the in-memory
communicator never pushes back), so the test starts uvicorn on a free loopback port, as the
browser tests do. The stuck console asks for snapshot after snapshot and reads none of them; once
its socket is full, SOS after SOS must still reach a well-behaved console within a second.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
import time

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.test import Client

from citizens.auth import issue_token
from citizens.models import Citizen
from operators.models import Center, Role, User
from tests.fixtures.browser import at_city_hall, raise_sos_live
from tests.fixtures.servers import AsgiServer

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db(transaction=True)]

SEND_QUEUE = 20  # the server's CONSOLE_SEND_QUEUE here: a laggard is found sooner
CLOSE_LAGGING_FRAME = b"\x88\x02" + struct.pack("!H", 4408)
DELIVERY_S = 1.0  # the issue's bound, as a behaviour check (a stuck process took 60 s)


def session_of(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def frame(text: str) -> bytes:
    """One masked client text frame (RFC 6455 5.2)."""
    payload, mask = text.encode(), os.urandom(4)
    head = bytes([0x81, 0x80 | len(payload)]) if len(payload) < 126 else \
        bytes([0x81, 0x80 | 126]) + struct.pack("!H", len(payload))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def stuck_console(port: int, session: str) -> socket.socket:
    """A websocket that completes its handshake and then never reads another byte."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the kernel takes little for it
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /ws/console/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"Origin: http://127.0.0.1:{port}\r\nCookie: sessionid={session}\r\n\r\n").encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(1)  # byte by byte: nothing after the handshake is read
    assert answer.startswith(b"HTTP/1.1 101"), answer
    return sock


def server_send_queue(server_port: int, client_port: int) -> int:
    """Bytes the server's end of this connection holds unsent in its kernel (/proc/net/tcp)."""
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            local, remote = fields[1].split(":")[1], fields[2].split(":")[1]
            if int(local, 16) == server_port and int(remote, 16) == client_port:
                return int(fields[4].split(":")[0], 16)
    return 0


def wait_until_full(sock: socket.socket, server_port: int) -> None:
    """Until the server puts nothing more into the stuck socket: what its end holds unsent stops
    growing (the server is then blocked on it, or has cut it off)."""
    client_port = sock.getsockname()[1]
    queued, steady_since, deadline = -1, time.monotonic(), time.monotonic() + 60
    while time.monotonic() < deadline:
        now = server_send_queue(server_port, client_port)
        if now != queued:
            queued, steady_since = now, time.monotonic()
        elif now > 0 and time.monotonic() - steady_since > 2.0:
            return
        time.sleep(0.2)
    raise AssertionError("the stuck console's socket never filled up")


def next_created(ws: object, timeout: float) -> dict | None:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = json.loads(ws.recv(timeout=left))
        except TimeoutError:
            return None
        if message["type"] == "alert.created":
            return message
    return None


def test_a_console_that_stops_reading_does_not_hold_the_others() -> None:
    from websockets.sync.client import connect

    center = Center.objects.create(
        code="41590", name="화성시",
        boundary=MultiPolygon(Polygon.from_bbox((126.80, 37.17, 126.86, 37.23)), srid=4326))
    stuck_user = User.objects.create_user("op-stuck", password="pw-stuck-1", role=Role.OPERATOR,
                                          center=center)
    good_user = User.objects.create_user("op-good", password="pw-good-1", role=Role.OPERATOR, center=center)
    tokens = [issue_token(Citizen.objects.create(phone=f"010555{i:05d}", name=f"시민{i}", home_center=center))
              for i in range(24)]

    server = AsgiServer()
    server.env["CONSOLE_SEND_QUEUE"] = str(SEND_QUEUE)
    server.start()
    try:
        base = server.url
        for token in tokens[:20]:  # fat snapshots: 20 open alerts
            raise_sos_live(base, token, at_city_hall(15))
        stuck = stuck_console(server.port, session_of(stuck_user))
        good = connect(f"ws://127.0.0.1:{server.port}/ws/console/", origin=base, proxy=None, legacy=True,
                       additional_headers={"Cookie": f"sessionid={session_of(good_user)}"})
        try:
            assert json.loads(good.recv(timeout=5))["type"] in ("snapshot", "presence")
            # Snapshot after snapshot for the console that reads nothing: its socket fills up.
            stuck.sendall(b"".join(frame('{"type": "resync"}') for _ in range(400)))
            wait_until_full(stuck, server.port)
            for token in tokens[20:]:
                started = time.monotonic()
                alert_id = raise_sos_live(base, token, at_city_hall(15))["id"]
                created = next_created(good, timeout=DELIVERY_S + (time.monotonic() - started))
                assert created is not None, f"SOS {alert_id} did not reach the other console"
                assert created["alert"]["id"] == alert_id
            # The stuck console was cut off: reading again, it finds the close frame (4408) at the
            # end of what it had been sent, and reconnects.
            stuck.settimeout(10)
            received = b""
            while chunk := stuck.recv(1 << 20):
                received += chunk
                if CLOSE_LAGGING_FRAME in received[-64:]:
                    break
            assert received.endswith(CLOSE_LAGGING_FRAME)
        finally:
            good.close()
            stuck.close()
    finally:
        server.stop()
