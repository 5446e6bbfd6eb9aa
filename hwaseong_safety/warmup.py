"""A web worker's start, before it takes its first request: load what the first requests would
otherwise load on an alarm's time, then take the loaded heap out of the garbage collector's sight.

Measured with the SOS bench (bench/notes.md): a cold worker answered its first SOS in 250-340 ms
(modules imported on first use, translation catalogues, the URL resolver, the database pool's and
the Celery broker's first connections) against ~30 ms warm. And every few hundred requests a full
(generation 2) collection walked the whole heap, ~120,000 objects of Django, DRF and GEOS loaded at
start, for 90-115 ms with the GIL held: the request, and every console push of that process, waited.
``gc.freeze()`` moves what is loaded at start to a permanent generation the collector skips; it is
the use Python's documentation gives for it (for a pre-fork server; the pause is the same cost).

Every step is best-effort: a worker whose database or Redis is away at start still starts (an SOS
then gets the 503 and Retry-After of the database-outage path), and the steps that failed are logged.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import pkgutil
import time
from collections.abc import Callable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from hwaseong_safety.csp import report_only_warning

logger = logging.getLogger(__name__)

# Our own packages; their modules that run only as commands or build the schema are left out.
PACKAGES = ("hwaseong_safety", "alerts", "cameras", "citizens", "guardians", "operators", "sms")
SKIP_PARTS = {"migrations", "management", "tests"}
SKIP_MODULES = {"hwaseong_safety.wsgi"}  # a second entry point: it would set up its own handler


def _import_modules() -> None:
    """Imports done inside functions (to avoid import cycles) otherwise run in the first request
    that needs them."""
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if SKIP_PARTS.isdisjoint(module.name.split(".")) and module.name not in SKIP_MODULES:
                importlib.import_module(module.name)


def _urls() -> None:
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 - compiles every pattern, imports every view


def _translations() -> None:
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("SOS")  # loads and merges the language's catalogues


def _templates() -> None:
    """Our pages' templates, compiled into the cached loader (the console, the guardian's
    tracking page: a guardian opens it from the SOS text)."""
    from django.template.loader import get_template

    root = settings.BASE_DIR / "templates"
    for path in sorted(root.rglob("*.html")):
        get_template(str(path.relative_to(root)))


def _console() -> None:
    from console.realtime.push import prepare

    prepare()


def _database() -> None:
    """The pool's first connection, and a geography query through the ORM (PostGIS's types and
    the spatial lookups' first use) with the one the SOS routing runs."""
    from django.contrib.gis.geos import Point

    from operators.models import Center

    try:
        list(Center.objects.linked().defer("boundary").around(Point(126.83, 37.2, srid=4326), 1.0))
    finally:
        connections.close_all()  # back to the pool: this thread takes no request


def _cache() -> None:
    from django.core.cache import cache

    cache.get("warmup:nothing")  # the throttles' and sessions' Redis connection


def _broker() -> None:
    from hwaseong_safety.celery import app

    # The producer pool the request's delay_on_commit takes its connection from.
    with app.producer_or_acquire() as producer:
        producer.connection.ensure_connection(max_retries=1, interval_start=0)


STEPS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("modules", _import_modules),
    ("urls", _urls),
    ("translations", _translations),
    ("templates", _templates),
    ("console", _console),
    ("database", _database),
    ("cache", _cache),
    ("broker", _broker),
)


def warm_up() -> dict[str, str]:
    """Runs every step; returns each one's outcome ("ok" or the error), in order."""
    outcome: dict[str, str] = {}
    for name, step in STEPS:
        started = time.perf_counter()
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - a step that fails must not keep the worker down
            outcome[name] = f"{type(exc).__name__}: {exc}"
            logger.warning("warm-up step %s failed after %.0f ms: %s", name,
                           (time.perf_counter() - started) * 1000, outcome[name])
        else:
            outcome[name] = "ok"
    return outcome


def freeze_heap() -> int:
    """Frees the start's garbage, then hides what is left from the collector. Returns how many
    objects are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def start_worker() -> dict[str, str]:
    started = time.perf_counter()
    # Loud, at every start: a policy left in report-only mode protects nothing (issue 16).
    if warning := report_only_warning(settings.CSP_REPORT_ONLY):
        logger.warning(warning)
    outcome = warm_up()
    frozen = freeze_heap()
    logger.info("worker warmed up in %.0f ms (%s), %d objects frozen", (time.perf_counter() - started) * 1000,
                ", ".join(f"{name} {result}" for name, result in outcome.items()),
                frozen)
    return outcome


# How long a worker's start may wait for the warm-up (it takes ~0.3 s; a database or Redis that
# is away can hold a step for the pool's 10 s): after this the worker takes requests, warm or not,
# and the warm-up goes on in its thread. Until then new connections wait in the listen backlog.
WARM_UP_TIMEOUT_S = 5.0


class WarmUpLifespan:
    """ASGI: answers the server's lifespan messages (uvicorn sends them to each worker process
    before its first request), warming the worker up on startup; passes everything else on."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self._start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _start(self) -> None:
        try:
            await asyncio.wait_for(sync_to_async(start_worker, thread_sensitive=False)(), WARM_UP_TIMEOUT_S)
        except TimeoutError:
            logger.warning("warm-up still running after %.0f s; taking requests", WARM_UP_TIMEOUT_S)
