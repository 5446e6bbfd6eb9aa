"""Issue 15, point 9, in a real browser: the admin's alert page names every timeline entry and its
details in Korean (no "AlertEvent object (52)", no raw keys or JSON), with the requests to 112/119;
the SMS outbox names each message's purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.actions.handling import do_escalate_alert, do_record_phone_call
from alerts.actions.sos import do_add_alert_locations
from alerts.locations import Fix
from operators.models import User
from tests.factories import make_staff
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import INSIDE_ANSAN, point

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-test-password-1"


def test_the_admin_alert_page_reads_as_korean(live_server: object, browser_page: object, centers: dict,
                                              artifacts: Path) -> None:
    from django.utils import timezone

    operator = make_staff("op-admin-view", center=centers["hwaseong"])
    operator.first_name = "박관제"
    operator.save()
    alert = raise_sos()
    do_escalate_alert(alert, operator, ["police"], "비명 청취")
    do_record_phone_call(alert, operator, "police", "경기남부 112-0042")
    do_add_alert_locations(alert, [Fix(point(INSIDE_ANSAN), 10.0, "gnss", timezone.now())])
    User.objects.create_superuser("admin-view", password=PASSWORD)

    page = browser_page
    change = f"/admin/alerts/alert/{alert.pk}/change/"
    page.goto(f"{live_server.url}/admin/login/?next={change}")
    page.fill("#id_username", "admin-view")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{change}")
    text = page.locator("#content").inner_text()
    for label in ("처리 이력", "접수", "출동 요청 전송", "연계 안 됨 — 지금 전화로 신고하세요",
                  "전화로 신고함", "위치 이동으로 이관", "경찰·소방 출동 요청", "경기남부 112-0042",
                  "박관제"):
        assert label in text, label
    for raw in ("object (", "escalation_not_linked", "agency_phoned", "routed_by", '{"', "not_linked"):
        assert raw not in text, raw
    page.screenshot(path=str(artifacts / "admin_alert_timeline.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/sms/smsmessage/")
    assert "긴급신고 보호자 알림" in page.locator("#result_list").inner_text()
    page.screenshot(path=str(artifacts / "admin_sms.png"), full_page=True)
