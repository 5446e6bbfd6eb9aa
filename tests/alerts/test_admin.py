"""The read-mostly admin of alerts (with their timeline) and trips renders for staff."""

from __future__ import annotations

import pytest

from alerts.models import Alert, Trip
from operators.models import User
from tests.fixtures.alerts import loc, raise_sos, start_trip

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    return client


def test_alert_and_trip_pages_render_read_only(admin_client, app, centers):
    alert_id = raise_sos(app=app, through_api=True).pk
    into_ansan = {"locations": [loc((37.3, 126.87))]}
    app.client.post(f"/api/v1/alerts/{alert_id}/locations/", into_ansan, format="json")
    trip_id = start_trip(app).json()["id"]
    assert admin_client.get("/admin/alerts/alert/").status_code == 200
    page = admin_client.get(f"/admin/alerts/alert/{alert_id}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "위치 이동으로 이관" in html and "안산시" in html  # the timeline inline, centers by name
    assert admin_client.get("/admin/alerts/trip/").status_code == 200
    assert admin_client.get(f"/admin/alerts/trip/{trip_id}/change/").status_code == 200
    assert admin_client.get("/admin/alerts/alert/add/").status_code == 403
    assert admin_client.post(f"/admin/alerts/alert/{alert_id}/delete/").status_code == 403
    assert Alert.objects.filter(pk=alert_id).exists() and Trip.objects.filter(pk=trip_id).exists()
