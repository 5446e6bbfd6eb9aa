"""The fence: every place this project reaches into a private or internal API of Django, Channels,
Celery or redis-py, one module per patch (the table: docs/fastpath.md).

Each patch was measured (docs/benchmarks.md) or found by a fault test (make chaos), and each has a
parity or canary test. ``settings.FASTPATH`` (env ``HWASEONG_FASTPATH``, default on) switches all of
them at once: off, the stock handler, engine, backend and ORM paths run everywhere, which is how to
check a framework upgrade. Code outside this package calls the public functions below and never
the patched internals, so it reads the same in both modes.
"""

from __future__ import annotations

from django.conf import settings

from hwaseong_safety.fastpath.prefetch import prefill
from hwaseong_safety.fastpath.raw_redis import redis_client
from hwaseong_safety.fastpath.rows import build, columns, read_one, width

__all__ = ["build", "columns", "enabled", "prefill", "read_one", "redis_client", "width"]


def enabled() -> bool:
    """Whether the patches run (settings.FASTPATH); off, the stock framework paths do."""
    return settings.FASTPATH
