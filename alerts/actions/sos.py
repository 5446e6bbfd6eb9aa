"""State changes of SOS alerts (Zulip-style ``do_*`` actions); views only parse and answer.

Every action runs in one transaction: rows, timeline events, guardian SMS rows and the live
alarm (published on commit) all happen together or not at all.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.actions.notices import tell_guardians_of_cancel, tell_guardians_of_sos
from alerts.locations import Fix
from alerts.models import Alert, AlertKind, AlertLocation, AlertStatus, Trip
from alerts.placement import Placement, follow, place
from alerts.publish import publish_alert_event
from alerts.status import STALE_AFTER_S
from alerts.timeline import record_event
from citizens.models import Citizen
from operators.models import Center
from places.address import describe

logger = logging.getLogger(__name__)



class WrongPin(Exception):
    message = _("Incorrect PIN.")


class AlertClosed(Exception):
    message = _("This alert has already been closed by the control center.")


def do_create_sos(
    citizen: Citizen, client_id: uuid.UUID, trigger: str, fix: Fix | None, trip: Trip | None = None,
    *, location_errors: dict | None = None, clock_errors: dict | None = None,
) -> tuple[Alert, bool]:
    """Store an SOS, once per (citizen, client_id). Returns (alert, created).

    A retry, even one racing the first request, gets the first alert back: the INSERT is the
    arbiter (unique constraint), not a read before it.
    """
    placement = place(citizen, fix.point if fix else None)
    committed: list[Alert] = []
    duplicate: IntegrityError | None = None
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(
                        citizen=citizen, client_id=client_id, kind=AlertKind.SOS, trigger=trigger, trip=trip,
                        center=placement.center, out_of_area=placement.out_of_area, **_fix_fields(fix),
                        **placement.address.fields(),
                    )
            except IntegrityError as exc:
                duplicate = exc  # a retry: no read before the INSERT, so a new SOS costs none
            else:
                # Runs first after commit: from here on the SOS is stored, whatever fails next.
                transaction.on_commit(lambda: committed.append(alert))
                _record_new_sos(alert, placement, fix, trip, location_errors, clock_errors)
    except Exception:
        # An after-commit step failed: the SOS is stored and its SMS rows are queued for the
        # outbox; answer 201 all the same.
        if not committed:
            raise
        logger.exception("SOS %s stored; an after-commit step failed", committed[0].pk)
    if duplicate is not None:
        # Only the unique (citizen, client_id) can refuse the INSERT; a request racing ours has
        # committed by now, since PostgreSQL made our INSERT wait for it.
        existing = Alert.objects.filter(citizen=citizen, client_id=client_id).first()
        if existing is None:
            raise duplicate
        return _retry_of(existing, fix), False
    return alert, True


def _record_new_sos(alert: Alert, placement: Placement, fix: Fix | None, trip: Trip | None,
                    location_errors: dict | None, clock_errors: dict | None) -> None:
    """Everything a new SOS writes besides its row, in its transaction."""
    if placement.border_centers:  # a new alert has none: add, without reading them first
        alert.border_centers.add(*placement.border_centers)
    data = _created_data(alert.citizen, placement, fix, trip)
    if location_errors:
        data["rejected_location"] = jsonb_safe(location_errors)
    if clock_errors:  # the point was kept, timed on receipt
        data["rejected_location_time"] = jsonb_safe(clock_errors)
    record_event(alert, "created", data=data)
    if fix is not None:
        _store_trail(alert, [fix])
        first_city = placement.center if placement.routed_by == "fix" and not placement.out_of_area else None
        remember_citizen_location(alert.citizen_id, fix, first_city)
    # Before the SMS: it never raises. Built now: nothing below changes the alert.
    publish_alert_event(alert, "created", border_codes=[c.code for c in placement.border_centers])
    tell_guardians_of_sos(alert)


def jsonb_safe(value: object) -> object:
    """The validation errors echo what the phone sent, and PostgreSQL's jsonb refuses the NUL
    character (\\u0000): one in a location's ``source`` turned an SOS into a 500 (found by Hypothesis).
    NUL becomes U+FFFD, in keys and values."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {jsonb_safe(k): jsonb_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonb_safe(v) for v in value]
    return value


def _retry_of(alert: Alert, fix: Fix | None) -> Alert:
    # The first attempt may have had no fix yet; a retry that has one is too good to throw away.
    if fix is not None and alert.location is None:
        do_add_alert_locations(alert, [fix])
        alert.refresh_from_db()
    return alert


def _fix_fields(fix: Fix | None) -> dict:
    if fix is None:
        return {}
    return {"location": fix.point, "accuracy": fix.accuracy, "location_source": fix.source,
            "location_recorded_at": fix.recorded_at}


def _created_data(citizen: Citizen, placement: Placement, fix: Fix | None, trip: Trip | None) -> dict:
    data: dict = {
        "routed_by": placement.routed_by,
        "out_of_area": placement.out_of_area,
        "distance_outside_m": _rounded(placement.distance_outside_m),
        "border_centers": [center.code for center in placement.border_centers],
        "trip": trip.pk if trip else None,
    }
    if fix is not None:
        age = max(0, int((timezone.now() - fix.recorded_at).total_seconds()))
        data.update(location_age_s=age, location_stale=age > STALE_AFTER_S)
    elif placement.routed_by == "last_location":
        data["last_location_at"] = citizen.last_location_at.isoformat() if citizen.last_location_at else None
    return data


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _store_trail(alert: Alert, fixes: Sequence[Fix]) -> None:
    AlertLocation.objects.bulk_create(
        AlertLocation(alert=alert, location=f.point, accuracy=f.accuracy, source=f.source,
                      recorded_at=f.recorded_at)
        for f in fixes
    )


