"""The console's HTTP API: queue, detail, and every action with its timeline entry."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from alerts.actions.sos import do_cancel_alert
from alerts.models import Alert, AlertKind, AlertStatus, Escalation
from tests.factories import make_camera
from tests.fixtures.alerts import loc, raise_sos
from tests.fixtures.centers import BORDER_HWASEONG, INSIDE_ANSAN, INSIDE_HWASEONG, logged_in, point
from tests.fixtures.citizens import make_app_user

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db]

BASE = "/api/v1/console"


def post(client: Client, alert: Alert, action: str, body: dict | None = None):
    return client.post(f"{BASE}/alerts/{alert.pk}/{action}", body or {}, content_type="application/json")


def kinds(alert: Alert) -> list[str]:
    return list(alert.events.values_list("kind", flat=True))


def test_the_queue_puts_duress_first_then_sos_then_overdue_oldest_first(staff, centers):
    overdue = Alert.objects.create(citizen=make_app_user("가").citizen, kind=AlertKind.OVERDUE_TRIP,
                                   center=centers["hwaseong"])
    first, second = raise_sos(name="나"), raise_sos(name="다")
    app = make_app_user("라")
    app.citizen.set_pins("1234", "9876")
    app.citizen.save()
    duress = do_cancel_alert(raise_sos(app=app), "9876")
    raise_sos(INSIDE_ANSAN)  # another center's
    cancelled = raise_sos()
    do_cancel_alert(cancelled, "")
    body = logged_in(staff.hwaseong).get(f"{BASE}/queue/").json()
    assert [a["id"] for a in body] == [duress.pk, first.pk, second.pk, overdue.pk]
    assert [a["priority"] for a in body] == [0, 1, 1, 2]
    assert body[0]["status"] == "received" and body[0]["is_duress"] and body[0]["app_status"] == "cancelled"
    assert all(a["is_open"] for a in body)  # the console keeps an alert while the server says so
    assert len(logged_in(staff.supervisor).get(f"{BASE}/queue/").json()) == 5


def test_the_border_band_shows_in_both_queues_and_nothing_else_leaks(staff):
    border, inside = raise_sos(BORDER_HWASEONG), raise_sos(INSIDE_HWASEONG)
    ansan = logged_in(staff.ansan)
    assert [a["id"] for a in ansan.get(f"{BASE}/queue/").json()] == [border.pk]
    assert ansan.get(f"{BASE}/alerts/{inside.pk}/").status_code == 404
    assert post(ansan, inside, "claim").status_code == 404
    assert ansan.get(f"{BASE}/alerts/{border.pk}/").status_code == 200


def test_detail_has_person_trail_timeline_and_nearest_cameras(staff):
    app = make_app_user()
    earlier = do_cancel_alert(raise_sos(app=app), "")
    alert = raise_sos(INSIDE_HWASEONG, app=app)
    near = make_camera(126.8705, 37.17, hls_url="http://cctv.local/1.m3u8")
    make_camera(126.95, 37.10)  # km away: outside the radius
    body = logged_in(staff.police).get(f"{BASE}/alerts/{alert.pk}/").json()
    assert body["alert"]["citizen"] == {"id": app.citizen.pk, "name": "김화성", "phone": app.citizen.phone}
    guardian = body["person"]["guardians"][0]
    assert guardian["name"] == "보호자" and guardian["phone"].startswith("010-****-")
    assert [(a["id"], a["status"]) for a in body["person"]["earlier_alerts"]] == [(earlier.pk, "cancelled")]
    assert [p["latitude"] for p in body["trail"]] == [37.17]
    assert [e["kind"] for e in body["timeline"]] == ["created"]
    assert [c["id"] for c in body["cameras"]] == [near.pk]
    camera = body["cameras"][0]
    assert 40 < camera["distance_m"] < 50 and camera["bearing_deg"] == pytest.approx(90, abs=1)
    assert camera["hls_url"] == "http://cctv.local/1.m3u8"


def test_claim_then_another_operator_gets_409_naming_the_holder(staff):
    alert = raise_sos()
    first = post(logged_in(staff.hwaseong), alert, "claim")
    assert first.status_code == 200
    assert first.json()["alert"]["claimed_by"] == {"id": staff.hwaseong.pk, "name": "op-hwaseong"}
    assert first.json()["event"]["kind"] == "claimed"
    again = post(logged_in(staff.hwaseong), alert, "claim")
    assert again.status_code == 200 and again.json()["event"]["id"] == first.json()["event"]["id"]
    lost = post(logged_in(staff.second), alert, "claim")
    assert lost.status_code == 409
    assert lost.json()["code"] == "claimed" and lost.json()["claimed_by"]["id"] == staff.hwaseong.pk
    assert "op-hwaseong" in lost.json()["detail"]
    assert post(logged_in(staff.second), alert, "acknowledge").status_code == 409
    assert kinds(alert) == ["created", "claimed"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_exactly_one_wins(staff):
    alert = raise_sos()
    clients = [logged_in(staff.hwaseong), logged_in(staff.second)]
    barrier, results = threading.Barrier(2), []

    def claim(client: Client) -> None:
        try:
            barrier.wait()
            results.append(post(client, alert, "claim"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in results) == [200, 409]
    winner = next(r for r in results if r.status_code == 200).json()["alert"]["claimed_by"]["id"]
    loser = next(r for r in results if r.status_code == 409).json()
    assert loser["claimed_by"]["id"] == winner
    assert Alert.objects.get(pk=alert.pk).claimed_by_id == winner
    assert kinds(alert) == ["created", "claimed"]


def test_acknowledge_shows_in_progress_in_the_app(staff):
    app = make_app_user()
    alert = raise_sos(app=app)
    response = post(logged_in(staff.hwaseong), alert, "acknowledge")
    assert response.status_code == 200 and response.json()["alert"]["status"] == "acknowledged"
    assert kinds(alert) == ["created", "claimed", "acknowledged"]
    assert app.client.get(f"/api/v1/alerts/{alert.pk}/").json()["status"] == "in_progress"


def test_notes_escalation_and_close(staff):
    app = make_app_user()
    alert = raise_sos(app=app)
    client = logged_in(staff.hwaseong)
    note = post(client, alert, "notes", {"text": "통화 연결됨"})
    assert note.status_code == 201 and note.json()["event"]["data"] == {"text": "통화 연결됨"}
    assert post(client, alert, "notes", {"text": ""}).status_code == 400
    bad = post(client, alert, "escalate", {"agencies": ["police", "army"], "reason": "x"})
    assert bad.status_code == 400
    escalated = post(client, alert, "escalate", {"agencies": ["police", "fire"], "reason": "비명 청취"})
    assert escalated.status_code == 200
    assert [e["agency"] for e in escalated.json()["escalations"]] == ["fire", "police"]
    requested = Escalation.objects.filter(alert=alert, status="requested", requested_by=staff.hwaseong)
    assert requested.count() == 2
    # Not linked (no webhooks in the tests): not "dispatched" until someone reached the agency.
    assert app.client.get(f"/api/v1/alerts/{alert.pk}/").json()["status"] == "in_progress"
    assert post(client, alert, "close", {"disposition": "nonsense"}).status_code == 400
    closed = post(client, alert, "close", {"disposition": "crime", "note": "검거"})
    assert closed.status_code == 200
    assert (closed.json()["alert"]["status"], closed.json()["alert"]["disposition"]) == ("closed", "crime")
    assert closed.json()["alert"]["is_open"] is False  # the console drops it from the queue
    assert app.client.get(f"/api/v1/alerts/{alert.pk}/").json()["status"] == "closed"
    assert kinds(alert) == ["created", "note", "claimed", "escalated", "escalation_not_linked",
                            "escalation_not_linked", "closed"]
    assert alert.events.get(kind="closed").actor == staff.hwaseong
    finished = post(logged_in(staff.second), alert, "claim")
    assert finished.status_code == 409 and finished.json()["code"] == "finished"


def test_a_citizen_cancelled_alert_cannot_be_claimed_but_a_duress_one_can(staff):
    cancelled = do_cancel_alert(raise_sos(), "")
    assert post(logged_in(staff.hwaseong), cancelled, "claim").json()["code"] == "finished"
    assert logged_in(staff.hwaseong).get(f"{BASE}/alerts/{cancelled.pk}/").json()["alert"]["is_open"] is False
    app = make_app_user("이협박")
    app.citizen.set_pins("1234", "9876")
    app.citizen.save()
    duress = do_cancel_alert(raise_sos(app=app), "9876")
    claimed = post(logged_in(staff.hwaseong), duress, "claim")
    assert claimed.status_code == 200 and claimed.json()["alert"]["status"] == "claimed"
    assert claimed.json()["alert"]["is_open"] is True  # "cancelled" with the duress PIN: still open
    closed = post(logged_in(staff.hwaseong), duress, "close", {"disposition": "safe"})
    assert closed.json()["alert"]["status"] == "closed"
    assert app.client.get(f"/api/v1/alerts/{duress.pk}/").json()["status"] == "cancelled"


def test_transfer_moves_the_alert_to_the_other_center(staff, centers):
    alert = raise_sos(INSIDE_HWASEONG)
    client = logged_in(staff.hwaseong)
    assert post(client, alert, "transfer", {"center": "99999"}).status_code == 400
    assert post(client, alert, "transfer", {"center": "41590"}).json()["code"] == "same_center"
    moved = post(client, alert, "transfer", {"center": "41270"})
    assert moved.status_code == 200
    assert moved.json()["alert"]["center"]["code"] == "41270" and moved.json()["alert"]["claimed_by"] is None
    assert moved.json()["event"]["data"] == {"from": "41590", "to": "41270"}
    assert client.get(f"{BASE}/alerts/{alert.pk}/").status_code == 404
    assert [a["id"] for a in logged_in(staff.ansan).get(f"{BASE}/queue/").json()] == [alert.pk]
    assert post(logged_in(staff.ansan), alert, "claim").status_code == 200


def test_supervisors_may_act_over_a_claim(staff):
    alert = raise_sos()
    post(logged_in(staff.hwaseong), alert, "claim")
    response = post(logged_in(staff.supervisor), alert, "close", {"disposition": "false_alarm"})
    assert response.status_code == 200
    assert response.json()["alert"]["claimed_by"]["id"] == staff.hwaseong.pk


def test_app_tokens_anonymous_and_missing_csrf_are_refused(staff):
    app = make_app_user()
    alert = raise_sos(app=app)
    assert app.client.get(f"{BASE}/queue/").status_code in (401, 403)
    assert app.client.post(f"{BASE}/alerts/{alert.pk}/claim").status_code in (401, 403)
    assert Client().get(f"{BASE}/queue/").status_code in (401, 403)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff.hwaseong)
    assert post(strict, alert, "claim").status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.RECEIVED


def test_the_alert_carries_its_trip_and_the_person_their_active_trip(staff):
    from datetime import timedelta

    from django.utils import timezone

    from alerts.models import Trip

    app = make_app_user()
    trip = Trip.objects.create(citizen=app.citizen, destination=point((37.2, 126.9)), destination_name="집",
                               expected_arrival=timezone.now() + timedelta(minutes=20))
    alert = raise_sos(app=app)
    Alert.objects.filter(pk=alert.pk).update(trip=trip)
    body = logged_in(staff.hwaseong).get(f"{BASE}/alerts/{alert.pk}/").json()
    summary = body["alert"]["trip"]
    assert (summary["id"], summary["status"], summary["destination_name"]) == (trip.pk, "active", "집")
    assert summary["destination"] == {"latitude": 37.2, "longitude": 126.9}
    assert body["person"]["active_trip"]["id"] == trip.pk


def test_acknowledging_a_transferred_in_alert_claims_it(staff, centers):
    alert = raise_sos(INSIDE_HWASEONG)
    post(logged_in(staff.hwaseong), alert, "acknowledge")
    post(logged_in(staff.hwaseong), alert, "transfer", {"center": "41270"})
    response = post(logged_in(staff.ansan), alert, "acknowledge")
    assert response.status_code == 200 and response.json()["event"]["kind"] == "claimed"
    assert response.json()["alert"]["claimed_by"]["id"] == staff.ansan.pk
    assert response.json()["alert"]["status"] == "acknowledged"
    assert kinds(alert) == ["created", "claimed", "acknowledged", "transfer", "claimed"]


def test_a_transferred_alert_stays_where_the_operator_put_it(staff, centers):
    """After a hand-over the citizen's next position must not send the alert back; the city the
    citizen is in keeps seeing it as a border center."""
    app = make_app_user()
    alert = raise_sos(INSIDE_HWASEONG, app=app)
    assert post(logged_in(staff.hwaseong), alert, "transfer", {"center": "41270"}).status_code == 200
    response = app.client.post(f"/api/v1/alerts/{alert.pk}/locations/",
                               {"locations": [loc(INSIDE_HWASEONG)]}, format="json")
    assert response.status_code == 202
    alert.refresh_from_db()
    assert alert.center.code == "41270"
    assert list(alert.border_centers.values_list("code", flat=True)) == ["41590"]
    assert [a["id"] for a in logged_in(staff.ansan).get(f"{BASE}/queue/").json()] == [alert.pk]
    assert logged_in(staff.hwaseong).get(f"{BASE}/alerts/{alert.pk}/").status_code == 200
