"""The signed webhook to 112/119 against the local fake receiver: headers, signature, payload,
retries on 5xx/timeouts/refused connections, permanent 4xx, and the console alarm on failure.

Celery is eager in tests and ``self.retry`` raises there, so most tests drive one attempt at a time
through ``attempt_delivery`` (what the task runs); one test runs the task itself."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.dispatch.delivery import attempt_delivery, backoff_s
from alerts.dispatch.tasks import deliver_escalation, redeliver_due_escalations
from alerts.models import AlertEvent, Disclosure, Escalation
from cameras.nearby import nearest_camera_rows
from tests.fixtures.dispatch import SECRETS, camera_near, escalate, sign

pytestmark = pytest.mark.django_db


def fresh(escalation: Escalation) -> Escalation:
    return Escalation.objects.get(pk=escalation.pk)


def test_a_delivery_is_signed_keyed_and_carries_what_a_dispatcher_needs(fake, escalation, published):
    before = int(time.time())
    assert attempt_delivery(escalation.pk).status == "delivered"
    [delivery] = fake.deliveries
    headers = delivery.headers
    assert delivery.agency == "police" and delivery.signature_ok
    assert headers["content-type"] == "application/json"
    assert headers["idempotency-key"] == f"esc-{escalation.pk}"
    assert headers["x-hwaseong-agency"] == "police"
    timestamp = headers["x-hwaseong-timestamp"]
    assert before - 1 <= int(timestamp) <= int(time.time()) + 1
    assert headers["x-hwaseong-signature"] == sign(SECRETS["police"], timestamp, delivery.body)

    payload, alert = delivery.payload, escalation.alert
    assert payload["escalation_id"] == escalation.pk and payload["idempotency_key"] == f"esc-{escalation.pk}"
    assert payload["alert"]["id"] == alert.pk and payload["alert"]["type"] == "sos"
    location = payload["location"]
    assert (location["latitude"], location["longitude"]) == pytest.approx((37.17, 126.87))
    assert location["accuracy_m"] == 10.0 and location["source"] == "gnss" and location["recorded_at"]
    # The alert's own address (places/address.py): the city (no area data here), the nearest site.
    assert payload["address"]["text"] == alert.address
    assert alert.address.startswith("화성시 · 시청로 159 부근 ")
    assert payload["address"]["basis"] == "places" and payload["address"]["nearest_address"] == "시청로 159"
    assert payload["address"]["area"] == "화성시" and 20 < payload["address"]["distance_m"] < 40
    assert payload["person"] == {"name": "김화성", "phone": alert.citizen.phone, "do_not_call": False}
    assert payload["reason"] == "비명 청취"
    assert [n["text"] for n in payload["notes"]] == ["통화 중 비명"]
    [camera] = payload["cameras"]
    # Named as the console names it (the real data has no management numbers: never the id alone).
    console = {row["id"]: row["name"] for row in nearest_camera_rows(126.87, 37.17, limit=10)}
    assert camera["name"] == console[camera["id"]] and camera["name"] != str(camera["id"])
    assert camera["streams"] == {"hls": "https://cams.example/1/index.m3u8", "mjpeg": None,
                                 "snapshot": "https://cams.example/1/latest.jpg"}
    assert camera["distance_m"] < 50
    assert payload["center"] == {"code": "41590", "name": "화성시", "phone": "031-369-1234"}
    assert payload["operator"] == {"name": "관제 박"}
    assert payload["callback_url"].endswith("/api/v1/dispatch/callback")

    row = fresh(escalation)
    assert (row.delivery_status, row.attempts, row.last_error) == ("delivered", 1, "")
    assert row.delivered_at is not None and row.external_reference == "POLICE-00001"
    event = AlertEvent.objects.get(alert=alert, kind="escalation_delivered")
    assert event.data["reference"] == "POLICE-00001"
    assert published == [(alert.pk, "escalation_delivered", event.pk)]
    # Delivered: a later attempt (the sweep, a duplicate task) sends nothing.
    assert attempt_delivery(escalation.pk).status == "skipped" and len(fake.deliveries) == 1


def test_at_most_four_cameras_nearest_first(fake, staff):
    for step in range(6):
        camera_near(0.0001 * (step + 1), road_address=f"화성시 {step}번길")
    escalation = escalate(staff)
    attempt_delivery(escalation.pk)
    cameras = fake.deliveries[0].payload["cameras"]
    assert [c["address"] for c in cameras] == ["화성시 0번길", "화성시 1번길", "화성시 2번길", "화성시 3번길"]


def test_a_5xx_is_retried_with_the_same_idempotency_key(fake, escalation):
    fake.script = [503]
    first = attempt_delivery(escalation.pk)
    assert first.status == "retry" and 1.0 <= first.retry_in <= 1.25
    row = fresh(escalation)
    assert (row.delivery_status, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("HTTP 503") and row.next_attempt_at > timezone.now()
    assert attempt_delivery(escalation.pk).status == "delivered"
    row = fresh(escalation)
    assert (row.delivery_status, row.attempts) == ("delivered", 2)
    keys = {d.headers["idempotency-key"] for d in fake.deliveries}
    assert keys == {f"esc-{escalation.pk}"} and [d.answered for d in fake.deliveries] == [503, 200]


def test_a_timeout_is_transient(fake, escalation):
    fake.script = ["timeout"]
    outcome = attempt_delivery(escalation.pk)
    assert outcome.status == "retry"
    assert fresh(escalation).last_error.startswith("timeout")
    assert attempt_delivery(escalation.pk).status == "delivered"
    assert fresh(escalation).attempts == 2


def test_a_refused_connection_is_transient(fake, escalation, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    settings.DISPATCH_POLICE_URL = f"http://127.0.0.1:{closed_port}/police"
    assert attempt_delivery(escalation.pk).status == "retry"
    assert fresh(escalation).last_error == "ConnectError"


def test_a_429_waits_at_least_retry_after(fake, escalation, settings):
    settings.DISPATCH_RETRY_MAX_SECONDS = 60
    assert backoff_s(1, retry_after=30) >= 30
    fake.script = [429]
    assert attempt_delivery(escalation.pk).status == "retry"


def test_a_permanent_4xx_fails_at_once_and_alarms_the_console(fake, escalation, published):
    fake.script = [422]
    assert attempt_delivery(escalation.pk).status == "failed"
    row = fresh(escalation)
    assert (row.delivery_status, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("HTTP 422")
    alarm = AlertEvent.objects.get(alert=escalation.alert, kind="escalation_failed")
    assert alarm.data == {"escalation_id": escalation.pk, "agency": "police", "attempts": 1,
                          "error": row.last_error}
    assert published == [(escalation.alert_id, "escalation_failed", alarm.pk)]
    assert attempt_delivery(escalation.pk).status == "skipped"
    assert len(fake.deliveries) == 1  # never retried


def test_a_wrong_secret_is_refused_by_the_receiver_and_fails(fake, escalation, settings):
    settings.DISPATCH_POLICE_SECRET = "not-the-agency-secret"
    assert attempt_delivery(escalation.pk).status == "failed"
    assert not fake.deliveries[0].signature_ok and fake.deliveries[0].answered == 401
    assert fresh(escalation).last_error.startswith("HTTP 401")


def test_retries_exhausted_fail_with_one_alarm(fake, escalation, published):
    fake.script = [500, 502, 503]
    assert [attempt_delivery(escalation.pk).status for _ in range(3)] == ["retry", "retry", "failed"]
    row = fresh(escalation)
    assert (row.delivery_status, row.attempts) == ("failed", 3)
    assert "after 3 attempts" in row.last_error
    assert AlertEvent.objects.filter(kind="escalation_failed").count() == 1
    assert [kind for _id, kind, _event in published] == ["escalation_failed"]


def test_the_task_retries_in_eager_mode_until_delivered(fake, escalation):
    """Eager Celery runs the retry inline (countdown ignored) and then raises Retry; apply() keeps
    that in the result instead of throwing, so the outcome is read from the row."""
    fake.script = [503, 503]
    deliver_escalation.apply(args=[escalation.pk])
    row = fresh(escalation)
    assert (row.delivery_status, row.attempts) == ("delivered", 3)
    assert [d.answered for d in fake.deliveries] == [503, 503, 200]


def test_escalating_queues_the_delivery_after_commit(fake, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        escalation = escalate(staff, ("fire", "police"))
    assert {d.agency for d in fake.deliveries} == {"fire", "police"}
    assert set(Escalation.objects.values_list("delivery_status", flat=True)) == {"delivered"}
    assert escalation.alert.events.get(kind="escalated").data["delivery"] == {"fire": "pending",
                                                                               "police": "pending"}


def test_an_agency_without_a_webhook_is_not_linked_and_never_sent(fake, staff, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.DISPATCH_FIRE_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        escalate(staff, ("fire", "police"))
    fire = Escalation.objects.get(agency="fire")
    assert fire.delivery_status == "not_linked" and fire.attempts == 0
    assert [d.agency for d in fake.deliveries] == ["police"]
    assert fire.alert.events.get(kind="escalated").data["delivery"] == {"fire": "not_linked",
                                                                        "police": "pending"}


def test_the_sweep_resends_a_pending_escalation_whose_task_was_lost(fake, escalation):
    Escalation.objects.filter(pk=escalation.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert redeliver_due_escalations() == 1
    assert fresh(escalation).delivery_status == "delivered"
    assert redeliver_due_escalations() == 0


def test_a_delivery_is_recorded_as_a_location_disclosure_once(fake, escalation):
    """위치정보법 §19: the person is shown every provision of their location to a third party."""
    assert attempt_delivery(escalation.pk).status == "delivered"
    attempt_delivery(escalation.pk)  # a duplicate attempt discloses nothing more
    alert = escalation.alert
    rows = list(Disclosure.objects.filter(citizen=alert.citizen, alert=alert, recipient_kind="police"))
    assert [(d.recipient, d.purpose) for d in rows] == [("경찰 112", "escalation")]
