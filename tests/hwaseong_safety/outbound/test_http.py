"""The one outbound HTTP client against a real local server: what is transient, what is permanent,
and no mobile number in an error's text."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from hwaseong_safety.outbound import http as outbound_http
from hwaseong_safety.outbound.http import TransportError, scrub
from tests.fakes.sms_server import FakeSmsServer, Reply, running


@pytest.fixture
def server() -> Iterator[FakeSmsServer]:
    with running() as fake:
        yield fake


def _post(server: FakeSmsServer, **kwargs: object) -> object:
    return outbound_http.post(f"{server.url}/hook", timeout=0.5, headers={"X-Test": "1"}, content=b"{}",
                              **kwargs)  # type: ignore[arg-type]


def test_a_2xx_comes_back_with_what_was_sent(server) -> None:
    assert _post(server).status_code == 200
    [request] = server.requests
    assert (request.method, request.path, request.headers["x-test"]) == ("POST", "/hook", "1")
    assert request.body == b"{}"


@pytest.mark.parametrize(("status", "permanent"), [(500, False), (503, False), (408, False), (429, False),
                                                   (400, True), (401, True), (404, True), (422, True)])
def test_statuses_are_transient_or_permanent(server, status, permanent) -> None:
    server.script(Reply(status, {"error": "no"}))
    with pytest.raises(TransportError) as caught:
        _post(server, label="gw")
    assert caught.value.permanent is permanent and not caught.value.message_fault
    assert str(caught.value).startswith(f"gw: HTTP {status} ")


def test_retry_after_is_read(server) -> None:
    server.script(Reply(429))
    response = outbound_http.request("POST", server.url, timeout=0.5, headers={}, content=b"")
    response.headers["Retry-After"] = "30"
    assert outbound_http.status_error(response).retry_after == 30


def test_a_timeout_and_a_refused_connection_are_transient(server) -> None:
    server.script(Reply(200, delay=1.0))
    with pytest.raises(TransportError) as caught:
        _post(server)
    assert not caught.value.permanent and str(caught.value).startswith("timeout (")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    with pytest.raises(TransportError) as caught:
        outbound_http.post(f"http://127.0.0.1:{closed}/", timeout=0.5, headers={}, content=b"")
    assert (str(caught.value), caught.value.permanent) == ("ConnectError", False)


@pytest.mark.parametrize("url", ["nowhere://x", "http://"])
def test_a_url_that_cannot_work_is_permanent(url) -> None:
    with pytest.raises(TransportError) as caught:
        outbound_http.post(url, timeout=0.5, headers={}, content=b"")
    assert caught.value.permanent


def test_redirects_are_not_followed(server) -> None:
    server.script(Reply(302))
    with pytest.raises(TransportError) as caught:
        _post(server)
    assert caught.value.permanent and len(server.requests) == 1


def test_numbers_never_reach_the_error_text(server) -> None:
    assert scrub("to 010-1234-5678, 01098765432 and 010 2222 3333; not 2026-12-05") == (
        "to 010-****-5678, 010-****-5432 and 010-****-3333; not 2026-12-05")
    server.script(Reply(400, "invalid recipient 01012345678"))
    response = outbound_http.request("POST", server.url, timeout=0.5, headers={}, content=b"")
    error = outbound_http.status_error(response, label="gw", detail=response.text)
    assert str(error) == "gw: HTTP 400 invalid recipient 010-****-5678"
    assert "01012345678" not in str(TransportError("echo 01012345678"))
