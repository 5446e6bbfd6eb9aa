"""Retention of the access log: records are kept two years (개인정보의 안전성 확보조치 기준 §8 asks
for at least one year, two where the data is sensitive or concerns many people), then purged.

Only the SQL function of migration 0003 can delete them, and it writes a record of its own run;
this module just calls it with the cutoff from ``ACCESS_LOG_RETENTION_DAYS``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone


def purge_old_access_records() -> int:
    """Delete the records older than the retention period; returns how many went."""
    cutoff = timezone.now() - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT purge_access_records(%s)", [cutoff])
        return cursor.fetchone()[0]