def remember_citizen_location(citizen_id: int, fix: Fix, city: Center | None = None) -> None:
    """Keep the citizen's last known location, newest measurement wins (batches arrive out of
    order on flaky networks). One conditional UPDATE: safe against concurrent reports.

    ``city``: the linked center the fix is in. The citizen's first known position makes it their
    home center, in place of the host center given at sign-up (docs/centers.md); a home center
    chosen by staff stays. In the same UPDATE: an SOS pays no extra round trip for it."""
    values: dict = {"last_location": fix.point, "last_location_at": fix.recorded_at}
    if city is not None:
        host = Center.objects.filter(code=settings.HOST_CENTER_CODE).values("id")
        first = Q(last_location_at__isnull=True) & (Q(home_center__isnull=True) | Q(home_center__in=host))
        values["home_center"] = Case(When(first, then=Value(city.pk)), default=F("home_center"),
                                     output_field=Citizen._meta.get_field("home_center"))
    Citizen.objects.filter(pk=citizen_id).filter(
        Q(last_location_at__isnull=True) | Q(last_location_at__lt=fix.recorded_at)
    ).update(**values)


def newest(fixes: Sequence[Fix]) -> Fix:
    return max(fixes, key=lambda fix: fix.recorded_at)


def do_add_alert_locations(alert: Alert, fixes: Sequence[Fix]) -> Alert:
    """Add to the trail and move the alert to the newest fix; the alert follows the citizen into
    another city's jurisdiction ("transferred"). Closed or cancelled alerts take nothing, quietly:
    a duress alert must answer exactly like a cancelled one, and it does keep tracking."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update(of=("self",)).select_related("center").get(pk=alert.pk)
        if not alert.is_open:
            return alert
        _store_trail(alert, fixes)
        latest = newest(fixes)
        remember_citizen_location(alert.citizen_id, latest)
        if alert.location_recorded_at is not None and latest.recorded_at <= alert.location_recorded_at:
            return alert  # a late batch: trail only, the position stays
        for field, value in {**_fix_fields(latest), **describe(latest.point).fields()}.items():
            setattr(alert, field, value)
        _reroute(alert, latest)
        alert.save(update_fields=["location", "accuracy", "location_source", "location_recorded_at",
                                  "address_area", "address_road", "address_road_m",
                                  "center", "out_of_area", "updated_at"])
    return alert


def _reroute(alert: Alert, fix: Fix) -> str:
    """Route the new position; record and publish what changed. Returns the published kind."""
    placement, old = follow(alert, fix.point), alert.center
    if placement is None:
        publish_alert_event(alert, "location")
        return "location"
    alert.center, alert.out_of_area = placement.center, placement.out_of_area
    alert.border_centers.set(placement.border_centers)
    if old is None:
        record_event(alert, "routed", data={"to": placement.center.code})
        publish_alert_event(alert, "routed")
        return "routed"
    if old.pk != placement.center.pk:
        record_event(alert, "transferred", data={"from": old.code, "to": placement.center.code,
                                                 "out_of_area": placement.out_of_area})
        publish_alert_event(alert, "transferred", also_centers=[old.code])
        return "transferred"
    publish_alert_event(alert, "location")
    return "location"


def check_pin(citizen: Citizen, pin: str) -> str:
    """"duress", "cancel", or raise WrongPin. The duress PIN is checked first; a citizen without
    a cancel PIN cancels with any PIN (or none)."""
    if pin and citizen.pin_matches("duress_pin", pin):
        return "duress"
    if not citizen.cancel_pin or citizen.pin_matches("cancel_pin", pin):
        return "cancel"
    raise WrongPin


def do_cancel_alert(alert: Alert, pin: str) -> Alert:
    """Cancel from the app. With the duress PIN the alert stays open, flagged duress, while the app
    is answered exactly as for a real cancel. Idempotent: cancelling again changes nothing, but a
    duress PIN always counts (a truly cancelled alert is reopened as duress). A duress alert can't
    be undone from the app."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update(of=("self",)).select_related("citizen", "center").get(
            pk=alert.pk)
        if alert.status == AlertStatus.CLOSED and not alert.is_duress:
            raise AlertClosed
        outcome = check_pin(alert.citizen, pin)
        now = timezone.now()
        if outcome == "duress" and not alert.is_duress:
            _mark_duress(alert, now)
        elif outcome == "cancel" and not alert.is_duress and alert.is_open:
            alert.status, alert.cancelled_at = AlertStatus.CANCELLED, now
            alert.save(update_fields=["status", "cancelled_at", "updated_at"])
            record_event(alert, "cancelled")
            publish_alert_event(alert, "cancelled")
            tell_guardians_of_cancel(alert)
    return alert


def _mark_duress(alert: Alert, now: datetime) -> None:
    reopened = alert.status == AlertStatus.CANCELLED
    alert.is_duress = True
    alert.cancelled_at = alert.cancelled_at or now  # what the app's "cancelled" shows
    if reopened:
        alert.status = AlertStatus.RECEIVED
    alert.save(update_fields=["is_duress", "cancelled_at", "status", "updated_at"])
    record_event(alert, "duress", data={"reopened": reopened})
    publish_alert_event(alert, "duress")


def open_alerts_of_trip(trip: Trip, kind: str = AlertKind.OVERDUE_TRIP) -> list[Alert]:
    return list(trip.alerts.open().filter(kind=kind))

