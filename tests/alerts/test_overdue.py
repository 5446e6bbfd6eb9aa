"""alerts.tasks.mark_overdue_trips: trips not arrived by expected_arrival + grace become overdue."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from alerts.models import Alert, AlertKind, AlertTrigger, Trip, TripStatus
from alerts.tasks import mark_overdue_trips
from sms.models import SmsMessage
from sms.transports import LocmemTransport
from tests.fixtures.alerts import loc
from tests.fixtures.centers import INSIDE_ANSAN

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")
START = datetime(2026, 11, 24, 21, 0, tzinfo=SEOUL)
DUE = START + timedelta(minutes=30)


@pytest.fixture
def trip_id(app, centers) -> int:
    with time_machine.travel(START, tick=False):
        body = {"location": loc(INSIDE_ANSAN), "destination": {"latitude": 37.31, "longitude": 126.88},
                "destination_name": "집", "expected_arrival": DUE.isoformat()}
        response = app.client.post("/api/v1/trips/", body, format="json")
    assert response.status_code == 201
    LocmemTransport.outbox.clear()
    return response.json()["id"]


def test_overdue_after_the_grace_period(app, trip_id, django_capture_on_commit_callbacks):
    with time_machine.travel(DUE + timedelta(minutes=9, seconds=59), tick=False):
        assert mark_overdue_trips() == 0
    assert Trip.objects.get(pk=trip_id).status == TripStatus.ACTIVE
    with time_machine.travel(DUE + timedelta(minutes=10, seconds=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert mark_overdue_trips() == 1
    trip = Trip.objects.get(pk=trip_id)
    assert trip.status == TripStatus.OVERDUE and trip.overdue_at is not None
    alert = Alert.objects.get(trip=trip)
    assert (alert.kind, alert.trigger) == (AlertKind.OVERDUE_TRIP, AlertTrigger.TIMER)
    assert alert.center.code == "41270"  # the center of the trip's last location
    assert alert.location is not None
    [sms] = LocmemTransport.outbox
    assert "21:30" in sms["body"] and "도착하지 않아" in sms["body"] and "/t/" in sms["body"]
    assert SmsMessage.objects.filter(purpose="trip_overdue").count() == 1


def test_the_task_is_idempotent(trip_id):
    with time_machine.travel(DUE + timedelta(minutes=20), tick=False):
        assert mark_overdue_trips() == 1
        assert mark_overdue_trips() == 0
    with time_machine.travel(DUE + timedelta(hours=2), tick=False):
        assert mark_overdue_trips() == 0
    assert Alert.objects.filter(kind=AlertKind.OVERDUE_TRIP).count() == 1
    assert SmsMessage.objects.filter(purpose="trip_overdue").count() == 1


@override_settings(TRIP_OVERDUE_GRACE_MINUTES=0)
def test_the_grace_period_is_a_setting(trip_id):
    with time_machine.travel(DUE + timedelta(seconds=1), tick=False):
        assert mark_overdue_trips() == 1


def test_arrived_and_ended_trips_are_left_alone(app, trip_id):
    app.client.post(f"/api/v1/trips/{trip_id}/arrive")
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        assert mark_overdue_trips() == 0
    assert not Alert.objects.exists()


def test_an_overdue_trip_keeps_reporting_and_can_still_arrive(app, trip_id):
    with time_machine.travel(DUE + timedelta(minutes=15), tick=False):
        mark_overdue_trips()
        moved = app.client.post(f"/api/v1/trips/{trip_id}/locations/",
                                {"locations": [loc((37.32, 126.89))]}, format="json")
        assert moved.status_code == 202
        alert = Alert.objects.get(trip_id=trip_id)
        assert alert.location.y == pytest.approx(37.32)  # the overdue alert follows the walker
        arrived = app.client.post(f"/api/v1/trips/{trip_id}/arrive")
    assert arrived.status_code == 200 and arrived.json()["status"] == "arrived"
    assert alert.events.filter(kind="trip_arrived").exists()
    # The app's list shows the overdue alert like any other of the user's alerts.
    assert [row["id"] for row in app.client.get("/api/v1/alerts/").json()] == [alert.pk]
