"""Location retention: trails of alerts and trips ended LOCATION_RETENTION_DAYS ago go, coarse
points stay, held alerts (escalated, crime) and anything open stay whole, every run is counted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import (
    AlertStatus,
    Escalation,
    RetentionRun,
    Trip,
    TripStatus,
)
from alerts.retention import run_retention
from alerts.tasks import apply_location_retention
from citizens.models import Citizen
from tests.factories import make_staff
from tests.fixtures.retention import DAYS, HERE, ended_alert, ended_trip, new_citizen, trail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def retention_days(settings):
    settings.LOCATION_RETENTION_DAYS = DAYS


def test_an_old_closed_alert_loses_its_trail_and_keeps_a_coarse_point() -> None:
    old = ended_alert(DAYS + 1)
    run = run_retention()
    old.refresh_from_db()
    assert trail(old) == 0 and old.reduced_at is not None
    assert (round(old.location.x, 6), round(old.location.y, 6)) == (126.87, 37.17)
    assert old.accuracy >= 1000
    assert (run.alerts_reduced, run.alert_fixes_deleted) == (1, 3)


@pytest.mark.parametrize("make", [
    lambda: ended_alert(DAYS - 1),                                          # recent
    lambda: ended_alert(DAYS + 5, status=AlertStatus.CLAIMED),              # still open
    lambda: ended_alert(DAYS + 5, disposition="crime"),                     # closed as a crime: held
    lambda: ended_alert(DAYS + 5, disposition="fire_disaster"),             # a disaster: held
])
def test_recent_open_and_held_alerts_keep_everything(make) -> None:
    kept = make()
    run_retention()
    kept.refresh_from_db()
    assert trail(kept) == 3 and kept.reduced_at is None and kept.location.equals(HERE)


def test_an_alert_handed_to_the_police_is_held() -> None:
    held = ended_alert(DAYS + 5, disposition="safe")
    Escalation.objects.create(alert=held, agency="police", reason="폭행 의심", requested_by=make_staff("op"))
    run = run_retention()
    assert trail(held) == 3 and run.alerts_held == 1 and run.alerts_reduced == 0


def test_a_cancelled_alert_counts_from_its_cancellation() -> None:
    old = ended_alert(DAYS + 1, status=AlertStatus.CANCELLED)
    recent = ended_alert(1, status=AlertStatus.CANCELLED)
    run_retention()
    assert trail(old) == 0 and trail(recent) == 3


def test_finished_trips_lose_their_trail_and_the_home_address_goes_coarse() -> None:
    old, recent, active = ended_trip(DAYS + 2), ended_trip(2), ended_trip(DAYS + 2, status=TripStatus.ACTIVE)
    run = run_retention()
    old.refresh_from_db()
    assert trail(old) == 0 and old.destination_name == "" and old.reduced_at is not None
    assert (round(old.destination.x, 6), round(old.destination.y, 6)) == (126.87, 37.17)
    assert trail(recent) == 4 and trail(active) == 4
    assert (run.trips_reduced, run.trip_fixes_deleted) == (1, 4)


def test_a_trip_whose_alert_is_held_keeps_its_trail() -> None:
    old = ended_trip(DAYS + 2, status=TripStatus.OVERDUE)
    Trip.objects.filter(pk=old.pk).update(overdue_at=timezone.now() - timedelta(days=DAYS + 2))
    ended_alert(DAYS + 2, disposition="crime", trip=old)
    run_retention()
    assert trail(old) == 4


def test_old_last_known_locations_are_cleared() -> None:
    stale, fresh = new_citizen(), new_citizen()
    Citizen.objects.filter(pk=stale.pk).update(last_location=HERE,
                                              last_location_at=timezone.now() - timedelta(days=DAYS + 1))
    Citizen.objects.filter(pk=fresh.pk).update(last_location=HERE, last_location_at=timezone.now())
    assert run_retention().last_locations_cleared == 1
    stale.refresh_from_db(), fresh.refresh_from_db()
    assert stale.last_location is None and fresh.last_location is not None


def test_a_second_run_changes_nothing_and_is_recorded_too() -> None:
    ended_alert(DAYS + 1), ended_trip(DAYS + 1)
    assert apply_location_retention.delay().get() == 3 + 4
    assert apply_location_retention.delay().get() == 0
    first, second = RetentionRun.objects.order_by("id")
    assert (first.alerts_reduced, first.trips_reduced) == (1, 1)
    assert (second.alerts_reduced, second.trips_reduced, second.alert_fixes_deleted) == (0, 0, 0)
    assert second.finished_at is not None and second.cutoff > first.cutoff - timedelta(seconds=5)


def test_a_reduced_alert_keeps_its_area_but_not_the_nearest_address() -> None:
    old = ended_alert(DAYS + 1, address_area="화성시 남양읍", address_road="시청로 159", address_road_m=12.0)
    recent = ended_alert(1, address_area="화성시 남양읍", address_road="시청로 159", address_road_m=12.0)
    run_retention()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.address_area, old.address_road, old.address_road_m) == ("화성시 남양읍", "", None)
    assert old.address == "화성시 남양읍"
    assert recent.address == "화성시 남양읍 · 시청로 159 부근 10 m"
