"""The agencies' signed status callbacks: accepted only with a good signature and a fresh
timestamp; recorded on the escalation, the alert's timeline, the console and the app."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from alerts.models import AlertEvent, AlertStatus, Escalation
from tests.fixtures.alerts import raise_sos
from tests.fixtures.citizens import make_app_user
from tests.fixtures.dispatch import SECRETS, post_callback

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def acknowledged(fake, staff):
    """An acknowledged alert with a police escalation row (made directly, so that the callback is
    what turns the app to "dispatched")."""
    app = make_app_user()
    alert = raise_sos(app=app)
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.save()
    escalation = Escalation.objects.create(alert=alert, agency="police", reason="위협",
                                           requested_by=staff.hwaseong)
    return app, alert, escalation


def body(alert_id: int, status: str = "received", **extra: object) -> dict:
    return {"alert_id": alert_id, "agency": "police", "status": status, **extra}


def unchanged(alert, escalation) -> bool:
    row = Escalation.objects.get(pk=escalation.pk)
    alert.refresh_from_db()
    return (row.status, row.delivery_status, alert.status) == ("requested", "pending", "acknowledged") and \
        not AlertEvent.objects.filter(alert=alert, kind="dispatch_status").exists()


def test_a_signed_callback_is_recorded_everywhere(acknowledged, published):
    app, alert, escalation = acknowledged
    assert app.client.get(f"/api/v1/alerts/{alert.pk}/").json()["status"] == "in_progress"
    # An hour ago in Korean time: callbacks older than a week are refused, so no fixed date here.
    at = (timezone.now() - timedelta(hours=1)).replace(microsecond=0).astimezone(SEOUL)
    response = post_callback(body(alert.pk, "dispatched", reference="112-2026-0001", note="순찰차 2대",
                                  at=at.isoformat()))
    assert response.status_code == 200
    assert response.json() == {"alert_id": alert.pk, "escalation_id": escalation.pk, "agency": "police",
                               "status": "dispatched", "changed": True}
    row = Escalation.objects.get(pk=escalation.pk)
    assert (row.status, row.delivery_status, row.external_reference) == ("dispatched", "delivered",
                                                                         "112-2026-0001")
    assert row.status_at == at and str(row.status_at.tzinfo) == "UTC"
    event = AlertEvent.objects.get(alert=alert, kind="dispatch_status")
    assert event.data == {"escalation_id": escalation.pk, "agency": "police", "status": "dispatched",
                          "reference": "112-2026-0001", "note": "순찰차 2대",
                          "at": at.isoformat()}
    assert published == [(alert.pk, "dispatch_status", event.pk)]
    assert app.client.get(f"/api/v1/alerts/{alert.pk}/").json()["status"] == "dispatched"


def test_repeated_and_older_callbacks_change_nothing(acknowledged, published):
    _app, alert, escalation = acknowledged
    assert post_callback(body(alert.pk, "on_scene")).json()["changed"] is True
    for status in ("on_scene", "received", "dispatched"):
        response = post_callback(body(alert.pk, status))
        assert response.status_code == 200
        assert (response.json()["changed"], response.json()["status"]) == (False, "on_scene")
    assert AlertEvent.objects.filter(alert=alert, kind="dispatch_status").count() == 1
    assert len(published) == 1


def test_a_tampered_body_is_refused_and_changes_nothing(acknowledged):
    _app, alert, escalation = acknowledged
    signed = json.dumps(body(alert.pk, "received")).encode()
    tampered = json.dumps(body(alert.pk, "on_scene")).encode()
    response = post_callback(signed, tamper=tampered)
    assert response.status_code == 403 and response.json()["detail"] == "Invalid signature."
    assert unchanged(alert, escalation)


def test_a_wrong_secret_is_refused(acknowledged):
    _app, alert, escalation = acknowledged
    assert post_callback(body(alert.pk), secret="guessed").status_code == 403
    assert post_callback(body(alert.pk), secret=SECRETS["fire"]).status_code == 403  # another agency's
    assert unchanged(alert, escalation)


def test_a_stale_or_future_timestamp_is_refused(acknowledged):
    _app, alert, escalation = acknowledged
    now = int(time.time())
    stale = post_callback(body(alert.pk), timestamp=now - 301)
    assert stale.status_code == 403 and stale.json()["detail"] == "Stale timestamp."
    assert post_callback(body(alert.pk), timestamp=now + 600).status_code == 403
    assert unchanged(alert, escalation)


def test_missing_headers_unknown_agency_and_agency_mismatch_are_refused(acknowledged, client):
    _app, alert, escalation = acknowledged
    assert client.post("/api/v1/dispatch/callback", body(alert.pk), content_type="application/json"
                       ).status_code == 403
    assert post_callback({**body(alert.pk), "agency": "army"}, agency="army", secret="x").status_code == 403
    # Signed with the police secret, but claiming to be the fire service.
    assert post_callback({**body(alert.pk), "agency": "fire"}, agency="police").status_code == 403
    assert unchanged(alert, escalation)


def test_a_signed_but_invalid_body_is_400_and_an_unknown_alert_404(acknowledged):
    _app, alert, escalation = acknowledged
    assert post_callback(body(alert.pk, "teleported")).status_code == 400
    assert post_callback(body(alert.pk + 999)).status_code == 404
    assert post_callback({**body(alert.pk), "agency": "fire"}, agency="fire").status_code == 404  # no fire
    assert unchanged(alert, escalation)


def test_the_idempotency_key_picks_the_escalation(acknowledged, staff):
    _app, alert, first = acknowledged
    second = Escalation.objects.create(alert=alert, agency="police", reason="재요청",
                                       requested_by=staff.hwaseong)
    post_callback(body(alert.pk, idempotency_key=f"esc-{first.pk}"))
    assert Escalation.objects.get(pk=first.pk).status == "received"
    assert Escalation.objects.get(pk=second.pk).status == "requested"
    assert post_callback(body(alert.pk, idempotency_key="esc-999999")).status_code == 404


def test_a_callback_proves_a_failed_delivery_arrived(acknowledged):
    _app, alert, escalation = acknowledged
    Escalation.objects.filter(pk=escalation.pk).update(delivery_status="failed", last_error="timeout")
    assert post_callback(body(alert.pk)).status_code == 200
    row = Escalation.objects.get(pk=escalation.pk)
    assert (row.delivery_status, row.last_error) == ("delivered", "")


def test_a_closed_alert_is_not_reopened_by_a_callback(acknowledged):
    app, alert, _escalation = acknowledged
    alert.status = AlertStatus.CLOSED
    alert.save()
    assert post_callback(body(alert.pk, "on_scene")).json()["changed"] is True
    assert app.client.get(f"/api/v1/alerts/{alert.pk}/").json()["status"] == "closed"


def test_the_callback_is_in_the_openapi_document(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/dispatch/callback"]["post"]
    assert {p["name"] for p in operation["parameters"]} >= {"X-Hwaseong-Signature", "X-Hwaseong-Timestamp"}
