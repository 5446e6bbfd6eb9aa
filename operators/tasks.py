"""Background jobs of the operators app."""

from __future__ import annotations

import logging

from celery import shared_task

from operators.audit_purge import purge_old_access_records

logger = logging.getLogger(__name__)


@shared_task(name="operators.tasks.purge_access_log")
def purge_access_log() -> int:
    """Daily: access records past retention go; the purge records itself (idempotent)."""
    purged = purge_old_access_records()
    logger.info("access log retention: %s records purged", purged)
    return purged
