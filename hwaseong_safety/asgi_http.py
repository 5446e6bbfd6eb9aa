"""Django's ASGI handler with the middleware chain and the view as one synchronous call.

All our views and middlewares are synchronous. Django's ASGIHandler builds its chain in async
mode around an async core (``_get_response_async``), so a sync chain crosses back to the event
loop (async_to_sync) for the core, which crosses into a thread again (sync_to_async) for the view:
py-spy found the request's thread waiting on the loop in an eighth of its samples
(docs/benchmarks.md). Here the chain is loaded as WSGI loads it and run by one sync_to_async in
the request's own thread (Django's ThreadSensitiveContext): a request crosses three times (request
started, the response, closing it), always into the same thread, so the database connection the
view used is the one that request_finished returns to the pool.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import FileResponse, HttpRequest, HttpResponseBase


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:  # not ASGIHandler's: it loads the chain in async mode
        self.load_middleware(is_async=False)

    async def run_get_response(self, request: HttpRequest) -> HttpResponseBase:
        response = await sync_to_async(self.get_response)(request)
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):  # as Django's: the ASGI server does the chunking
            response.block_size = self.chunk_size
        return response


def get_sync_chain_asgi_application() -> SyncChainASGIHandler:
    """As django.core.asgi.get_asgi_application (django.setup first), with this handler."""
    import django

    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
