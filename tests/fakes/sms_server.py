"""A real HTTP server on 127.0.0.1 (a free port, in a thread) standing in for an SMS provider.

Scriptable: ``script(Reply(503), Reply(202, ...))`` answers the next requests in that order, then
``success(n)``. Every request is recorded (method, path, headers, body). ``delivered`` is what a
real provider would have turned into an SMS on a phone: each 2xx answer, except a request whose
idempotency key was already accepted (when the server honours one).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = None  # dict/list → JSON; str → text; None → empty
    delay: float = 0.0  # seconds before answering: a slow provider, for the client's timeout


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


def sens_success(n: int) -> Reply:
    return Reply(202, {"requestId": f"RID-{n}", "requestTime": "2026-11-25T09:00:00.000",
                       "statusCode": "202", "statusName": "success"})


def gateway_success(n: int) -> Reply:
    return Reply(200, {"result": {"messageId": f"MSG-{n}"}})


@dataclass
class FakeSmsServer:
    success: Callable[[int], Reply] = gateway_success
    idempotency_header: str = ""  # e.g. "Idempotency-Key": a replayed key is answered, not re-sent
    # Seconds every answer takes *after* the message was accepted (and counted as delivered): a
    # provider that is slow to say so, so that a worker killed meanwhile leaves an SMS on a phone
    # and no result in the outbox (make chaos).
    latency: float = 0.0
    requests: list[Recorded] = field(default_factory=list)
    delivered: list[Recorded] = field(default_factory=list)
    _script: deque[Reply] = field(default_factory=deque)
    _accepted: dict[str, Reply] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def script(self, *replies: Reply) -> None:
        self._script.extend(replies)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _answer(self, recorded: Recorded) -> Reply:
        with self._lock:
            self.requests.append(recorded)
            key = recorded.headers.get(self.idempotency_header.lower()) if self.idempotency_header else None
            if key and key in self._accepted:
                return self._accepted[key]  # the provider's idempotency: same answer, no new SMS
            reply = self._script.popleft() if self._script else self.success(len(self.delivered) + 1)
            if 200 <= reply.status < 300 and not reply.delay:
                self.delivered.append(recorded)
                if key:
                    self._accepted[key] = reply
            return reply

    def start(self) -> FakeSmsServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded(
                    method=self.command, path=self.path,
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
                reply = fake._answer(recorded)
                if reply.delay or fake.latency:
                    time.sleep(reply.delay + fake.latency)
                if isinstance(reply.body, dict | list):
                    payload, kind = json.dumps(reply.body).encode(), "application/json"
                else:
                    payload, kind = (reply.body or "").encode(), "text/plain; charset=utf-8"
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left: that was the point

            do_POST = do_PUT = do_GET = _handle

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def running(**options: Any) -> Iterator[FakeSmsServer]:
    server = FakeSmsServer(**options).start()
    try:
        yield server
    finally:
        server.stop()
