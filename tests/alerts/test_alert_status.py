"""GET /api/v1/alerts/ and /api/v1/alerts/{id}/: own alerts only, the app's coarse statuses."""

from __future__ import annotations

import pytest

from alerts.models import Alert, AlertStatus
from tests.fixtures.alerts import loc, raise_sos
from tests.fixtures.centers import INSIDE_HWASEONG

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("internal, shown, label", [
    (AlertStatus.RECEIVED, "received", "접수"),
    (AlertStatus.CLAIMED, "in_progress", "처리 중"),
    (AlertStatus.ACKNOWLEDGED, "in_progress", "처리 중"),
    (AlertStatus.DISPATCHED, "dispatched", "출동"),
    (AlertStatus.CLOSED, "closed", "종결"),
    (AlertStatus.CANCELLED, "cancelled", "취소"),
])
def test_internal_statuses_map_to_the_apps_five(app, centers, internal, shown, label):
    alert_id = raise_sos(app=app, through_api=True).pk
    Alert.objects.filter(pk=alert_id).update(status=internal)
    body = app.client.get(f"/api/v1/alerts/{alert_id}/").json()
    assert set(body) == {"id", "status", "status_label", "center", "created_at", "updated_at"}
    assert (body["status"], body["status_label"]) == (shown, label)
    assert body["center"] == {"code": "41590", "name": "화성시"}
    assert body["updated_at"].endswith("+09:00")


@pytest.mark.parametrize("internal", list(AlertStatus))
def test_a_duress_alert_always_shows_cancelled(app, centers, internal):
    alert_id = raise_sos(app=app, through_api=True).pk
    Alert.objects.filter(pk=alert_id).update(status=internal, is_duress=True)
    body = app.client.get(f"/api/v1/alerts/{alert_id}/").json()
    assert (body["status"], body["status_label"]) == ("cancelled", "취소")
    [listed] = app.client.get("/api/v1/alerts/").json()
    assert listed == body


def test_the_list_is_own_alerts_newest_first(app, other, centers):
    mine = [raise_sos(app=app, through_api=True).pk for _ in range(3)]
    raise_sos(app=other, through_api=True)
    response = app.client.get("/api/v1/alerts/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == mine[::-1]


def test_someone_elses_alert_is_404_everywhere(app, other, centers):
    theirs = raise_sos(app=other, through_api=True).pk
    assert app.client.get(f"/api/v1/alerts/{theirs}/").status_code == 404
    locations = {"locations": [loc(INSIDE_HWASEONG)]}
    assert app.client.post(f"/api/v1/alerts/{theirs}/locations/", locations, format="json").status_code == 404
    assert app.client.post(f"/api/v1/alerts/{theirs}/cancel", {}, format="json").status_code == 404
    assert app.client.get("/api/v1/alerts/999999/").status_code == 404
    alert = Alert.objects.get(pk=theirs)
    assert alert.status == AlertStatus.RECEIVED and alert.locations.count() == 1
