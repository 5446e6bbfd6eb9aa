"""Issue 15, point 1, as the operator sees it in a real browser: escalating asks for a
confirmation with nothing ticked by default; a request that is not linked is a loud alarm on the
alert header, its queue row and the timeline, with the facts to read out; asking again needs a
reason; recording the phone call ends the alarm and the alert is then "dispatched"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connections

from alerts.models import Escalation
from citizens.auth import issue_token
from citizens.models import Citizen
from operators.models import Center, Role, User
from tests.fixtures.browser import CHROMIUM_ARGS, PASSWORD, SOS_AT, at_city_hall, has_class, raise_sos_live
from tests.fixtures.servers import AsgiServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOT_LINKED = "112 연계 안 됨 — 지금 112에 전화하세요"


@pytest.fixture
def desk(asgi_server: AsgiServer) -> dict:
    hwaseong = Center.objects.create(
        code="41590", name="화성시", phone="031-369-2000",
        boundary=MultiPolygon(Polygon.from_bbox((126.70, 37.00, 127.00, 37.30)), srid=4326),
    )
    User.objects.create_user("op-dispatch", password=PASSWORD, role=Role.OPERATOR, center=hwaseong,
                             first_name="정관제")
    citizen = Citizen.objects.create(phone="01012340000", name="한신고", home_center=hwaseong)
    return {"token": issue_token(citizen)}


def test_a_request_that_is_not_linked_alarms_until_the_phone_call_is_recorded(
    asgi_server: AsgiServer, desk: dict, chromium_path: str, artifacts: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = asgi_server.url
    errors: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        args = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
        browser = playwright.chromium.launch(executable_path=chromium_path, args=args)
        try:
            page = browser.new_context(viewport={"width": 1600, "height": 1200}, locale="ko-KR").new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))

            def answer(dialog: object) -> None:
                dialogs.append(dialog.message)
                dialog.accept()

            page.on("dialog", answer)
            page.goto(f"{base}/login/?next=/console/")
            page.fill("#id_username", "op-dispatch")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/console/")
            page.wait_for_function("() => window.HSConsole && HSConsole.socketOpen()", timeout=10_000)

            alert_id = raise_sos_live(base, desk["token"], at_city_hall(12))["id"]
            page.wait_for_function(f"() => HSConsole.selectedId() === {alert_id}", timeout=5_000)
            row = page.locator(f".hs-row[data-alert-id='{alert_id}']")
            page.click("[data-action='claim']")
            expect(row.locator(".hs-status")).to_have_class(has_class("hs-status--claimed"))

            # Nothing ticked by default; sending with none ticked is refused before any request.
            form = page.locator("form[data-action='escalate']")
            assert form.locator("input[name=agencies]:checked").count() == 0
            form.locator("input[name=reason]").fill("흉기 소지 남성이 따라옴")
            form.locator("button[type=submit]").click()
            expect(page.locator("#action-error")).to_have_text("요청할 기관을 선택하세요.")
            assert dialogs == [] and Escalation.objects.count() == 0

            # Police ticked: a confirmation, then the truth: not linked, phone 112 now.
            form.locator("input[value=police]").check()
            form.locator("button[type=submit]").click()
            dispatch = page.locator("#dispatch")
            expect(dispatch).to_have_class(has_class("hs-dispatch--alarm"), timeout=5_000)
            assert len(dialogs) == 1 and "경찰(112)" in dialogs[0]
            expect(dispatch.locator(".hs-dispatch__headline")).to_have_text(NOT_LINKED)
            expect(row.locator(".hs-dispatch-badge")).to_have_text(NOT_LINKED)
            expect(row.locator(".hs-status")).not_to_have_class(has_class("hs-status--dispatched"))
            sheet = dispatch.locator(".hs-dispatch__sheet")
            expect(sheet).to_contain_text("한신고 01012340000")
            expect(sheet).to_contain_text("화성시 031-369-2000")
            expect(sheet).to_contain_text("흉기 소지 남성이 따라옴")
            expect(sheet).to_contain_text(f"{SOS_AT[1]:.5f}, {SOS_AT[0]:.5f}")
            entry = page.locator("#timeline .hs-event--escalation_not_linked")
            expect(entry).to_have_class(has_class("hs-event--alarm"))
            expect(entry.locator("strong")).to_have_text("연계 안 됨 — 지금 전화로 신고하세요")
            expect(page.locator("#timeline")).not_to_contain_text("escalation_not_linked")
            beeps = page.evaluate("HSConsole.beeps()")
            page.wait_for_function(f"() => HSConsole.beeps() > {beeps}", timeout=6_000)  # it sounds
            page.screenshot(path=str(artifacts / "console_not_linked.png"), full_page=True)

            # Asking 112 again needs a reason: the field appears and is required.
            assert form.locator("input[name=agencies]:checked").count() == 0  # the form was reset
            form.locator("input[value=police]").check()
            repeat = form.locator("input[name=repeat_reason]")
            expect(repeat).to_be_visible()
            form.locator("input[name=reason]").fill("추가 정보")
            form.locator("button[type=submit]").click()
            expect(page.locator("#action-error")).to_have_text(
                "이미 요청한 기관입니다. 재요청 사유를 적으세요.")
            assert Escalation.objects.count() == 1

            # The operator phones 112 and records it: the alarm ends everywhere.
            dispatch.locator("input[name=reference]").fill("경기남부 112-0042")
            dispatch.locator("button", has_text="112에 전화로 신고함").click()
            expect(dispatch).not_to_have_class(has_class("hs-dispatch--alarm"), timeout=5_000)
            expect(row.locator(".hs-dispatch-badge")).to_have_count(0)
            expect(row.locator(".hs-status")).to_have_class(has_class("hs-status--dispatched"))
            expect(dispatch.locator(".hs-dispatch__status")).to_contain_text(
                re.compile(r"경찰\(112\) · 미연계 · 전화 신고 \d\d:\d\d:\d\d 경기남부 112-0042"))
            expect(page.locator("#timeline .hs-event--agency_phoned strong")).to_have_text("전화로 신고함")
            expect(page.locator("#timeline .hs-event--agency_phoned")).to_contain_text("정관제")
            page.screenshot(path=str(artifacts / "console_phoned.png"), full_page=True)
        finally:
            browser.close()
            connections.close_all()  # the ORM calls above ran beside Playwright's loop
    assert errors == []
    escalation = Escalation.objects.get()
    assert (escalation.phone_reference, escalation.phoned_by.username) == ("경기남부 112-0042", "op-dispatch")
