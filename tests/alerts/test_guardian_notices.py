"""Issue 15, point 11: guardians hear of the citizen's own cancel (never of a duress one), and the
center's phone number is in their SMS and on their page."""

from __future__ import annotations

import pytest

from alerts.models import Alert
from guardians.tracking import tracking_url
from sms.models import SmsMessage
from tests.factories import make_staff
from tests.fixtures.alerts import cancel, raise_sos

pytestmark = pytest.mark.django_db
CENTER = "관제센터 화성시 031-369-1234"  # the centers fixture's 화성


def sms(purpose: str) -> list[SmsMessage]:
    return list(SmsMessage.objects.filter(purpose=purpose))


def test_the_citizens_own_cancel_tells_the_guardians(pins, centers):
    alert_id = raise_sos(app=pins, through_api=True).pk
    [sos] = sms("sos")
    assert CENTER in sos.body  # whom to call back, in the SOS text itself
    assert cancel(pins, alert_id, "1234").status_code == 200
    [cancelled] = sms("alert_cancelled")
    assert cancelled.to == sos.to
    assert cancelled.body.startswith("[화성안전귀가] 김화성님이 ")
    assert "앱에서 긴급신고를 직접 취소했습니다" in cancelled.body
    assert cancelled.body.endswith(f"문의: {CENTER}")
    assert "http" not in cancelled.body  # no link, no place
    assert cancel(pins, alert_id, "1234").status_code == 200  # again: nothing new
    assert len(sms("alert_cancelled")) == 1


def test_a_duress_cancel_tells_the_guardians_nothing_and_answers_the_phone_the_same(pins, centers):
    alert_id = raise_sos(app=pins, through_api=True).pk
    answer = cancel(pins, alert_id, "9876")
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"  # as a real cancel
    assert sms("alert_cancelled") == []  # no stand-down for the guardians
    alert = Alert.objects.get(pk=alert_id)
    assert alert.is_duress and alert.status == "received"
    # The guardian's page still shows a live report, never "cancelled".
    guardian = alert.citizen.guardians.get()
    path = "/" + tracking_url(guardian, alert=alert).split("://", 1)[1].split("/", 1)[1]
    page = pins.client.get(path).content.decode()
    assert "신고 취소" not in page and "긴급 신고 접수" in page


def test_the_guardian_page_and_closing_sms_give_the_centers_number(app, centers):
    from alerts.actions.handling import do_close_alert

    alert_id = raise_sos(app=app, through_api=True).pk
    alert = Alert.objects.get(pk=alert_id)
    guardian = alert.citizen.guardians.get()
    path = "/" + tracking_url(guardian, alert=alert).split("://", 1)[1].split("/", 1)[1]
    page = app.client.get(path).content.decode()
    assert '<a href="tel:031-369-1234">031-369-1234</a>' in page and "관제센터 화성시" in page
    do_close_alert(alert, make_staff("op", center=centers["hwaseong"]), "safe")
    [closed] = sms("alert_closed")
    assert closed.body.endswith(f"(안전 확인). 문의: {CENTER}")
