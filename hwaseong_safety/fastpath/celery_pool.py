"""Patch: Celery's Django fix-up, except that a worker process keeps its connection pool between tasks.

Upstream API touched (internal): subclasses of ``celery.fixups.django.DjangoFixup`` (its
``_worker_fixup``) and ``DjangoWorkerFixup.close_database`` (its ``_db``). The worker side is this
one with ``FASTPATH`` on, Celery's own ``DjangoWorkerFixup`` off (the rest is Celery's either way).
Parity and canary tests: tests/hwaseong_safety/fastpath/test_celery_pool.py.

Celery 5.7's fix-up closes Django's connection pool at every task boundary in prefork workers
(celery/celery#10554; the fix proposed upstream is #10555). Every task then opened a new
PostgreSQL connection: a backend forked, authenticated and set up for PostGIS, then gone when the
task ended. In the benchmark (issue 7) that was most of an SMS task's cost, and the backends' CPU
showed only as "rest of the machine", since they exited within the step.

Here a task boundary does what the end of a web request does (``close_old_connections``): the
connection goes back to the pool, and a broken or obsolete one is dropped. The pool inherited from
the parent process is still closed when a child process starts (Celery's own step: it must not be
shared across a fork). Remove this module once Celery releases the upstream fix.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.fixups import django as celery_django
from django.conf import settings


class PoolKeepingWorkerFixup(celery_django.DjangoWorkerFixup):
    def close_database(self, **kwargs: Any) -> None:
        # Before and after every task (and at worker and beat start): back to the pool, as after a
        # request. A connection inside an atomic block stays (there is none between tasks).
        self._db.close_old_connections()


class PoolKeepingFixup(celery_django.DjangoFixup):
    @property
    def worker_fixup(self) -> celery_django.DjangoWorkerFixup:
        # Made when first needed, as Celery's: it reads the app's configuration.
        # The switch is read here, not in fixup(): the app is made while the settings are imported.
        if self._worker_fixup is None:
            worker = PoolKeepingWorkerFixup if settings.FASTPATH else celery_django.DjangoWorkerFixup
            self._worker_fixup = worker(self.app)
        return self._worker_fixup

    @worker_fixup.setter
    def worker_fixup(self, value: celery_django.DjangoWorkerFixup) -> None:
        self._worker_fixup = value


def fixup(app: Celery) -> PoolKeepingFixup:
    """In place of Celery's built-in Django fix-up (``Celery(fixups=[...])``); this project always
    runs Celery with Django."""
    return PoolKeepingFixup(app).install()
