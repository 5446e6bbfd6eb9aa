"""Patch: Django's ASGI handler for an app whose views and middlewares are all synchronous: each
request crosses into a worker thread once and does all its work there.

Upstream API touched (internal): a subclass of ``django.core.handlers.asgi.ASGIHandler`` that
replaces ``__init__``, ``__call__`` and ``handle`` and calls its ``read_body``, ``create_request``,
``get_response``, ``send_response``, ``chunk_size`` and ``response._handler_class``. It leaves out
what Django's ``handle`` adds around the view: ``ThreadSensitiveContext`` and the
``listen_for_disconnect`` task. Django cancels a request whose client went away; here the view runs
to its end and its response goes nowhere (the server drops it). A sync view cannot be stopped
mid-way in either (tests/hwaseong_safety/fastpath/test_client_disconnect.py shows both; docs/fastpath.md).
``get_asgi_application()`` gives this handler with ``FASTPATH`` on, Django's own otherwise.
Parity and canary tests: tests/hwaseong_safety/fastpath/test_asgi_http.py.

Django's own ASGIHandler, for each request: starts a thread of its own (ThreadSensitiveContext)
and joins it at the end; loads the middleware chain in async mode around an async core, so a sync
chain crosses back to the event loop for the core and into the thread again for the view; and
crosses three more times for the request_started signal, the response and its close. py-spy on
the nearest-camera API (docs/benchmarks.md, bench/notes.md): a tenth of the web workers' CPU
starting and joining those threads, and an eighth of the request's time its thread waiting for
the loop.

Here the chain is loaded as WSGI loads it, and one call in the loop's thread pool runs the
request_started signal, the chain with the view, and the response's close (request_finished,
which hands the thread's database connection back to the pool) before the response goes out:
one crossing, the same thread throughout. A streaming response (a file) is closed after its body
was sent, as Django does; its view's thread closes its own connections first.
"""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.db import close_old_connections
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix

Scope = dict[str, Any]


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:  # not ASGIHandler's: it loads the chain in async mode
        self.load_middleware(is_async=False)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            set_script_prefix(get_script_prefix(scope))
            response = await sync_to_async(self.respond, thread_sensitive=False)(scope, body_file)
            try:
                await self.send_response(response, send)
            except asyncio.CancelledError:
                pass  # the client went away while we sent
            if response.streaming:
                await sync_to_async(response.close)()
        finally:
            body_file.close()

    def respond(self, scope: Scope, body_file: Any) -> HttpResponseBase:
        """Everything of one request that touches Django, in one worker thread."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):  # as Django's: the ASGI server does the chunking
                response.block_size = self.chunk_size
        if response.streaming:
            close_old_connections()  # its body is read later, elsewhere; this thread is done
        else:
            response.close()  # request_finished: the connection goes back to the pool now
        return response


def get_asgi_application() -> ASGIHandler:
    """As django.core.asgi.get_asgi_application (django.setup first): this handler with
    ``FASTPATH`` on, Django's own off."""
    import django
    from django.conf import settings

    django.setup(set_prefix=False)
    return SyncChainASGIHandler() if settings.FASTPATH else ASGIHandler()
