"""Issue 15, point 1: escalation tells the truth. A request that did not reach the agency (not
linked, failed, or pending past DISPATCH_PENDING_ALARM_SECONDS, found by the server's timer) is an
alarm on the alert until the operator records a phone call; the app and the guardian page say
"dispatched" only once an agency was reached; an agency already asked needs a reason to be asked
again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from alerts.dispatch.delivery import attempt_delivery
from alerts.dispatch.tasks import alarm_overdue_escalations
from alerts.models import Alert, Disclosure, Escalation
from guardians.tracking import tracking_url
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import logged_in
from tests.fixtures.citizens import make_app_user
from tests.fixtures.dispatch import escalate, post_callback

pytestmark = pytest.mark.django_db
BASE = "/api/v1/console"


def post(client, alert: Alert, action: str, body: dict):
    return client.post(f"{BASE}/alerts/{alert.pk}/{action}", body, content_type="application/json")


def kinds(alert: Alert) -> list[str]:
    return list(alert.events.values_list("kind", flat=True))


def app_status(app, alert: Alert) -> str:
    return app.client.get(f"/api/v1/alerts/{alert.pk}/").json()["status"]


def guardian_page(alert: Alert) -> str:
    guardian = alert.citizen.guardians.get()
    path = "/" + tracking_url(guardian, alert=alert).split("://", 1)[1].split("/", 1)[1]
    return Client().get(path).content.decode()


def test_a_request_to_an_agency_that_is_not_linked_alarms_until_the_phone_call_is_recorded(staff):
    app = make_app_user("김연계")
    alert = raise_sos(app=app)
    client = logged_in(staff.hwaseong)
    post(client, alert, "notes", {"text": "흉기를 든 남성"})
    answer = post(client, alert, "escalate", {"agencies": ["police"], "reason": "비명 청취"})
    assert answer.status_code == 200
    [request] = answer.json()["escalations"]
    assert (request["delivery_status"], request["problem"]) == ("not_linked", "not_linked")
    assert answer.json()["alert"]["dispatch_alarm"] == [
        {"escalation": request["id"], "agency": "police", "problem": "not_linked"}]
    assert answer.json()["alert"]["status"] == "acknowledged"  # not "dispatched": nobody has it
    assert app_status(app, alert) == "in_progress"
    assert "출동" not in guardian_page(alert)
    assert kinds(alert)[-2:] == ["escalated", "escalation_not_linked"]

    # The queue row carries the alarm, and the detail the facts to read out on the phone.
    [row] = [a for a in client.get(f"{BASE}/queue/").json() if a["id"] == alert.pk]
    assert row["dispatch_alarm"][0]["problem"] == "not_linked"
    detail = client.get(f"{BASE}/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="ko").json()
    sheet = {row["label"]: row["value"] for row in detail["call_sheet"]}
    assert sheet["신고자"] == f"김연계 {app.citizen.phone}"
    assert sheet["회신 번호"] == "화성시 031-369-1234"
    assert "37.17000, 126.87000" in sheet["위치 (위도, 경도)"]
    assert "비명 청취" in sheet["목격·확인 내용"] and "흉기를 든 남성" in sheet["목격·확인 내용"]

    # The operator phones 112 and records it: the alarm ends, the agency has the case.
    phoned = post(client, alert, "phoned", {"agency": "police", "reference": "경기남부 112-0042"})
    assert phoned.status_code == 200
    assert phoned.json()["alert"]["dispatch_alarm"] == []
    assert phoned.json()["alert"]["status"] == "dispatched"
    assert phoned.json()["event"]["kind"] == "agency_phoned"
    assert phoned.json()["event"]["data"]["reference"] == "경기남부 112-0042"
    escalation = Escalation.objects.get(pk=request["id"])
    assert (escalation.phoned_by, escalation.phone_reference) == (staff.hwaseong, "경기남부 112-0042")
    assert app_status(app, alert) == "dispatched"
    assert "출동" in guardian_page(alert)
    assert Disclosure.objects.filter(alert=alert, recipient_kind="police").count() == 1

    again = post(client, alert, "phoned", {"agency": "police"})
    assert again.status_code == 409 and again.json()["code"] == "not_requested"
    never_asked = post(client, alert, "phoned", {"agency": "fire"})
    assert never_asked.status_code == 409 and "119" in never_asked.json()["detail"]


def test_bad_phone_call_records_are_refused_and_store_nothing(staff):
    alert = raise_sos()
    client = logged_in(staff.hwaseong)
    post(client, alert, "escalate", {"agencies": ["fire"], "reason": "연기"})
    before = kinds(alert)
    for body in ({"agency": "army"}, {}, {"agency": "fire", "reference": "x" * 101},
                 {"agency": "fire", "called_at": (timezone.now() + timedelta(hours=1)).isoformat()}):
        assert post(client, alert, "phoned", body).status_code == 400, body
    assert kinds(alert) == before
    assert Alert.objects.get(pk=alert.pk).dispatch_alarm[0]["problem"] == "not_linked"
    assert post(logged_in(staff.ansan), alert, "phoned", {"agency": "fire"}).status_code == 404


def test_asking_an_agency_again_needs_a_reason(staff):
    alert = raise_sos()
    client = logged_in(staff.hwaseong)
    assert post(client, alert, "escalate", {"agencies": ["police"], "reason": "위협"}).status_code == 200
    refused = post(client, alert, "escalate", {"agencies": ["police", "fire"], "reason": "위협"})
    assert refused.status_code == 409 and refused.json()["code"] == "already_requested"
    assert "112" in refused.json()["detail"]
    assert Escalation.objects.filter(alert=alert).count() == 1  # nothing stored, fire neither
    again = post(client, alert, "escalate", {"agencies": ["police"], "reason": "위협",
                                             "repeat_reason": "용의자 차량 이동, 추가 정보"})
    assert again.status_code == 200
    assert again.json()["escalations"][0]["repeat_reason"] == "용의자 차량 이동, 추가 정보"
    assert Escalation.objects.filter(alert=alert, agency="police").count() == 2


def test_a_request_still_pending_after_the_bound_alarms_from_the_server(fake, staff, settings):
    settings.DISPATCH_PENDING_ALARM_SECONDS = 10
    escalation = escalate(staff)
    alert = escalation.alert
    assert alarm_overdue_escalations() == 0  # within the bound: no alarm yet
    assert Alert.objects.get(pk=alert.pk).dispatch_alarm == []
    Escalation.objects.filter(pk=escalation.pk).update(created_at=timezone.now() - timedelta(seconds=11))
    assert alarm_overdue_escalations() == 1
    assert alarm_overdue_escalations() == 0  # once
    alarmed = Alert.objects.get(pk=alert.pk)
    assert alarmed.dispatch_alarm == [{"escalation": escalation.pk, "agency": "police", "problem": "overdue"}]
    assert kinds(alert)[-1] == "escalation_overdue" and alarmed.status == "acknowledged"
    # The agency's system takes it late after all: delivered, the alarm ends, now "dispatched".
    assert attempt_delivery(escalation.pk).status == "delivered"
    reached = Alert.objects.get(pk=alert.pk)
    assert (reached.dispatch_alarm, reached.status) == ([], "dispatched")
    assert kinds(alert)[-1] == "escalation_delivered"


def test_a_failed_request_alarms_and_a_callback_ends_the_alarm(fake, staff):
    fake.script = [400]
    escalation = escalate(staff)
    assert attempt_delivery(escalation.pk).status == "failed"
    alert = Alert.objects.get(pk=escalation.alert_id)
    assert alert.dispatch_alarm[0]["problem"] == "failed" and alert.status == "acknowledged"
    assert Escalation.objects.get(pk=escalation.pk).alarm_at is not None
    # The agency took it after all and calls back: it has the case, no phone call needed.
    body = {"alert_id": alert.pk, "agency": "police", "status": "received", "reference": "P-1"}
    assert post_callback(body).status_code == 200
    alert.refresh_from_db()
    assert (alert.dispatch_alarm, alert.status) == ([], "dispatched")


def test_a_delivered_request_never_alarms(fake, staff):
    escalation = escalate(staff)
    assert attempt_delivery(escalation.pk).status == "delivered"
    Escalation.objects.filter(pk=escalation.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert alarm_overdue_escalations() == 0
    alert = Alert.objects.get(pk=escalation.alert_id)
    assert (alert.dispatch_alarm, alert.status) == ([], "dispatched")


def test_the_call_sheet_of_a_duress_alert_says_not_to_call_the_persons_phone(staff):
    from alerts.actions.sos import do_cancel_alert

    app = make_app_user("강협박")
    app.citizen.set_pins("1234", "9876")
    app.citizen.save()
    alert = do_cancel_alert(raise_sos(app=app), "9876")  # the duress PIN: the app shows "cancelled"
    client = logged_in(staff.hwaseong)
    assert post(client, alert, "escalate", {"agencies": ["police"], "reason": "협박 의심"}).status_code == 200
    detail = client.get(f"{BASE}/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="ko").json()
    sheet = {row["label"]: row["value"] for row in detail["call_sheet"]}
    assert sheet["주의"] == "강압 PIN 사용 — 신고자 휴대전화로 전화하지 마세요"
    assert app_status(app, alert) == "cancelled"  # whatever the center does, the phone sees a cancel
    assert post(client, alert, "phoned", {"agency": "police"}).status_code == 200
    assert app_status(app, alert) == "cancelled"
