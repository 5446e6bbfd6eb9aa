"""Issue 15, points 3, 4, 5 and 8, in a real browser against a real ASGI server: nothing out of
sight with a long queue (pinned new tray, repeats grouped), typed text that stays with its alert,
alerts that leave the queue with a notice, a close that asks and says it succeeded, per-alert
silence with a reminder, the sound banner after a reload, and the history of past alerts."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connections

from alerts.actions.handling import do_claim_alert, do_close_alert, do_transfer_alert
from alerts.actions.sos import do_cancel_alert
from alerts.models import Alert, AlertEvent
from citizens.models import Citizen
from operators.models import Center, Role, User
from tests.fixtures.alerts import raise_sos
from tests.fixtures.browser import CHROMIUM_ARGS, PASSWORD, has_class, offset
from tests.fixtures.servers import AsgiServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_QUEUE = 16


@pytest.fixture
def busy(asgi_server: AsgiServer) -> dict:
    hwaseong = Center.objects.create(
        code="41590", name="화성시",
        boundary=MultiPolygon(Polygon.from_bbox((126.70, 37.00, 127.00, 37.30)), srid=4326))
    Center.objects.create(code="41270", name="안산시",
                          boundary=MultiPolygon(Polygon.from_bbox((126.60, 37.00, 126.70, 37.30)), srid=4326))
    me = User.objects.create_user("op-queue", password=PASSWORD, role=Role.OPERATOR, center=hwaseong,
                                  first_name="박관제")
    other = User.objects.create_user("op-other", password=PASSWORD, role=Role.OPERATOR, center=hwaseong,
                                     first_name="김동료")
    return {"center": hwaseong, "me": me, "other": other}


def elsewhere(fn: Callable, *args: object) -> object:
    """Run an action as another console would, on a thread of its own: Playwright's event loop in
    this thread keeps the action from publishing its push (async_to_sync refuses)."""
    result: dict = {}

    def run() -> None:
        try:
            result["value"] = fn(*args)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            result["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if "error" in result:
        raise result["error"]
    return result["value"]


def citizen(name: str, center: Center) -> Citizen:
    return Citizen.objects.create(phone=f"010{uuid.uuid4().int % 10**8:08d}", name=name, home_center=center)


def sos(person: Citizen, north_m: float = 0) -> Alert:
    """``person``'s SOS ``north_m`` metres north of city hall, raised on another thread."""
    at = offset(north_m)
    return elsewhere(lambda: raise_sos((at.y, at.x), citizen=person))


def login(page: object, base: str) -> None:
    page.goto(f"{base}/login/?next=/console/")
    page.fill("#id_username", "op-queue")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/")
    page.wait_for_function("() => window.HSConsole && HSConsole.socketOpen()", timeout=10_000)


def in_viewport(page: object, selector: str) -> bool:
    return page.evaluate("""(selector) => {
      const box = document.querySelector(selector).getBoundingClientRect();
      return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight && box.left >= 0;
    }""", selector)


def browser_context(playwright: object, chromium_path: str, sound: bool = True) -> tuple[object, object]:
    args = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"] if sound else CHROMIUM_ARGS
    browser = playwright.chromium.launch(executable_path=chromium_path, args=args)
    page = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="ko-KR").new_page()
    return browser, page


