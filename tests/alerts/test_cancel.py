"""POST /api/v1/alerts/{id}/cancel: cancel PIN, duress PIN (looks exactly like a cancel), wrong PIN."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from alerts.models import Alert, AlertStatus
from tests.factories import make_staff
from tests.fixtures.alerts import cancel, loc, raise_sos

pytestmark = pytest.mark.django_db


def test_the_cancel_pin_cancels(pins, centers, django_capture_on_commit_callbacks):
    alert_id = raise_sos(app=pins, through_api=True).pk
    with django_capture_on_commit_callbacks(execute=True):
        response = cancel(pins, alert_id, "1234")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["status_label"]) == ("cancelled", "취소")
    alert = Alert.objects.get(pk=alert_id)
    assert alert.status == AlertStatus.CANCELLED and not alert.is_duress and alert.cancelled_at
    assert list(alert.events.values_list("kind", flat=True)) == ["created", "cancelled"]


def test_a_wrong_pin_is_403_and_changes_nothing(pins, centers):
    alert_id = raise_sos(app=pins, through_api=True).pk
    before = Alert.objects.get(pk=alert_id)
    for pin in ("0000", "", None):
        response = cancel(pins, alert_id, pin)
        assert response.status_code == 403
        assert set(response.json()) == {"detail"}
    after = Alert.objects.get(pk=alert_id)
    assert (after.status, after.is_duress, after.cancelled_at, after.updated_at) == (
        before.status, before.is_duress, before.cancelled_at, before.updated_at)
    assert after.events.count() == 1


def test_without_a_cancel_pin_the_user_cancels_without_one(app, centers):
    alert_id = raise_sos(app=app, through_api=True).pk
    response = cancel(app, alert_id)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Alert.objects.get(pk=alert_id).status == AlertStatus.CANCELLED


def test_duress_answers_byte_for_byte_like_a_real_cancel(pins, centers):
    alert_id = raise_sos(app=pins, through_api=True).pk
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        with transaction.atomic():  # the real cancel, then rolled back: an alternative history
            real = cancel(pins, alert_id, "1234")
            assert Alert.objects.get(pk=alert_id).status == AlertStatus.CANCELLED
            transaction.set_rollback(True)
        duress = cancel(pins, alert_id, "9876")
    assert (real.status_code, duress.status_code) == (200, 200)
    assert duress.content == real.content
    assert dict(duress.headers) == dict(real.headers)
    alert = Alert.objects.get(pk=alert_id)
    assert alert.is_duress and alert.status == AlertStatus.RECEIVED  # still open for the center
    assert list(alert.events.values_list("kind", flat=True)) == ["created", "duress"]


def test_a_duress_alert_stays_cancelled_for_the_app_while_the_center_works_it(pins, centers):
    alert_id = raise_sos(app=pins, through_api=True).pk
    cancelled = cancel(pins, alert_id, "9876").json()
    staff = make_staff("op", center=Alert.objects.get(pk=alert_id).center)
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        Alert.objects.filter(pk=alert_id).update(status=AlertStatus.DISPATCHED, claimed_by=staff,
                                                 updated_at=timezone.now())
        assert pins.client.get(f"/api/v1/alerts/{alert_id}/").json() == cancelled
        # The center keeps following the phone; the app is answered as for any cancelled alert.
        moved = pins.client.post(f"/api/v1/alerts/{alert_id}/locations/",
                                 {"locations": [loc((37.18, 126.88))]}, format="json")
        assert moved.status_code == 202
        assert Alert.objects.get(pk=alert_id).location.y == pytest.approx(37.18)
        # Cancelling again, even with the real PIN, changes nothing and answers the same.
        assert cancel(pins, alert_id, "1234").json() == cancelled
    assert Alert.objects.get(pk=alert_id).is_duress


def test_cancelling_twice_is_idempotent(pins, centers):
    alert_id = raise_sos(app=pins, through_api=True).pk
    first = cancel(pins, alert_id, "1234")
    second = cancel(pins, alert_id, "1234")
    assert second.status_code == 200 and second.json() == first.json()
    assert Alert.objects.get(pk=alert_id).events.filter(kind="cancelled").count() == 1


def test_the_duress_pin_after_a_real_cancel_reopens_it_as_duress(pins, centers):
    alert_id = raise_sos(app=pins, through_api=True).pk
    first = cancel(pins, alert_id, "1234").json()
    assert cancel(pins, alert_id, "9876").json() == first
    alert = Alert.objects.get(pk=alert_id)
    assert alert.is_duress and alert.status == AlertStatus.RECEIVED


def test_a_closed_alert_is_409(pins, centers):
    alert_id = raise_sos(app=pins, through_api=True).pk
    Alert.objects.filter(pk=alert_id).update(status=AlertStatus.CLOSED, closed_at=timezone.now())
    response = cancel(pins, alert_id, "1234")
    assert response.status_code == 409
    assert Alert.objects.get(pk=alert_id).status == AlertStatus.CLOSED


def test_locations_for_a_really_cancelled_alert_are_accepted_and_dropped(pins, centers):
    alert_id = raise_sos(app=pins, through_api=True).pk
    cancel(pins, alert_id, "1234")
    response = pins.client.post(f"/api/v1/alerts/{alert_id}/locations/",
                                {"locations": [loc((37.18, 126.88))]}, format="json")
    assert response.status_code == 202
    assert Alert.objects.get(pk=alert_id).locations.count() == 1


def test_the_duress_create_retry_also_shows_cancelled(pins, centers):
    client_id = str(uuid.uuid4())
    created = pins.client.post("/api/v1/alerts/", {"client_id": client_id}, format="json").json()
    cancel(pins, created["id"], "9876")
    again = pins.client.post("/api/v1/alerts/", {"client_id": client_id}, format="json")
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
