"""A client that goes away mid-request, on the real ASGI server (uvicorn on a loopback port), with
the framework patches and without (docs/fastpath.md, "Client disconnect").

Django's own handler listens for ``http.disconnect`` while the view runs and cancels the request's
task; ours (hwaseong_safety/fastpath/asgi.py) does not listen. Either way a synchronous view runs in
a thread that nothing can stop, so the work of a request whose client left completes: a claim
blocked on a row lock is recorded once the lock is released. What must hold in both modes: the
server keeps answering while that view waits and afterwards, the request's database connection
goes back to the pool (no transaction left open), and a client that leaves while sending its body
stores nothing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from alerts.models import Alert, AlertEvent
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import logged_in
from tests.fixtures.platform import ROOT
from tests.fixtures.servers import database_url, free_port, web_command

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db(transaction=True)]

CSRF = "a" * 32  # any 32-character secret: Django compares the cookie with the header


@dataclass
class Server:
    port: int
    url: str
    log: Path


@pytest.fixture(params=["1", "0"], ids=["fastpath", "stock"])
def server(request: pytest.FixtureRequest, transactional_db: None, tmp_path: Path) -> Iterator[Server]:
    """The Procfile's web server (one worker), with HWASEONG_FASTPATH as the parameter says."""

    port = free_port()
    served = Server(port, f"http://127.0.0.1:{port}", tmp_path / "server.log")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": database_url(),
           "HWASEONG_FASTPATH": request.param, "LOG_LEVEL": "WARNING"}
    with served.log.open("w") as log:
        process = subprocess.Popen(web_command(port), cwd=ROOT, env=env, stderr=log)
    try:
        if not wait_for(lambda: process.poll() is None and answers(served), timeout=30):
            raise RuntimeError(f"the web server did not start: {served.log.read_text()}")
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def answers(server: Server) -> bool:
    try:
        return healthy(server)
    except OSError:
        return False


def claim_request(server: Server, alert: Alert, cookie: str, body: bytes = b"",
                  length: int | None = None) -> bytes:
    length = len(body) if length is None else length
    return (f"POST /api/v1/console/alerts/{alert.pk}/claim HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\nContent-Type: application/json\r\n"
            f"Cookie: sessionid={cookie}; csrftoken={CSRF}\r\nX-CSRFToken: {CSRF}\r\n"
            f"Content-Length: {length}\r\n\r\n").encode() + body


def healthy(server: Server) -> bool:
    with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as response:
        return response.status == 200


def backends(where: str) -> list[tuple]:
    """The other connections to the test database (the server's), as pg_stat_activity has them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT state, wait_event_type FROM pg_stat_activity "
                       f"WHERE datname = current_database() AND pid <> pg_backend_pid() AND {where}")
        return cursor.fetchall()


def wait_for(check: Callable[[], object], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_a_client_gone_while_its_view_waits(server, staff) -> None:
    alert = raise_sos()
    cookie = logged_in(staff.hwaseong).cookies["sessionid"].value
    settings_dict = connection.settings_dict
    locker = psycopg.connect(host=settings_dict["HOST"] or "127.0.0.1", port=settings_dict["PORT"] or 5432,
                             dbname=settings_dict["NAME"], user=settings_dict["USER"],
                             password=settings_dict["PASSWORD"])
    try:
        locker.execute("SELECT id FROM alerts_alert WHERE id = %s FOR UPDATE", [alert.pk])  # holds the row
        client = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        client.sendall(claim_request(server, alert, cookie))
        assert wait_for(lambda: backends("wait_event_type = 'Lock'")), "the claim never reached the lock"
        client.close()  # the operator's browser is gone, mid-view
        time.sleep(0.5)  # the server reads the disconnect (Django's handler cancels its task now)
        assert healthy(server)  # answers while that view's thread still waits
        assert backends("wait_event_type = 'Lock'")  # ... and it does wait
    finally:
        locker.rollback()
        locker.close()
    # The view's thread carries on once the row is free: the claim is recorded, once, in both modes.
    assert wait_for(lambda: Alert.objects.get(pk=alert.pk).claimed_by_id == staff.hwaseong.pk)
    assert AlertEvent.objects.filter(alert=alert, kind="claimed").count() == 1
    # Its connection goes back to the pool with no transaction open, and the server goes on.
    assert wait_for(lambda: not backends("state <> 'idle'")), backends("true")
    assert healthy(server)
    queue = logged_in(staff.hwaseong)  # a fresh session: the server still serves the console API
    request = urllib.request.Request(f"{server.url}/api/v1/console/queue/",
                                     headers={"Cookie": f"sessionid={queue.cookies['sessionid'].value}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200 and f'"id":{alert.pk}'.encode() in response.read().replace(b" ", b"")
    assert "Traceback" not in server.log.read_text()


def test_a_client_gone_while_sending_its_body_stores_nothing(server, staff) -> None:
    alert = raise_sos()
    cookie = logged_in(staff.hwaseong).cookies["sessionid"].value
    client = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    client.sendall(claim_request(server, alert, cookie, body=b"{", length=100))  # 99 bytes never come
    time.sleep(0.3)
    client.close()
    assert healthy(server)
    time.sleep(0.3)
    assert Alert.objects.get(pk=alert.pk).claimed_by_id is None
    assert not AlertEvent.objects.filter(alert=alert, kind="claimed").exists()
    assert wait_for(lambda: not backends("state <> 'idle'")), backends("true")
    assert "Traceback" not in server.log.read_text()
