"""POST /api/v1/alerts/{id}/locations/: the alert moves, and follows the citizen across a border."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertLocation, AlertStatus
from tests.factories import make_center
from tests.fixtures.alerts import loc, raise_sos
from tests.fixtures.centers import (
    BORDER_HWASEONG,
    HWASEONG_BBOX,
    INSIDE_ANSAN,
    INSIDE_HWASEONG,
    SEA_WEST,
    point,
)

pytestmark = pytest.mark.django_db


def report(user, alert_id: int, locations: list):
    return user.client.post(f"/api/v1/alerts/{alert_id}/locations/", {"locations": locations}, format="json")


def at(minutes_ago: float) -> str:
    return (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()


def test_the_newest_by_recorded_at_wins_not_the_last_in_the_array(app, centers):
    alert_id = raise_sos(app=app, through_api=True).pk
    newest = (37.20, 126.90)
    older = (37.19, 126.89)
    response = report(app, alert_id, [loc(newest, recorded_at=at(0.1)), loc(older, recorded_at=at(0.5))])
    assert response.status_code == 202 and response.json() == {"accepted": 2}
    alert = Alert.objects.get(pk=alert_id)
    assert alert.location.equals_exact(point(newest), 1e-9)
    assert alert.locations.count() == 3
    app.citizen.refresh_from_db()
    assert app.citizen.last_location.equals_exact(point(newest), 1e-9)


def test_a_late_batch_adds_to_the_trail_but_does_not_move_the_alert(app, centers):
    alert_id = raise_sos(app=app, through_api=True).pk
    report(app, alert_id, [loc((37.20, 126.90), recorded_at=at(0))])
    report(app, alert_id, [loc((37.21, 126.91), recorded_at=at(3))])
    alert = Alert.objects.get(pk=alert_id)
    assert alert.location.y == pytest.approx(37.20) and alert.locations.count() == 3


def test_crossing_into_another_city_transfers_the_alert(app, centers, django_capture_on_commit_callbacks):
    alert_id = raise_sos(app=app, through_api=True).pk
    report(app, alert_id, [loc(BORDER_HWASEONG)])
    assert [c.code for c in Alert.objects.get(pk=alert_id).border_centers.all()] == ["41270"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report(app, alert_id, [loc(INSIDE_ANSAN)])
    assert len(callbacks) == 1  # one publication, to both the old and the new center
    alert = Alert.objects.get(pk=alert_id)
    assert alert.center.code == "41270"
    assert list(alert.border_centers.all()) == []  # recomputed: far from 화성 now
    transfer = alert.events.get(kind="transferred")
    assert transfer.data == {"from": "41590", "to": "41270", "out_of_area": False}
    assert app.client.get(f"/api/v1/alerts/{alert_id}/").json()["center"]["code"] == "41270"


def test_walking_out_to_sea_stays_with_the_nearest_center_flagged(app, centers):
    alert_id = raise_sos(app=app, through_api=True).pk
    report(app, alert_id, [loc(SEA_WEST)])
    alert = Alert.objects.get(pk=alert_id)
    assert alert.center.code == "41590" and alert.out_of_area
    assert not alert.events.filter(kind="transferred").exists()


def test_an_alert_without_a_center_is_routed_when_a_location_comes(app, db):
    response = app.client.post("/api/v1/alerts/", {"client_id": "0b0c3d5e-5a3e-4d0a-9d7e-3f1e2b3c4d5e"},
                               format="json")
    alert_id = response.json()["id"]
    make_center("41590", HWASEONG_BBOX)  # the centers are loaded only now
    report(app, alert_id, [loc(INSIDE_HWASEONG)])
    alert = Alert.objects.get(pk=alert_id)
    assert alert.center.code == "41590"
    assert alert.events.get(kind="routed").data == {"to": "41590"}


def test_a_closed_alert_takes_no_locations(app, centers):
    alert_id = raise_sos(app=app, through_api=True).pk
    Alert.objects.filter(pk=alert_id).update(status=AlertStatus.CLOSED)
    assert report(app, alert_id, [loc(INSIDE_ANSAN)]).status_code == 202
    alert = Alert.objects.get(pk=alert_id)
    assert alert.center.code == "41590" and alert.locations.count() == 1


@pytest.mark.parametrize("locations, field", [
    ([{"latitude": "NaN", "longitude": 126.87}], "latitude"),
    ([{"latitude": 37.2, "longitude": "Infinity"}], "longitude"),
    ([{"latitude": 95, "longitude": 126.87}], "latitude"),
    ([{"latitude": 37.2, "longitude": -181}], "longitude"),
    ([{"latitude": 37.2, "longitude": 126.87, "accuracy": -1}], "accuracy"),
    ([{"latitude": 37.2, "longitude": 126.87, "source": "psychic"}], "source"),
    ([{"latitude": 37.2, "longitude": 126.87, "recorded_at": "yesterday"}], "recorded_at"),
    ([{"latitude": 37.2, "longitude": 126.87,
       "recorded_at": (timezone.now() + timedelta(days=1)).isoformat()}], "recorded_at"),
    ([{"latitude": True, "longitude": 126.87}], "latitude"),
])
def test_a_bad_location_is_400_naming_the_field_and_stores_nothing(app, centers, locations, field):
    alert_id = raise_sos(app=app, through_api=True).pk
    good = loc(INSIDE_ANSAN)
    response = report(app, alert_id, [good, *locations])
    assert response.status_code == 400
    # DRF names the bad item by its index: {"locations": {"1": {"latitude": [...]}}}.
    assert list(response.json()["locations"]) == ["1"]
    assert list(response.json()["locations"]["1"]) == [field]
    alert = Alert.objects.get(pk=alert_id)
    assert alert.locations.count() == 1 and alert.center.code == "41590"


@pytest.mark.parametrize("count", [0, 101])
def test_a_batch_is_1_to_100_locations(app, centers, count):
    alert_id = raise_sos(app=app, through_api=True).pk
    response = report(app, alert_id, [loc(INSIDE_HWASEONG)] * count)
    assert response.status_code == 400 and "locations" in response.json()
    assert AlertLocation.objects.count() == 1


def test_a_raw_nan_in_the_json_is_a_400(app, centers):
    alert_id = raise_sos(app=app, through_api=True).pk
    raw = json.dumps({"locations": [{"latitude": float("nan"), "longitude": 126.87}]})
    response = app.client.post(f"/api/v1/alerts/{alert_id}/locations/", raw, content_type="application/json")
    assert response.status_code == 400
    assert AlertLocation.objects.count() == 1


def test_100_locations_are_fine(app, centers):
    alert_id = raise_sos(app=app, through_api=True).pk
    batch = [loc(INSIDE_HWASEONG, recorded_at=at(i / 60)) for i in range(100)]
    assert report(app, alert_id, batch).status_code == 202
    assert AlertLocation.objects.count() == 101
