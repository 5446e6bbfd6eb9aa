"""What the fuzz tests found, pinned as plain examples (the generated cases that found them are
not guaranteed to come up again)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from alerts.dispatch.signing import signed_headers
from alerts.models import Alert, Escalation
from tests.fixtures.citizens import make_app_user
from tests.hwaseong_safety.fuzz_world import DISPATCH_SECRET, World, build_world

pytestmark = pytest.mark.django_db

LONG_AGO = ["0254-03-29T20:58:20-04:43", "1900-01-01T00:00:00Z", "2000-01-01T00:00:00+09:00"]


@pytest.fixture
def world(settings) -> World:
    settings.DISPATCH_POLICE_SECRET = DISPATCH_SECRET
    return build_world()


def _fix(recorded_at: str) -> dict:
    return {"latitude": 37.17, "longitude": 126.87, "recorded_at": recorded_at}


@pytest.mark.parametrize("recorded_at", LONG_AGO)
def test_a_fix_from_long_ago_is_refused_by_a_trip(recorded_at: str) -> None:
    """It was stored, and came back as last_location_at "0254-03-30T10:09:12+08:27:52" (Seoul's
    local mean time before 1908), which is no RFC 3339 date-time."""
    app = make_app_user()
    response = app.client.post("/api/v1/trips/", {
        "location": _fix(recorded_at), "destination": {"latitude": 37.2, "longitude": 126.83},
        "expected_arrival": (timezone.now() + timedelta(hours=1)).isoformat()}, format="json")
    assert response.status_code == 400
    assert "recorded_at" in response.json()["location"]


@pytest.mark.parametrize("recorded_at", LONG_AGO)
def test_an_sos_with_a_fix_from_long_ago_keeps_the_point_timed_now(recorded_at: str) -> None:
    """A phone clock that far off says nothing about where the phone is: the point is kept."""
    app = make_app_user()
    body = {"client_id": str(uuid.uuid4()), "location": _fix(recorded_at)}
    response = app.client.post("/api/v1/alerts/", body, format="json")
    assert response.status_code == 201
    alert = Alert.objects.get()
    assert alert.location is not None
    assert timezone.now() - alert.location_recorded_at < timedelta(minutes=1)


def test_a_fix_of_a_day_ago_less_a_minute_is_still_accepted() -> None:
    app = make_app_user()
    recorded = timezone.now() - timedelta(hours=23, minutes=59)
    response = app.client.post("/api/v1/alerts/", {"client_id": str(uuid.uuid4()),
                                                   "location": _fix(recorded.isoformat())}, format="json")
    assert response.status_code == 201
    assert Alert.objects.get().location_recorded_at == recorded


def _callback(world: World, at: str) -> tuple[int, dict]:
    raw = json.dumps({"alert_id": world.escalated.pk, "agency": "police", "status": "received",
                      "at": at}).encode()
    headers = signed_headers(DISPATCH_SECRET, raw, agency="police")
    response = Client().post("/api/v1/dispatch/callback", raw, content_type=headers.pop("Content-Type"),
                             headers=headers)
    return response.status_code, response.json()


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+00:00", "1900-01-01T00:00:00Z"])
def test_a_dispatch_status_from_long_ago_is_refused_and_changes_nothing(world: World, at: str) -> None:
    """It was stored, and the console showed status_at "0001-01-01T08:27:52+08:27:52"."""
    status, body = _callback(world, at)
    assert status == 400 and "at" in body
    assert Escalation.objects.get(alert=world.escalated, agency="police").status_at is None


def test_a_dispatch_status_ahead_of_the_signature_window_is_refused(world: World) -> None:
    status, body = _callback(world, (timezone.now() + timedelta(hours=1)).isoformat())
    assert status == 400 and "at" in body


def test_a_recent_dispatch_status_is_applied_with_its_time(world: World) -> None:
    at = timezone.now() - timedelta(minutes=3)
    status, body = _callback(world, at.isoformat())
    assert (status, body["status"], body["changed"]) == (200, "received", True)
    assert Escalation.objects.get(alert=world.escalated, agency="police").status_at == at


def test_a_cancel_with_a_pin_that_is_not_a_string_is_a_documented_400(client) -> None:
    app = make_app_user()
    created = app.client.post("/api/v1/alerts/", {"client_id": str(uuid.uuid4())}, format="json")
    alert_id = created.json()["id"]
    response = app.client.post(f"/api/v1/alerts/{alert_id}/cancel", {"pin": True}, format="json")
    assert response.status_code == 400 and "pin" in response.json()
    schema = client.get("/api/schema/?format=json").json()
    assert "400" in schema["paths"]["/api/v1/alerts/{id}/cancel"]["post"]["responses"]
