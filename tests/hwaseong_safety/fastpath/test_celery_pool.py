"""A Celery worker process keeps its PostgreSQL connection pool between tasks
(hwaseong_safety/fastpath/celery_pool.py): a task must not cost a new connection; with FASTPATH off,
Celery's own fix-up runs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.conf import settings
from django.db import connection

from hwaseong_safety.celery import app
from hwaseong_safety.fastpath.celery_pool import PoolKeepingFixup, PoolKeepingWorkerFixup
from tests.modes import fast_only

# No test transaction around these: a connection inside an atomic block is never given back.
pytestmark = [pytest.mark.fastpath, pytest.mark.django_db(transaction=True)]

TASK = SimpleNamespace(request=SimpleNamespace(is_eager=False))  # a task as a worker runs it


def backends() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return {pid for (pid,) in cursor.fetchall()}


def backend_after_a_task(fixup: DjangoWorkerFixup) -> int:
    fixup.worker = SimpleNamespace(pool_cls="celery.concurrency.prefork:TaskPool")  # a prefork child
    fixup.on_task_postrun(sender=TASK)
    fixup.on_task_prerun(sender=TASK)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_app_uses_the_pool_keeping_fixup_only_with_fastpath() -> None:
    assert [type(f) for f in app._fixups] == [PoolKeepingFixup]
    worker = app._fixups[0].worker_fixup
    if settings.FASTPATH:
        assert isinstance(worker, PoolKeepingWorkerFixup)
    else:
        assert type(worker) is DjangoWorkerFixup  # Celery's own


@fast_only
def test_a_task_boundary_gives_the_connection_back_to_the_pool() -> None:
    assert connection.settings_dict["OPTIONS"].get("pool"), "the settings pool connections"
    before = backends()
    pool = connection.pool
    assert backend_after_a_task(PoolKeepingWorkerFixup(app)) in before  # no new backend
    assert connection.pool is pool and not pool.closed


def test_celerys_own_fixup_opens_a_new_connection_per_task() -> None:
    """What the module works around (celery/celery#10554). When this fails, Celery keeps the
    pool itself: remove hwaseong_safety/fastpath/celery_pool.py."""
    before = backends()
    assert backend_after_a_task(DjangoWorkerFixup(app)) not in before
