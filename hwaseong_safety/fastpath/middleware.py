"""Patch: a middleware that only makes Django load the rest of the chain in sync mode.

Upstream API touched (internal behaviour, not a private name): ``BaseHandler.load_middleware``'s
adaptation of each middleware to the mode of the one below it (``sync_capable``/``async_capable``).
Settings put it last in MIDDLEWARE only with ``FASTPATH`` on. Canary: tests/hwaseong_safety/
test_middleware_threads.py.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SyncChainMiddleware:
    """Last in MIDDLEWARE (with ``FASTPATH`` on), does nothing but be synchronous-only, so that
    under ASGI Django runs the whole middleware chain and the view in the request's one worker
    thread.

    Django adapts each middleware to the mode of the one below it, starting from its asynchronous
    core. Without this, the middlewares below the last sync-only one (WhiteNoise) ran in async
    mode, and Django's MiddlewareMixin runs each process_request/process_response of an async-mode
    middleware through sync_to_async: a dozen thread hops a request, each waiting for the busy
    event loop (py-spy under wrk: a sixth of the samples in Event.wait). With this one, a request
    crosses between the loop and its thread three times.

    The server itself now loads the chain in sync mode (hwaseong_safety/fastpath/asgi.py: one
    crossing a request), where this is a no-op; it stays for handlers that load the chain in
    async mode: Django's own ASGIHandler, and the AsyncClient of the tests."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
