from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hwaseong_safety.settings")

# Celery's Django fix-up, keeping each worker process's connection pool with FASTPATH
# (fastpath/celery_pool.py).
app = Celery("hwaseong_safety", fixups=["hwaseong_safety.fastpath.celery_pool:fixup"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _freeze_heap(**_kwargs: object) -> None:
    """A worker child starts with everything its parent imported: out of the collector's sight, so
    that a full collection does not hold an SMS or a dispatch for ~100 ms (warmup.py)."""
    from hwaseong_safety.warmup import freeze_heap

    freeze_heap()
