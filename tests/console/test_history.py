"""The console's history of past alerts (issue 15, point 5): which alerts (the console's
visibility rule, plus those transferred away), the filters, bad input, and the access log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alerts.actions.handling import do_close_alert, do_transfer_alert
from alerts.actions.sos import do_cancel_alert
from alerts.models import Alert
from operators.models import AccessAction, AccessRecord, Role
from tests.factories import make_staff
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import INSIDE_ANSAN, INSIDE_HWASEONG, logged_in
from tests.fixtures.citizens import make_app_user

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db]

URL = "/console/history/"


@pytest.fixture
def past(staff, centers) -> dict[str, Alert]:
    safe = raise_sos(INSIDE_HWASEONG, name="김안전")
    do_close_alert(safe, staff.hwaseong, "safe", "귀가 확인")
    false_alarm = raise_sos(INSIDE_HWASEONG, name="박오인")
    do_close_alert(false_alarm, staff.hwaseong, "false_alarm")
    cancel_app = make_app_user("최취소")
    cancel_app.citizen.set_pins("1234", None)
    cancel_app.citizen.save()
    cancelled = do_cancel_alert(raise_sos(INSIDE_HWASEONG, app=cancel_app), "1234")
    away = raise_sos(INSIDE_HWASEONG, name="이이관")
    do_transfer_alert(away, staff.hwaseong, centers["ansan"])
    still_open = raise_sos(INSIDE_HWASEONG, name="정진행")
    other_center = raise_sos(INSIDE_ANSAN, name="안산시민")
    do_close_alert(other_center, staff.ansan, "safe")
    old = raise_sos(INSIDE_HWASEONG, name="오래전")
    do_close_alert(old, staff.hwaseong, "other")
    Alert.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=20))
    return {"safe": safe, "false_alarm": false_alarm, "cancelled": cancelled, "away": away,
            "open": still_open, "other_center": other_center, "old": old}


def listed(response) -> set[int]:
    return {row["alert"].pk for row in response.context["rows"]}


def test_an_operator_sees_the_past_alerts_of_their_center_and_those_transferred_away(staff, past):
    response = logged_in(staff.hwaseong).get(URL)
    assert response.status_code == 200
    assert listed(response) == {past[k].pk for k in ("safe", "false_alarm", "cancelled", "away")}
    page = response.content.decode()
    assert "김안전" in page and "안전 확인" in page  # the disposition by name
    assert "다른 센터로 이관" in page
    # Another center's operator sees its own; a supervisor sees every finished one.
    assert listed(logged_in(staff.ansan).get(URL)) == {past["other_center"].pk}
    assert listed(logged_in(staff.supervisor).get(URL)) == {
        past[k].pk for k in ("safe", "false_alarm", "cancelled", "other_center")}


@pytest.mark.parametrize("query,expected", [
    ({"outcome": "closed"}, {"safe", "false_alarm"}),
    ({"outcome": "closed:safe"}, {"safe"}),
    ({"outcome": "cancelled"}, {"cancelled"}),
    ({"outcome": "transferred"}, {"away"}),
    ({"q": "안전"}, {"safe"}),
    ({"q": "박오"}, {"false_alarm"}),
])
def test_filters(staff, past, query, expected):
    assert listed(logged_in(staff.hwaseong).get(URL, query)) == {past[k].pk for k in expected}


def test_phone_suffix_and_date_range(staff, past):
    client = logged_in(staff.hwaseong)
    phone = past["false_alarm"].citizen.phone
    assert listed(client.get(URL, {"q": phone[-4:]})) == {past["false_alarm"].pk}
    assert listed(client.get(URL, {"q": f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"})) == {past["false_alarm"].pk}
    today = timezone.localdate()
    month_ago = (today - dt.timedelta(days=30)).isoformat()
    assert past["old"].pk not in listed(client.get(URL))  # the last 7 days by default
    wide = listed(client.get(URL, {"date_from": month_ago, "date_to": today.isoformat()}))
    assert past["old"].pk in wide
    narrow = (today - dt.timedelta(days=21)).isoformat(), (today - dt.timedelta(days=19)).isoformat()
    assert listed(client.get(URL, {"date_from": narrow[0], "date_to": narrow[1]})) == {past["old"].pk}


@pytest.mark.parametrize("query", [
    {"date_from": "2026-12-10", "date_to": "2026-12-01"},
    {"date_from": "yesterday"},
    {"date_from": "2024-01-01", "date_to": "2026-01-01"},
    {"outcome": "exploded"},
    {"q": "x"},
])
def test_bad_input_is_a_400_that_records_nothing(staff, past, query):
    before = AccessRecord.objects.count()
    response = logged_in(staff.hwaseong).get(URL, query)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert AccessRecord.objects.count() == before


def test_every_list_and_every_alert_opened_is_in_the_access_log(staff, past):
    client = logged_in(staff.hwaseong)
    client.get(URL, {"q": "김안전"})
    record = AccessRecord.objects.filter(action=AccessAction.ALERT_HISTORY).get()
    assert record.account == staff.hwaseong and record.target == "console:history"
    assert record.detail["alerts"] == [past["safe"].pk] and record.detail["searched"] is True
    assert "김안전" not in str(record.detail)  # the search text may be a name: never logged

    response = client.get(f"{URL}{past['away'].pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "이이관" in page and "읽기 전용" in page
    assert page.count('class="hs-event ') >= 2  # created, transfer
    view = AccessRecord.objects.filter(action=AccessAction.ALERT_VIEW).get()
    assert (view.subject_citizen_id, view.target, view.detail) == (
        past["away"].citizen_id, f"alert:{past['away'].pk}", {"via": "history"})


def test_an_alert_outside_the_history_is_a_404_and_not_logged(staff, past):
    client = logged_in(staff.hwaseong)
    for key in ("other_center", "open"):  # another center's; still open (the live console's)
        assert client.get(f"{URL}{past[key].pk}/").status_code == 404
    assert not AccessRecord.objects.filter(action=AccessAction.ALERT_VIEW).exists()


def test_only_console_staff(staff, past, client, centers):
    assert client.get(URL).status_code == 302  # to the login page
    camera_admin = make_staff("cams", role=Role.CAMERA_ADMIN, center=centers["hwaseong"])
    assert logged_in(camera_admin).get(URL).status_code == 403
    assert logged_in(camera_admin).get(f"{URL}{past['safe'].pk}/").status_code == 403
