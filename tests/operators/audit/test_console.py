"""The console writes one access record per detail view and per action, with whose data it was."""

from __future__ import annotations

import pytest
from django.test import Client

from alerts.models import Alert
from operators.models import AccessAction, AccessRecord, User
from tests.factories import make_camera
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import logged_in

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db]

BASE = "/api/v1/console"
IP = {"REMOTE_ADDR": "192.0.2.44", "HTTP_USER_AGENT": "ConsoleBrowser/1"}


def post(client: Client, alert: Alert, action: str, body: dict | None = None):
    url = f"{BASE}/alerts/{alert.pk}/{action}"
    return client.post(url, body or {}, content_type="application/json", **IP)


def records(action: str) -> list[AccessRecord]:
    return list(AccessRecord.objects.filter(action=action).order_by("id"))


def only(action: str, user: User, alert: Alert) -> AccessRecord:
    found = records(action)
    assert len(found) == 1, found
    record = found[0]
    assert (record.account, record.ip, record.user_agent) == (user, "192.0.2.44", "ConsoleBrowser/1")
    assert (record.subject_citizen_id, record.target) == (alert.citizen_id, f"alert:{alert.pk}")
    return record


def test_alert_detail_view_is_recorded(staff) -> None:
    alert = raise_sos()
    assert logged_in(staff.hwaseong).get(f"{BASE}/alerts/{alert.pk}/", **IP).status_code == 200
    only(AccessAction.ALERT_VIEW, staff.hwaseong, alert)


def test_the_queue_and_refused_views_are_not_recorded(staff) -> None:
    alert = raise_sos()
    assert logged_in(staff.hwaseong).get(f"{BASE}/queue/", **IP).status_code == 200
    # 안산's operator may not see 화성's alert: a 404 is no access to the person's data.
    assert logged_in(staff.ansan).get(f"{BASE}/alerts/{alert.pk}/", **IP).status_code == 404
    assert not AccessRecord.objects.exists()


def test_every_action_is_recorded_with_ids_only(staff) -> None:
    alert = raise_sos()
    client = logged_in(staff.hwaseong)
    assert post(client, alert, "claim").status_code == 200
    assert post(client, alert, "acknowledge").status_code == 200
    assert post(client, alert, "notes", {"text": "피해자 홍길동 통화"}).status_code == 201
    assert post(client, alert, "escalate", {"agencies": ["police"], "reason": "비명"}).status_code == 200
    assert post(client, alert, "close", {"disposition": "safe", "note": "귀가"}).status_code == 200
    only(AccessAction.ALERT_CLAIM, staff.hwaseong, alert)
    only(AccessAction.ALERT_ACKNOWLEDGE, staff.hwaseong, alert)
    note = only(AccessAction.ALERT_NOTE, staff.hwaseong, alert)
    assert set(note.detail) == {"event"}  # the note's text stays out of the log
    assert only(AccessAction.ALERT_ESCALATE, staff.hwaseong, alert).detail == {"agencies": ["police"]}
    assert only(AccessAction.ALERT_CLOSE, staff.hwaseong, alert).detail == {"disposition": "safe"}
    assert "홍길동" not in str(list(AccessRecord.objects.values_list("detail", flat=True)))


def test_transfer_is_recorded_with_both_centers(staff, centers) -> None:
    alert = raise_sos()
    assert post(logged_in(staff.hwaseong), alert, "transfer", {"center": "41270"}).status_code == 200
    record = only(AccessAction.ALERT_TRANSFER, staff.hwaseong, alert)
    assert record.detail == {"from": centers["hwaseong"].pk, "to": "41270"}


def test_a_refused_action_writes_nothing(staff) -> None:
    alert = raise_sos()
    assert post(logged_in(staff.hwaseong), alert, "claim").status_code == 200
    assert post(logged_in(staff.second), alert, "claim").status_code == 409
    assert post(logged_in(staff.second), alert, "close", {"disposition": "nonsense"}).status_code == 400
    assert [r.account for r in AccessRecord.objects.all()] == [staff.hwaseong]


def test_camera_opened_is_recorded_with_the_alert_it_was_opened_for(staff) -> None:
    alert = raise_sos()
    camera = make_camera(126.83, 37.20)
    client = logged_in(staff.hwaseong)
    url = f"{BASE}/cameras/{camera.pk}/opened"
    assert client.post(url, {}, content_type="application/json", **IP).status_code == 204
    assert client.post(url, {"alert": alert.pk}, content_type="application/json", **IP).status_code == 204
    plain, for_alert = records(AccessAction.CAMERA_OPENED)
    assert (plain.account, plain.ip, plain.subject_citizen_id, plain.target) == (
        staff.hwaseong, "192.0.2.44", None, f"camera:{camera.pk}")
    assert (for_alert.subject_citizen_id, for_alert.detail) == (alert.citizen_id, {"alert": alert.pk})


def test_camera_opened_refuses_unknown_cameras_hidden_alerts_and_strangers(staff) -> None:
    alert = raise_sos()
    camera = make_camera(126.83, 37.20)
    ansan = logged_in(staff.ansan)
    assert ansan.post(f"{BASE}/cameras/{camera.pk + 1000}/opened", {}, content_type="application/json"
                      ).status_code == 404
    assert ansan.post(f"{BASE}/cameras/{camera.pk}/opened", {"alert": alert.pk},
                      content_type="application/json").status_code == 404
    assert Client().post(f"{BASE}/cameras/{camera.pk}/opened", {}, content_type="application/json"
                         ).status_code == 403
    assert not AccessRecord.objects.exists()
