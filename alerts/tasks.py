from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from alerts.models import Trip, TripStatus
from alerts.trip_actions import do_mark_trip_overdue

logger = logging.getLogger(__name__)

BATCH = 500


@shared_task(acks_late=True)
def mark_overdue_trips() -> int:
    """Run by beat every minute: active trips not arrived by expected_arrival + grace become
    overdue. Idempotent (each trip is re-checked under its row lock); returns how many turned."""
    grace = timedelta(minutes=getattr(settings, "TRIP_OVERDUE_GRACE_MINUTES", 10))
    cutoff = timezone.now() - grace
    due = Trip.objects.filter(status=TripStatus.ACTIVE, expected_arrival__lt=cutoff)
    marked = 0
    for trip in due.order_by("expected_arrival")[:BATCH]:
        try:
            marked += do_mark_trip_overdue(trip) is not None
        # One bad trip must not keep every other overdue walker from their center.
        except Exception:
            logger.exception("could not mark trip %s overdue", trip.pk)
    return marked
