from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from alerts.actions.trips import do_mark_trip_overdue
from alerts.models import Alert, AlertEvent, Trip, TripStatus
from alerts.publish import publish_alert_event
from alerts.retention import run_retention
from alerts.timeline import record_event

logger = logging.getLogger(__name__)

BATCH = 500
UNCLAIMED_ALARM = "unclaimed_alarm"


@shared_task(acks_late=True)
def mark_overdue_trips() -> int:
    """Run by beat every minute: active trips not arrived by expected_arrival + grace become
    overdue. Idempotent (each trip is re-checked under its row lock); returns how many turned."""
    grace = timedelta(minutes=settings.TRIP_OVERDUE_GRACE_MINUTES)
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


def claim_timeout() -> timedelta:
    return timedelta(seconds=settings.ALERT_CLAIM_TIMEOUT)


def unclaimed_alerts() -> QuerySet[Alert]:
    """Open alerts nobody has claimed for longer than the timeout and not alarmed yet."""
    cutoff = timezone.now() - claim_timeout()
    return (Alert.objects.open().filter(claimed_by__isnull=True, created_at__lte=cutoff)
            .exclude(events__kind=UNCLAIMED_ALARM))


@shared_task(acks_late=True)
def alarm_unclaimed_alerts() -> int:
    """Run by beat every 10 s: raise the supervisors' alarm, once per alert, for every open alert
    nobody has claimed within ALERT_CLAIM_TIMEOUT seconds. Returns how many were alarmed."""
    alarmed = 0
    for alert_id in unclaimed_alerts().order_by("created_at").values_list("id", flat=True)[:BATCH]:
        try:
            alarmed += do_alarm_unclaimed(alert_id) is not None
        # One bad row must not silence the alarm for every other waiting SOS.
        except Exception:
            logger.exception("could not raise the unclaimed alarm for alert %s", alert_id)
    return alarmed


def do_alarm_unclaimed(alert_id: int) -> AlertEvent | None:
    """Append and publish the "unclaimed_alarm" event, or return None if it is no longer due.
    Re-checked under the alert's row lock: a claim racing the alarm, or two overlapping beat runs,
    are serialised by PostgreSQL, so the alarm is raised at most once and never after a claim."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
        if alert is None or not unclaimed_alerts().filter(pk=alert_id).exists():
            return None
        waited = int((timezone.now() - alert.created_at).total_seconds())
        event = record_event(alert, UNCLAIMED_ALARM,
            data={"timeout_s": int(claim_timeout().total_seconds()), "waited_s": waited})
        # The alert's center and centers.all: the supervisors' consoles listen on the latter.
        publish_alert_event(alert, UNCLAIMED_ALARM, event=event)
    logger.warning("alert %s unclaimed after %s s: supervisors alarmed", alert_id, waited)
    return event


@shared_task(acks_late=True)
def apply_location_retention() -> int:
    """Daily: trails of alerts and trips ended LOCATION_RETENTION_DAYS ago go (alerts/retention.py).
    Idempotent: what is reduced is not selected again."""

    run = run_retention()
    return run.alert_fixes_deleted + run.trip_fixes_deleted
