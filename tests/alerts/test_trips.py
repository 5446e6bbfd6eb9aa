"""Safe-return trips: start (one active per user), positions, arrival, guardians told."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.models import Trip, TripLocation, TripStatus
from sms.models import SmsMessage
from sms.transports import LocmemTransport
from tests.fixtures.alerts import HOME, TRIPS_URL, loc, start_trip
from tests.fixtures.centers import INSIDE_ANSAN, INSIDE_HWASEONG, point
from tests.fixtures.citizens import make_app_user


def at(minutes_ago: float) -> str:
    return (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()


@pytest.mark.django_db
def test_starting_a_trip(app, centers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = start_trip(app)
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "status", "destination", "destination_name", "expected_arrival", "started_at",
                         "arrived_at", "last_location"}
    assert body["status"] == "active" and body["arrived_at"] is None
    assert body["destination"] == {"latitude": HOME[0], "longitude": HOME[1]}
    assert body["last_location"] == {"latitude": INSIDE_HWASEONG[0], "longitude": INSIDE_HWASEONG[1]}
    assert body["expected_arrival"].endswith("+09:00") and body["destination_name"] == "집"
    assert TripLocation.objects.filter(trip_id=body["id"]).count() == 1
    [sms] = LocmemTransport.outbox
    assert "김화성" in sms["body"] and "귀가" in sms["body"] and "/t/" in sms["body"]
    assert SmsMessage.objects.get().purpose == "trip_started"


@pytest.mark.django_db
def test_a_new_trip_ends_the_active_one(app, centers):
    first = start_trip(app).json()
    second = start_trip(app).json()
    assert Trip.objects.get(pk=first["id"]).status == TripStatus.ENDED
    assert Trip.objects.get(pk=first["id"]).ended_at is not None
    assert Trip.objects.get(pk=second["id"]).status == TripStatus.ACTIVE
    assert app.client.get(f"{TRIPS_URL}{first['id']}/").json()["status"] == "ended"


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_leave_exactly_one_active_trip(centers):
    user = make_app_user()
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def go() -> None:
        try:
            barrier.wait()
            codes.append(start_trip(user).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [201] * 4
    assert Trip.objects.filter(citizen=user.citizen, status=TripStatus.ACTIVE).count() == 1
    assert Trip.objects.filter(citizen=user.citizen, status=TripStatus.ENDED).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("fields, field", [
    ({"expected_arrival": "2020-01-01T00:00:00+09:00"}, "expected_arrival"),
    ({"expected_arrival": (timezone.now() + timedelta(hours=13)).isoformat()}, "expected_arrival"),
    ({"destination": {"latitude": 37.2}}, "destination"),
    ({"location": {"latitude": "NaN", "longitude": 126.87}}, "location"),
    ({"location": None}, "location"),
    ({"destination_name": "가" * 101}, "destination_name"),
])
def test_bad_trip_input_is_400_naming_the_field(app, centers, fields, field):
    response = start_trip(app, **fields)
    assert response.status_code == 400 and field in response.json()
    assert not Trip.objects.exists() and not SmsMessage.objects.exists()


@pytest.mark.django_db
def test_trip_locations_newest_by_recorded_at(app, centers):
    trip_id = start_trip(app, location=loc(INSIDE_HWASEONG, recorded_at=at(5))).json()["id"]
    newest = (37.205, 126.905)
    response = app.client.post(f"{TRIPS_URL}{trip_id}/locations/", {"locations": [
        loc(newest, recorded_at=at(1)), loc((37.2, 126.9), recorded_at=at(2))]}, format="json")
    assert response.status_code == 202 and response.json() == {"accepted": 2}
    trip = Trip.objects.get(pk=trip_id)
    assert trip.last_location.equals_exact(point(newest), 1e-9)
    assert trip.locations.count() == 3
    app.citizen.refresh_from_db()
    assert app.citizen.last_location.equals_exact(point(newest), 1e-9)
    assert app.client.get(f"{TRIPS_URL}{trip_id}/").json()["last_location"] == {"latitude": newest[0],
                                                                           "longitude": newest[1]}


def test_every_field_of_a_fix_is_stored_and_a_late_batch_moves_nothing(app, centers):
    """The one-statement ingest (alerts/ingest.py) keeps what the ORM kept: accuracy (or none),
    source, both times; the last location moves only for a newer fix."""
    trip_id = start_trip(app, location=loc(INSIDE_HWASEONG, recorded_at=at(5))).json()["id"]
    before = timezone.now()
    body = {"locations": [loc((37.21, 126.91), recorded_at=at(1), accuracy=7.5, source="wifi"),
                          loc((37.22, 126.92), recorded_at=at(3))]}
    assert app.client.post(f"{TRIPS_URL}{trip_id}/locations/", body, format="json").status_code == 202
    stored = {round(f.location.y, 2): f for f in TripLocation.objects.filter(trip_id=trip_id)}
    assert (stored[37.21].accuracy, stored[37.21].source) == (7.5, "wifi")
    assert (stored[37.22].accuracy, stored[37.22].source) == (None, "unknown")
    assert stored[37.21].recorded_at < stored[37.21].received_at and stored[37.21].received_at >= before
    late = {"locations": [loc((37.23, 126.93), recorded_at=at(2))]}  # older than the last one
    assert app.client.post(f"{TRIPS_URL}{trip_id}/locations/", late, format="json").status_code == 202
    trip = Trip.objects.get(pk=trip_id)
    assert trip.locations.count() == 4  # kept in the trail...
    assert trip.last_location.equals_exact(point((37.21, 126.91)), 1e-9)  # ...but not the position
    app.citizen.refresh_from_db()
    assert app.citizen.last_location.equals_exact(point((37.21, 126.91)), 1e-9)


@pytest.mark.django_db
@pytest.mark.parametrize("locations", [
    [{"latitude": "NaN", "longitude": 126.87}],
    [loc(HOME, recorded_at=(timezone.now() + timedelta(days=1)).isoformat())],
    [loc(INSIDE_ANSAN)] * 101,
])
def test_bad_trip_locations_store_nothing(app, centers, locations):
    trip_id = start_trip(app).json()["id"]
    response = app.client.post(f"{TRIPS_URL}{trip_id}/locations/", {"locations": locations}, format="json")
    assert response.status_code == 400 and "locations" in response.json()
    assert TripLocation.objects.count() == 1


@pytest.mark.django_db
def test_arriving(app, centers, django_capture_on_commit_callbacks):
    trip_id = start_trip(app).json()["id"]
    LocmemTransport.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = app.client.post(f"{TRIPS_URL}{trip_id}/arrive")
    assert response.status_code == 200
    assert response.json()["status"] == "arrived" and response.json()["arrived_at"]
    [sms] = LocmemTransport.outbox
    assert "도착" in sms["body"] and "집" in sms["body"]
    again = app.client.post(f"{TRIPS_URL}{trip_id}/arrive")
    assert again.status_code == 200 and again.json() == response.json()
    assert SmsMessage.objects.filter(purpose="trip_arrived").count() == 1
    late = app.client.post(f"{TRIPS_URL}{trip_id}/locations/", {"locations": [loc(HOME)]}, format="json")
    assert late.status_code == 409


@pytest.mark.django_db
def test_an_ended_trip_cannot_arrive(app, centers):
    first = start_trip(app).json()["id"]
    start_trip(app)
    assert app.client.post(f"{TRIPS_URL}{first}/arrive").status_code == 409


@pytest.mark.django_db
def test_someone_elses_trip_is_404(app, other, centers):
    theirs = start_trip(other).json()["id"]
    assert app.client.get(f"{TRIPS_URL}{theirs}/").status_code == 404
    assert app.client.post(f"{TRIPS_URL}{theirs}/arrive").status_code == 404
    response = app.client.post(f"{TRIPS_URL}{theirs}/locations/", {"locations": [loc(HOME)]}, format="json")
    assert response.status_code == 404
    trip = Trip.objects.get(pk=theirs)
    assert trip.status == TripStatus.ACTIVE and trip.locations.count() == 1


@pytest.mark.django_db
def test_a_position_report_makes_few_round_trips_and_keeps_others_out(app, other, centers):
    """Location ingest is the hot path (every phone on a trip, every few seconds): the token, then
    one statement (lock with ownership, trail INSERT, trip and citizen UPDATEs); no alert query for
    an active trip."""
    trip_id = start_trip(app).json()["id"]
    body = {"locations": [loc(INSIDE_HWASEONG, recorded_at=at(0))]}
    with CaptureQueriesContext(connection) as queries:
        assert app.client.post(f"{TRIPS_URL}{trip_id}/locations/", body, format="json").status_code == 202
    # The test's own transaction turns BEGIN/COMMIT into savepoints: those are not counted.
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2, statements
    assert not any("alerts_alert" in sql for sql in statements)
    # Someone else's trip: 404 (not 403: ids don't leak), and nothing stored on it.
    before = TripLocation.objects.filter(trip_id=trip_id).count()
    assert other.client.post(f"{TRIPS_URL}{trip_id}/locations/", body, format="json").status_code == 404
    assert other.client.post(f"{TRIPS_URL}999999/locations/", body, format="json").status_code == 404
    assert TripLocation.objects.filter(trip_id=trip_id).count() == before


def test_a_first_trip_makes_the_city_the_citizens_home_center(app, centers, settings):
    settings.HOST_CENTER_CODE = "41590"
    app.citizen.home_center = centers["hwaseong"]
    app.citizen.save()
    assert start_trip(app, location=loc(INSIDE_ANSAN)).status_code == 201
    app.citizen.refresh_from_db()
    assert app.citizen.home_center == centers["ansan"]
