"""Location retention (위치정보법: location data is destroyed once its purpose is met).

After ``LOCATION_RETENTION_DAYS`` from its end, a closed or cancelled alert and a finished trip lose
their trails (every fix deleted) and keep one coarse point (about 1 km: coordinates rounded to
0.01°) so statistics by area still work; the citizen's last known location is cleared once it is
that old. Alerts under hold stay whole: handed to the police or fire service, or closed as a crime
or a fire/disaster, since an investigation may need the trail, until a supervisor releases the
hold (alerts/holds.py) and the release takes effect. What was done is counted in one
``RetentionRun`` row per run; the records of provision (disclosures) and the alerts, trips and
timelines themselves stay.

Deletes go in batches so a backlog of millions of fixes never becomes one long statement. Every
step selects only what is not yet reduced, so a second run does nothing (and says so).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from alerts.holds import ENDED, held_alerts
from alerts.models import Alert, AlertLocation, RetentionRun, Trip, TripLocation, TripStatus
from citizens.models import Citizen

BATCH = 5_000
COARSE_GRID_DEG = 0.01  # ~1.1 km north-south, ~0.9 km east-west at Hwaseong's latitude


def cutoff_now() -> datetime:
    return timezone.now() - timedelta(days=settings.LOCATION_RETENTION_DAYS)


def due_alerts(cutoff: datetime) -> QuerySet[Alert]:
    """Ended before the cutoff, not reduced yet, not held."""
    ended = Coalesce("closed_at", "cancelled_at", "updated_at")
    return (Alert.objects.filter(status__in=ENDED, reduced_at__isnull=True)
            .alias(ended=ended).filter(ended__lt=cutoff)
            .exclude(pk__in=held_alerts().values("pk")))


def due_trips(cutoff: datetime) -> QuerySet[Trip]:
    """Finished before the cutoff, not reduced yet, and none of its alerts open or held."""
    ended = Coalesce("arrived_at", "ended_at", "overdue_at", "started_at")
    keep = Alert.objects.filter(trip=OuterRef("pk")).filter(
        ~Q(status__in=ENDED) | Q(pk__in=held_alerts().values("pk"))
    )
    return (Trip.objects.exclude(status=TripStatus.ACTIVE).filter(reduced_at__isnull=True)
            .alias(ended=ended).filter(ended__lt=cutoff).exclude(Exists(keep)))


def _delete_batches(queryset: QuerySet) -> int:
    deleted = 0
    while ids := list(queryset.values_list("pk", flat=True)[:BATCH]):
        deleted += queryset.model.objects.filter(pk__in=ids).delete()[0]
    return deleted


def _coarsen(table: str, columns: tuple[str, ...], ids: list[int], extra: str = "") -> None:
    """Round points to the grid (ST_SnapToGrid on the geometry, back to geography)."""
    sets = ", ".join(f"{c} = ST_SnapToGrid({c}::geometry, {COARSE_GRID_DEG})::geography" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {sets}, reduced_at = now(){extra} WHERE id = ANY(%s)", [ids])


def run_retention() -> RetentionRun:
    cutoff = cutoff_now()
    run = RetentionRun.objects.create(cutoff=cutoff)
    run.alerts_held = held_alerts().filter(status__in=ENDED).count()
    while ids := list(due_alerts(cutoff).values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            run.alert_fixes_deleted += _delete_batches(AlertLocation.objects.filter(alert_id__in=ids))
            # The nearest address would say more than the coarse point: only the area stays.
            _coarsen("alerts_alert", ("location",), ids, ", accuracy = GREATEST(coalesce(accuracy, 0), 1000)"
                     ", address_road = '', address_road_m = NULL")
        run.alerts_reduced += len(ids)
    while ids := list(due_trips(cutoff).values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            run.trip_fixes_deleted += _delete_batches(TripLocation.objects.filter(trip_id__in=ids))
            _coarsen("alerts_trip", ("last_location", "destination"), ids, ", destination_name = ''")
        run.trips_reduced += len(ids)
    run.last_locations_cleared = Citizen.objects.filter(last_location_at__lt=cutoff).update(
        last_location=None, last_location_at=None)
    run.finished_at = timezone.now()
    run.save()
    return run