def test_a_new_sos_is_never_out_of_sight_and_repeats_are_grouped(
    asgi_server: AsgiServer, busy: dict, chromium_path: str, artifacts: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    center = busy["center"]
    waiting = [sos(citizen(f"대기{i:02d}", center), north_m=i * 5) for i in range(LONG_QUEUE)]
    for alert in waiting[:8]:  # half are being handled, half still wait
        do_claim_alert(alert, busy["other"])
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser, page = browser_context(playwright, chromium_path)
        try:
            page.on("pageerror", lambda error: errors.append(str(error)))
            login(page, asgi_server.url)
            expect(page.locator("#queue-count")).to_have_text(str(LONG_QUEUE))
            expect(page.locator("#queue-new .hs-row")).to_have_count(8)

            # The operator is down in the detail panel; a new SOS comes in.
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            beeps = page.evaluate("HSConsole.beeps()")
            person = citizen("신규시민", center)
            fresh = sos(person)
            row = f"#queue-new .hs-row[data-alert-id='{fresh.pk}']"
            expect(page.locator(row)).to_be_visible(timeout=3_000)
            expect(page.locator(row)).to_have_class(has_class("hs-row--new"))
            top = page.evaluate("document.querySelector('#queue-new .hs-row').dataset.alertId")
            assert top == str(fresh.pk)  # newest first in the tray
            assert in_viewport(page, row), "the new SOS is below the screen"
            assert page.evaluate("HSConsole.beeps()") > beeps
            expect(page.locator("#queue-count")).to_have_text(str(LONG_QUEUE + 1))

            # The same citizen presses again a minute later: grouped with the first.
            again = sos(person)
            repeat = page.locator(f".hs-row[data-alert-id='{again.pk}']")
            expect(repeat).to_have_class(has_class("hs-row--repeat"), timeout=3_000)
            expect(repeat.locator(".hs-row__group")).to_contain_text(f"#{fresh.pk}")
            expect(page.locator(f".hs-row[data-alert-id='{fresh.pk}'] .hs-row__group")).to_contain_text("2건")
            assert in_viewport(page, f".hs-row[data-alert-id='{again.pk}']")
            page.screenshot(path=str(artifacts / "console_long_queue.png"))
        finally:
            browser.close()
            connections.close_all()
    assert errors == []


def test_typed_text_stays_with_its_alert(
    asgi_server: AsgiServer, busy: dict, chromium_path: str, artifacts: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    center, other = busy["center"], busy["other"]
    first = sos(citizen("첫번째", center))
    second = sos(citizen("두번째", center), north_m=50)
    errors: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser, page = browser_context(playwright, chromium_path)
        try:
            page.on("pageerror", lambda error: errors.append(str(error)))
            login(page, asgi_server.url)
            note = page.locator("form[data-action='notes'] textarea")
            notes_form = page.locator("form[data-action='notes']")
            reason = page.locator("form[data-action='escalate'] input[name='reason']")

            # Text typed for #second, then #first opened: its own (empty) forms; back: the text.
            page.locator(f".hs-row[data-alert-id='{second.pk}']").click()
            page.wait_for_function(f"() => HSConsole.selectedId() === {second.pk}")
            expect(notes_form).to_have_attribute("data-alert-id", str(second.pk))
            note.fill("두번째 시민 통화 중")
            reason.fill("위협 목격")
            page.locator(f".hs-row[data-alert-id='{first.pk}']").click()
            expect(notes_form).to_have_attribute("data-alert-id", str(first.pk))
            expect(note).to_have_value("")
            expect(reason).to_have_value("")
            page.locator(f".hs-row[data-alert-id='{second.pk}']").click()
            expect(note).to_have_value("두번째 시민 통화 중")
            expect(reason).to_have_value("위협 목격")

            # Someone else closes #second while the operator types: told, the text stays on
            # #second (the view does not jump to #first), and the note goes to #second.
            elsewhere(do_close_alert, Alert.objects.get(pk=second.pk), other, "safe")
            notice = page.locator(f"#notices .hs-notice--closed[data-alert-id='{second.pk}']")
            expect(notice).to_contain_text("김동료", timeout=3_000)
            expect(notice).to_contain_text("종결")
            expect(page.locator(f".hs-row[data-alert-id='{second.pk}']")).to_have_count(0)
            expect(page.locator(".hs-notice--held")).to_be_visible()
            page.wait_for_timeout(700)  # the refresh after the push
            assert page.evaluate("HSConsole.selectedId()") == second.pk
            expect(note).to_have_value("두번째 시민 통화 중")
            expect(page.locator("#alert-title")).to_contain_text("종결")
            page.screenshot(path=str(artifacts / "console_draft_held.png"))
            page.click("form[data-action='notes'] button[type=submit]")
            expect(page.locator("#timeline .hs-event--note")).to_contain_text("두번째 시민 통화 중")
            assert AlertEvent.objects.filter(alert_id=second.pk, kind="note").count() == 1
            assert not AlertEvent.objects.filter(alert_id=first.pk, kind="note").exists()

            # Text typed for #first, which is then transferred away by someone else: the text is
            # kept in a notice to copy, and never lands in another alert's form.
            page.locator(f".hs-row[data-alert-id='{first.pk}']").click()
            page.wait_for_function(f"() => HSConsole.selectedId() === {first.pk}")
            third = sos(citizen("세번째", center), north_m=80)
            expect(page.locator(f".hs-row[data-alert-id='{third.pk}']")).to_be_visible(timeout=3_000)
            expect(notes_form).to_have_attribute("data-alert-id", str(first.pk))
            note.fill("첫번째 시민 보호자 연락함")
            ansan = Center.objects.get(code="41270")
            elsewhere(do_transfer_alert, Alert.objects.get(pk=first.pk), other, ansan)
            kept = page.locator(f".hs-notice--kept[data-alert-id='{first.pk}']")
            expect(kept).to_be_visible(timeout=3_000)
            expect(kept.locator("textarea")).to_have_value(re.compile("첫번째 시민 보호자 연락함"))
            expect(page.locator(f".hs-notice--moved[data-alert-id='{first.pk}']")).to_contain_text("안산시")
            page.wait_for_function(f"() => HSConsole.selectedId() === {third.pk}", timeout=3_000)
            expect(note).to_have_value("")
            expect(notes_form).to_have_attribute("data-alert-id", str(third.pk))
            page.screenshot(path=str(artifacts / "console_draft_kept.png"))
            assert not AlertEvent.objects.filter(kind="note").exclude(alert_id=second.pk).exists()

            # Closing asks first (naming the alert), and says it succeeded.
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.select_option("form[data-action='close'] select[name='disposition']", "false_alarm")
            page.click("form[data-action='close'] button[type=submit]")
            page.wait_for_timeout(300)
            assert dialogs and f"#{third.pk}" in dialogs[-1] and "오신고" in dialogs[-1]
            assert Alert.objects.get(pk=third.pk).status == "received"  # dismissed: nothing done
        finally:
            browser.close()
            connections.close_all()
    assert errors == []
    assert not AlertEvent.objects.filter(kind="note", actor=other).exists()


def test_closing_asks_and_says_it_succeeded(
    asgi_server: AsgiServer, busy: dict, chromium_path: str, artifacts: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    alert = sos(citizen("종료시민", busy["center"]))
    canceller = citizen("취소시민", busy["center"])
    canceller.set_pins("4321", None)
    canceller.save()
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser, page = browser_context(playwright, chromium_path)
        try:
            login(page, asgi_server.url)
            page.wait_for_function(f"() => HSConsole.selectedId() === {alert.pk}")
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
            page.select_option("form[data-action='close'] select[name='disposition']", "safe")
            page.fill("form[data-action='close'] input[name='note']", "귀가 확인")
            page.click("form[data-action='close'] button[type=submit]")
            done = page.locator(f"#notices .hs-notice--done[data-alert-id='{alert.pk}']")
            expect(done).to_contain_text("종결 완료", timeout=3_000)
            expect(done).to_contain_text("안전 확인")
            assert dialogs == [f"신고 #{alert.pk}을(를) ‘안전 확인’(으)로 종결할까요?"]
            assert Alert.objects.get(pk=alert.pk).status == "closed"
            expect(page.locator("form[data-action='close'] input[name='note']")).to_have_value("")

            # The citizen cancels their own SOS: it leaves the queue with a notice.
            cancelled = sos(canceller)
            row = page.locator(f".hs-row[data-alert-id='{cancelled.pk}']")
            expect(row).to_be_visible(timeout=3_000)
            elsewhere(do_cancel_alert, cancelled, "4321")
            expect(row).to_have_count(0, timeout=3_000)
            expect(page.locator(f".hs-notice--cancelled[data-alert-id='{cancelled.pk}']")).to_contain_text(
                "시민이 신고를 취소했습니다")
            page.screenshot(path=str(artifacts / "console_closed_notice.png"))
        finally:
            browser.close()
            connections.close_all()


def test_silence_one_alert_a_new_one_still_sounds_and_the_reminder_comes(
    asgi_server: AsgiServer, busy: dict, chromium_path: str, artifacts: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    center = busy["center"]
    old = sos(citizen("오래대기", center))
    with sync_playwright() as playwright:
        browser, page = browser_context(playwright, chromium_path)
        try:
            page.clock.install()
            login(page, asgi_server.url)
            row = page.locator(f".hs-row[data-alert-id='{old.pk}']")
            expect(row).to_have_class(has_class("hs-row--new"))
            row.locator("button.hs-silence").click()
            expect(row).to_have_class(has_class("hs-row--silenced"))
            assert page.evaluate("HSConsole.silenced()") == [old.pk]
            assert page.evaluate("HSConsole.selectedId()") == old.pk  # opened, not claimed
            assert Alert.objects.get(pk=old.pk).claimed_by_id is None
            beeps = page.evaluate("HSConsole.beeps()")
            page.clock.run_for(60_000)  # a minute: no beep for the silenced alert
            assert page.evaluate("HSConsole.beeps()") == beeps
            expect(page.locator("#alarm")).to_contain_text("1건 소리 꺼짐")

            fresh = sos(citizen("새로운", center))  # a new SOS always sounds
            expect(page.locator(f".hs-row[data-alert-id='{fresh.pk}']")).to_be_visible(timeout=3_000)
            assert page.evaluate("HSConsole.beeps()") == beeps + 1
            page.screenshot(path=str(artifacts / "console_silenced.png"))
            page.locator("#mute").click()  # silence all waiting now
            assert sorted(page.evaluate("HSConsole.silenced()")) == sorted([old.pk, fresh.pk])
            beeps = page.evaluate("HSConsole.beeps()")
            page.clock.run_for(125_000)  # past the two minutes: the reminder
            expect(row).not_to_have_class(has_class("hs-row--silenced"))
            assert page.evaluate("HSConsole.beeps()") > beeps
        finally:
            browser.close()
            connections.close_all()


def test_after_a_reload_a_banner_asks_for_sound_until_it_is_on(
    asgi_server: AsgiServer, busy: dict, chromium_path: str, artifacts: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser, page = browser_context(playwright, chromium_path, sound=False)  # the browser's default
        try:
            login(page, asgi_server.url)
            page.reload()
            page.wait_for_function("() => HSConsole.socketOpen()", timeout=10_000)
            banner = page.locator("#sound-banner")
            expect(banner).to_be_visible()
            box = banner.bounding_box()
            assert box["width"] >= 1500 and box["y"] < 200  # full width, at the top
            page.screenshot(path=str(artifacts / "console_sound_banner.png"))
            banner.click()
            expect(banner).to_be_hidden()
        finally:
            browser.close()
            connections.close_all()


def test_history_lists_past_alerts_and_opens_one_read_only(
    asgi_server: AsgiServer, busy: dict, chromium_path: str, artifacts: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    center, other = busy["center"], busy["other"]
    closed = sos(citizen("지난시민", center))
    do_close_alert(closed, other, "safe", "귀가 확인")
    away = sos(citizen("이관시민", center))
    do_transfer_alert(away, other, Center.objects.get(code="41270"))
    with sync_playwright() as playwright:
        browser, page = browser_context(playwright, chromium_path)
        try:
            login(page, asgi_server.url)
            page.click("a.hs-history-link")
            page.wait_for_url("**/console/history/")
            rows = page.locator("#history tbody tr[data-alert-id]")
            expect(rows).to_have_count(2)
            page.fill("input[name='q']", "지난")
            page.click("#history-filters button[type=submit]")
            expect(rows).to_have_count(1)
            expect(rows.first).to_contain_text("안전 확인")
            page.screenshot(path=str(artifacts / "console_history.png"))
            rows.first.locator("a").click()
            expect(page.locator("#history-facts")).to_contain_text("지난시민")
            expect(page.locator("#history-timeline .hs-event--closed")).to_contain_text("귀가 확인")
            assert page.locator("form").count() == 0  # read-only: nothing to act with
            page.screenshot(path=str(artifacts / "console_history_alert.png"))
        finally:
            browser.close()
            connections.close_all()
