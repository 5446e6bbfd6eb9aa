"""Request body limits that hold for every view, DRF's JSON parsers included (docs/hardening.md).

Django checks ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only when it reads ``request.body`` or a form; DRF's
parsers read the stream directly and never hit that check. So the limit is enforced here, twice:

* ``BodyLimitMiddleware`` (Django) refuses a declared ``Content-Length`` over the limit before any
  view or parser runs: 413, JSON under ``/api/``, a plain page elsewhere.
* ``AsgiBodyLimit`` (ASGI, around the whole application) counts the bytes as they arrive. Django's
  ASGI handler reads the whole body to a temporary file before any middleware runs, so a chunked
  body without a length (or a lying one) must be stopped here, not later.

The camera import (a province's standard data, tens of MB) has its own, larger limit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]


def body_limit(path: str) -> int:
    """Largest body accepted for ``path``: the longest matching prefix of REQUEST_BODY_LARGE_PATHS,
    REQUEST_BODY_MAX_BYTES otherwise."""
    best, limit = -1, settings.REQUEST_BODY_MAX_BYTES
    for prefix, larger in settings.REQUEST_BODY_LARGE_PATHS.items():
        if path.startswith(prefix) and len(prefix) > best:
            best, limit = len(prefix), larger
    return limit


def _message(limit: int) -> str:
    return _("The request is too large: at most %(limit)s bytes are accepted.") % {"limit": limit}


def too_large_response(path: str, limit: int) -> HttpResponse:
    if path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": _message(limit)}, status=413)
    else:
        response = HttpResponse(_message(limit), status=413, content_type="text/plain; charset=utf-8")
    # The rest of the body is never read: the connection can't be reused.
    response["Connection"] = "close"
    return response


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or ""
        if raw:
            try:
                length = int(raw)
            except ValueError:
                return HttpResponse(status=400)
            limit = body_limit(request.path)
            if length < 0:
                return HttpResponse(status=400)
            if length > limit:
                return too_large_response(request.path, limit)
        return self.get_response(request)


ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]


class AsgiBodyLimit:
    """Around the ASGI application: HTTP bodies over the limit never reach Django."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = body_limit(path)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _send_413(send, path, limit)
            return
        received = 0
        over = False
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Django sees a client that went away and stops; we answer 413 below.
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def watching_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.app(scope, counting_receive, watching_send)
        if over and not response_started:
            await _send_413(send, path, limit)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # Django answers 400 for a malformed length
    return None


async def _send_413(send: Callable[[Message], Awaitable[None]], path: str, limit: int) -> None:
    # No Django request exists yet: the message is in the default language (Korean).
    response = too_large_response(path, limit)
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.items()]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": response.content})

