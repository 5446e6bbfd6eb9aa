"""While PostgreSQL is away (a restart, a failover, connections refused): an SOS waits for it a
little inside its request, and everything else answers 503 with Retry-After instead of a 500, so
that the app knows to send the same request again (docs/reliability.md, docs/app-api.md)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE_AWAY = (OperationalError, InterfaceError)
RETRY_AFTER_S = 2


def _discard_connection() -> None:
    """The connection (or the pool's) is broken: give it back so the next try opens a new one."""
    try:
        connection.close()
    except Exception:
        logger.debug("closing a broken database connection failed", exc_info=True)


def retry_while_database_away(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the SOS: on a database error, the whole view again (authentication included) with
    backoff for up to SOS_DB_WAIT_SECONDS, then the 503. Safe because the SOS is idempotent by its
    client_id: a try that committed before the connection broke is found, not made twice."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        request.body  # noqa: B018 - read once: every try parses the same bytes
        deadline = time.monotonic() + settings.SOS_DB_WAIT_SECONDS
        delay, tries = 0.2, 1
        while True:
            try:
                return view(request, *args, **kwargs)
            except DATABASE_AWAY:
                _discard_connection()
                if time.monotonic() + delay > deadline:
                    raise  # DatabaseAwayMiddleware answers 503
                logger.warning("SOS: database unavailable (try %d); trying again in %.1f s", tries, delay,
                               exc_info=True)
                time.sleep(delay)
                delay, tries = min(delay * 2, 2.0), tries + 1

    return wrapped


class DatabaseAwayMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_AWAY):
            return None
        logger.error("database unavailable: %s %s answered 503", request.method, request.path,
                     exc_info=exception)
        _discard_connection()
        headers = {"Retry-After": str(RETRY_AFTER_S)}
        message = _("The service is briefly unavailable. Send the same request again in a few seconds.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=503, headers=headers)
        return HttpResponse(message, status=503, headers=headers, content_type="text/plain; charset=utf-8")
