from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hwaseong_safety.settings")

# Celery's Django fix-up, keeping each worker process's connection pool (celery_fixup.py).
app = Celery("hwaseong_safety", fixups=["hwaseong_safety.celery_fixup:fixup"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
