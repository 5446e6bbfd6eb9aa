"""State changes of safe-return trips (안심귀가): start, report positions, arrive, become overdue."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.actions.sos import (
    do_add_alert_locations,
    newest,
    open_alerts_of_trip,
    remember_citizen_location,
)
from alerts.ingest import add_to_active_trip
from alerts.locations import Fix
from alerts.models import Alert, AlertKind, AlertTrigger, Trip, TripLocation, TripStatus
from alerts.placement import place, route
from alerts.publish import publish_alert_event
from alerts.texts import trip_arrived_body, trip_overdue_body, trip_started_body
from alerts.timeline import record_event
from citizens.models import Citizen
from guardians.notify import notify_guardians

OPEN_TRIP = (TripStatus.ACTIVE, TripStatus.OVERDUE)
# The overdue alert of a trip has a client_id derived from the trip: the unique (citizen,
# client_id) constraint then makes "one overdue alert per trip" a database fact.
OVERDUE_NAMESPACE = uuid.UUID("4b8f1f0e-3a52-4c64-9a40-6c0f4f2d9a11")


class TripClosed(Exception):
    message = _("This trip has already ended.")


def do_start_trip(citizen: Citizen, fix: Fix, destination: Point, destination_name: str,
                  expected_arrival: datetime) -> Trip:
    """Start a trip; the citizen's open trip, if any, ends. Concurrent starts queue on the
    citizen's row, so the partial unique constraint (one active trip) is never hit."""
    with transaction.atomic():
        Citizen.objects.select_for_update().filter(pk=citizen.pk).first()
        now = timezone.now()
        previous = Trip.objects.filter(citizen=citizen, status__in=OPEN_TRIP)
        previous.update(status=TripStatus.ENDED, ended_at=now)
        trip = Trip.objects.create(
            citizen=citizen, destination=destination, destination_name=destination_name,
            expected_arrival=expected_arrival, last_location=fix.point, last_location_at=fix.recorded_at,
        )
        _store_trail(trip, [fix])
        # The first position ever: its city may become the home center (alerts/actions/sos.py).
        routing = route(fix.point) if citizen.last_location_at is None else None
        city = routing.center if routing is not None and not routing.out_of_area else None
        remember_citizen_location(citizen.pk, fix, city)
        notify_guardians(citizen, "trip_started", lambda _g, link: trip_started_body(trip, link), trip=trip)
    return trip


def _store_trail(trip: Trip, fixes: Sequence[Fix]) -> None:
    TripLocation.objects.bulk_create(
        TripLocation(trip=trip, location=f.point, accuracy=f.accuracy, source=f.source,
                     recorded_at=f.recorded_at)
        for f in fixes
    )


def _locked(trip: Trip) -> Trip:
    return Trip.objects.select_for_update().select_related("citizen").get(pk=trip.pk)


def do_add_trip_locations(citizen_id: int, trip_id: int, fixes: Sequence[Fix]) -> Trip | None:
    """Store the trail; the trip's and the citizen's last location become the newest fix (by
    recorded_at, not array order). An overdue trip's open alert follows too: the app doesn't know
    about that alert and keeps reporting to the trip. Someone else's (or no) trip raises
    Trip.DoesNotExist.

    This is the hot path of location ingest (every phone on a trip, every few seconds): for an
    active trip (nearly always) it is one SQL statement (alerts/ingest.py); an overdue trip takes
    the ORM path below, with its alert. Returns None for an active trip, else the trip."""
    latest = newest(fixes)
    status = add_to_active_trip(citizen_id, trip_id, fixes, latest)
    if status is None:
        raise Trip.DoesNotExist
    if status == TripStatus.ACTIVE:
        return None
    if status not in OPEN_TRIP:
        raise TripClosed
    # Overdue: the alert made when the trip turned overdue follows the citizen.
    with transaction.atomic():
        trip = (Trip.objects.select_for_update().only("id", "citizen_id", "status", "last_location_at")
                .get(pk=trip_id, citizen_id=citizen_id))
        if trip.status not in OPEN_TRIP:
            raise TripClosed
        _store_trail(trip, fixes)
        if trip.last_location_at is None or latest.recorded_at > trip.last_location_at:
            Trip.objects.filter(pk=trip.pk).update(last_location=latest.point,
                                                   last_location_at=latest.recorded_at)
        remember_citizen_location(citizen_id, latest)
        # The overdue alert is made as the trip turns overdue (do_mark_trip_overdue), so an
        # active trip has none to move.
        if trip.status == TripStatus.OVERDUE:
            for alert in open_alerts_of_trip(trip):
                do_add_alert_locations(alert, fixes)
    return trip


def do_arrive_trip(trip: Trip) -> Trip:
    """Arrived (idempotent). An overdue trip's open alert gets a "trip_arrived" event for the
    operator to close; it is not closed here, someone may be on the phone with the citizen."""
    with transaction.atomic():
        trip = _locked(trip)
        if trip.status == TripStatus.ARRIVED:
            return trip
        if trip.status not in OPEN_TRIP:
            raise TripClosed
        trip.status, trip.arrived_at = TripStatus.ARRIVED, timezone.now()
        trip.save(update_fields=["status", "arrived_at"])
        notify_guardians(trip.citizen, "trip_arrived", lambda _g, _link: trip_arrived_body(trip), trip=trip)
        for alert in open_alerts_of_trip(trip):
            record_event(alert, "trip_arrived")
            publish_alert_event(alert, "trip_arrived")
    return trip


def do_mark_trip_overdue(trip: Trip) -> Alert | None:
    """Overdue: guardians told, and a low-priority alert for the center of the last known position.
    Returns the new alert, or None if the trip was not (or no longer) an active one."""
    with transaction.atomic():
        trip = _locked(trip)
        if trip.status != TripStatus.ACTIVE:
            return None
        citizen = trip.citizen
        trip.status, trip.overdue_at = TripStatus.OVERDUE, timezone.now()
        trip.save(update_fields=["status", "overdue_at"])
        placement = place(citizen, trip.last_location)
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    citizen=citizen, client_id=uuid.uuid5(OVERDUE_NAMESPACE, str(trip.pk)),
                    kind=AlertKind.OVERDUE_TRIP, trigger=AlertTrigger.TIMER, trip=trip,
                    center=placement.center, out_of_area=placement.out_of_area,
                    location=trip.last_location, location_recorded_at=trip.last_location_at,
                    **placement.address.fields(),
                )
        except IntegrityError:
            return None  # already made for this trip (it was reactivated by hand?)
        alert.border_centers.set(placement.border_centers)
        record_event(alert, "created", data={
            "routed_by": placement.routed_by, "out_of_area": placement.out_of_area,
            "border_centers": [c.code for c in placement.border_centers], "trip": trip.pk,
            "expected_arrival": trip.expected_arrival.isoformat(),
        })
        center = alert.center
        notify_guardians(citizen, "trip_overdue", lambda _g, link: trip_overdue_body(trip, link, center),
                         trip=trip)
        publish_alert_event(alert, "created")
    return alert
