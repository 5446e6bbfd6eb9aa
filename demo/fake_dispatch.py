"""A stand-in for the police and fire dispatch systems, for the demo and the tests.

It listens on 127.0.0.1, takes webhooks at /police and /fire, checks their signature with the
agency's secret (401 when wrong), answers 200 with a reference, and then, once per
Idempotency-Key, posts signed callbacks (received → dispatched → on_scene) to the callback URL.
Tests script its answers (``script``: status codes, or "timeout" to hang past the client's
timeout) and read what it got (``deliveries``). Logs mask the phone and leave the name out.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from alerts.dispatch.signing import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature_valid,
    signed_headers,
    timestamp_fresh,
)
from hwaseong_safety.outbound import http as outbound_http
from hwaseong_safety.outbound.http import TransportError
from hwaseong_safety.phones import mask

logger = logging.getLogger(__name__)

DEFAULT_STATUSES = ("received", "dispatched", "on_scene")


@dataclass
class Delivery:
    agency: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    signature_ok: bool
    answered: int | str

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class FakeDispatch:
    secrets: dict[str, str]
    callback_url: str | None = None  # None: the payload's callback_url
    callback_delay: float = 0.5
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    send_callbacks: bool = True
    hang_s: float = 3.0
    host: str = "127.0.0.1"
    port: int = 0  # 0: a free port
    script: list[int | str] = field(default_factory=list)  # answers to play before the 200s
    deliveries: list[Delivery] = field(default_factory=list)
    callbacks: list[tuple[str, int]] = field(default_factory=list)  # (status, HTTP code we got)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, str] = {}  # Idempotency-Key → our reference
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> FakeDispatch:
        self._server = ThreadingHTTPServer((self.host, self.port), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="fake-dispatch", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeDispatch:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, agency: str) -> str:
        return f"http://{self.host}:{self.port}/{agency}"

    def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.05)
        return condition()

    # --- one webhook ----------------------------------------------------------------------
    def handle(self, agency: str, headers: dict[str, str], body: bytes) -> tuple[int | str, dict]:
        secret = self.secrets.get(agency, "")
        timestamp = headers.get(TIMESTAMP_HEADER.lower())
        ok = signature_valid(secret, timestamp, body, headers.get(SIGNATURE_HEADER.lower())) and \
            timestamp_fresh(timestamp, 300)
        with self._lock:
            answer: int | str = self.script.pop(0) if self.script else 200
            if not ok:
                answer = 401
            key = headers.get(IDEMPOTENCY_HEADER.lower(), "")
            first = answer == 200 and key not in self._seen
            if answer == 200:
                self._seen.setdefault(key, f"{agency.upper()}-{len(self._seen) + 1:05d}")
            self.deliveries.append(Delivery(agency, headers, body, ok, answer))
        payload = _safe_json(body)
        logger.info("fake %s dispatch: alert %s, phone %s, signature %s, answer %s", agency,
                    payload.get("alert", {}).get("id"), mask(payload.get("person", {}).get("phone", "")),
                    "ok" if ok else "BAD", answer)
        if first and self.send_callbacks:
            args = (agency, payload, self._seen[key])
            threading.Thread(target=self._call_back, args=args, daemon=True).start()
        return answer, {"reference": self._seen.get(key, "")} if answer == 200 else {"error": str(answer)}

    def _call_back(self, agency: str, payload: dict, reference: str) -> None:
        url = self.callback_url or payload.get("callback_url", "")
        for status in self.statuses:
            time.sleep(self.callback_delay)
            body = json.dumps({"alert_id": payload["alert"]["id"], "agency": agency, "status": status,
                               "reference": reference, "idempotency_key": payload.get("idempotency_key", ""),
                               "note": f"fake {agency} dispatch: {status}"}).encode()
            headers = signed_headers(self.secrets[agency], body, agency=agency)
            try:
                answer = outbound_http.request("POST", url, timeout=10, headers=headers, content=body)
                code = answer.status_code
            except TransportError as exc:
                logger.warning("fake %s dispatch: callback %s failed: %s", agency, status, exc)
                code = 0
            self.callbacks.append((status, code))
            logger.info("fake %s dispatch: callback %s → HTTP %s", agency, status, code)


def _safe_json(body: bytes) -> dict:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _handler(fake: FakeDispatch) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            agency = self.path.strip("/").split("?")[0]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer, reply = fake.handle(agency, headers, body)
            if answer == "timeout":
                time.sleep(fake.hang_s)  # past the client's timeout: it has given up by now
                answer = 200
            data = json.dumps(reply).encode()
            try:
                self.send_response(int(answer))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (a scripted timeout): nobody to answer
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass  # http.server's access log would print client addresses on stderr; ours is enough

    return Handler
