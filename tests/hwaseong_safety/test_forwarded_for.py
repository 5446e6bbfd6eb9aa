"""Issue 16, point 11: X-Forwarded-For is trusted only as NUM_PROXIES says.

uvicorn trusts proxy headers from 127.0.0.1 by default and rewrites the client address before
Django sees it, so a spoofed header became the access record's IP and the throttle key. The
Procfile's server runs with ``--no-proxy-headers``; Django reads the header itself, as far as
NUM_PROXIES goes (operators.audit.client_ip). The server is started here from the Procfile's own
command line, so the test breaks if the flag goes."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from rest_framework.test import APIRequestFactory

from citizens.throttles import RegisterIPThrottle
from operators.audit import client_ip
from tests.fixtures.platform import ROOT
from tests.fixtures.servers import database_url, free_port, web_command

pytestmark = pytest.mark.fastpath


@pytest.fixture
def procfile_server(transactional_db: None) -> Iterator[str]:
    from django.core.cache import cache
    from django.db import connection

    from hwaseong_safety.fastpath import redis_client

    # The server's cache prefix names the test database (tests/settings.py), not ours: clear its
    # throttle counters, which an earlier run on this machine may have left in the window.
    client = redis_client(cache)
    pattern = f"hwaseong-test-{connection.settings_dict['NAME']}:*throttle_*"
    keys = list(client.scan_iter(match=pattern, count=10_000))
    if keys:
        client.delete(*keys)
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": database_url(),
           "THROTTLE_REGISTER_IP": "3/hour", "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(web_command(port), cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the Procfile's web server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def register(url: str, phone: str, forwarded: str) -> int:
    headers = {"Content-Type": "application/json", "X-Forwarded-For": forwarded}
    request = urllib.request.Request(f"{url}/api/v1/app/register", method="POST", headers=headers,
                                     data=json.dumps({"phone": phone, "name": "a"}).encode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_served_app_ignores_a_spoofed_forwarded_for(procfile_server) -> None:
    codes = [register(procfile_server, f"0105555000{n}", f"198.51.100.{n}") for n in range(4)]
    assert codes == [202, 202, 202, 429]  # one client, whatever address it claims


def test_throttles_and_the_access_log_read_the_header_only_as_num_proxies_says(settings) -> None:
    request = APIRequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    assert client_ip(request) == "10.0.0.1" == RegisterIPThrottle().get_ident(request, None)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client_ip(request) == "192.0.2.7" == RegisterIPThrottle().get_ident(request, None)  # our proxy's
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 2}
    assert client_ip(request) == "6.6.6.6" == RegisterIPThrottle().get_ident(request, None)
