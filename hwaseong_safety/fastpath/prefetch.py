"""Patch: fill a many-to-many's prefetch cache from rows read by hand.

Upstream API touched (private): ``QuerySet._result_cache``, ``QuerySet._prefetch_done`` and
``Model._prefetched_objects_cache``, the three attributes ``prefetch_related()`` leaves behind so
that ``instance.<m2m>.all()`` answers without a query. Used by the console push's one-statement
read (console/realtime/read.py), which reads the related rows in the same statement.
Parity test: tests/console/test_console_read.py. Only called while ``fastpath.enabled()``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Model


def prefill(instance: Model, name: str, objects: Sequence[Model]) -> None:
    """As ``prefetch_related(name)`` would leave ``instance``: ``instance.<name>.all()`` is
    ``objects``, with no query."""
    related = getattr(instance, name).all()
    related._result_cache, related._prefetch_done = list(objects), True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = related
