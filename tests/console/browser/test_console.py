"""The operator console in a real browser, against a real ASGI server (websockets included).

pytest-django's live_server speaks WSGI only, so the test starts uvicorn in a subprocess on a
free loopback port, pointed at the test database. An SOS posted through the app API must reach
the console within 2 seconds: the queue row, the alarm, the map marker, and a wall of moving
pictures (one live HLS stream made by ffmpeg here, demo snapshots for the rest, one dead feed).
The server is then killed and restarted under the page, which must say it is offline and come
back by itself. Then claim, escalate, close, and not one request to a host other than the site.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fixtures.browser import CHROMIUM_ARGS, PASSWORD, app_post, has_class, raise_sos_live
from tests.fixtures.servers import AsgiServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARRIVAL_S = 2.0


# Every tile's picture, twice 1.5 s apart: a <video>'s currentTime or a snapshot <img>'s src.
PICTURES = """() => Array.from(document.querySelectorAll('#wall .hs-tile')).map(tile => {
  const video = tile.querySelector('video'), img = tile.querySelector('img');
  return {id: tile.dataset.cameraId, state: tile.dataset.state,
          value: video ? video.currentTime : img ? img.src + '|' + img.naturalWidth : null};
})"""


def moving_tiles(page: object) -> list[str]:
    before = {tile["id"]: tile["value"] for tile in page.evaluate(PICTURES)}
    page.wait_for_timeout(1500)
    after = page.evaluate(PICTURES)
    return [tile["id"] for tile in after
            if tile["state"] == "playing" and tile["value"] not in (None, before.get(tile["id"]))]


def test_console_end_to_end(
    asgi_server: AsgiServer, scene: dict, chromium_path: str, artifacts: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = asgi_server.url
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        args = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
        browser = playwright.chromium.launch(executable_path=chromium_path, args=args)
        try:
            page = browser.new_context(viewport={"width": 1600, "height": 1100}, locale="ko-KR").new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("websocket", lambda ws: requests.append(ws.url))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("dialog", lambda dialog: dialog.accept())

            page.goto(f"{base}/console/")
            page.wait_for_url("**/login/?next=/console/")
            page.fill("#id_username", "op-browser")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/console/")
            page.wait_for_function("() => window.HSConsole && HSConsole.socketOpen()", timeout=10_000)
            expect(page.locator("#presence")).to_contain_text("박관제")

            # --- The SOS arrives: row, alarm, marker within 2 s --------------------------------------
            page.wait_for_function("() => HSConsole.socketOpen()", timeout=10_000)
            started = time.monotonic()
            alert_id = raise_sos_live(base, scene["token"], trigger="shake")["id"]
            row = page.locator(f".hs-row[data-alert-id='{alert_id}']")
            expect(row).to_be_visible(timeout=ARRIVAL_S * 1000)
            expect(row).to_have_class(has_class("hs-row--new"), timeout=ARRIVAL_S * 1000)
            expect(page.locator("#alarm")).not_to_be_empty(timeout=ARRIVAL_S * 1000)
            expect(page.locator("body")).to_have_class(has_class("hs-alarming"), timeout=ARRIVAL_S * 1000)
            expect(page.locator("#map .hs-alert-marker")).to_have_count(1, timeout=ARRIVAL_S * 1000)
            arrival = time.monotonic() - started
            assert arrival < ARRIVAL_S + 0.5, f"the SOS took {arrival:.1f} s to show"
            assert page.get_attribute("#alarm", "aria-live") == "assertive"
            assert page.evaluate("HSConsole.beeps()") >= 1
            assert page.evaluate("HSConsole.selectedId()") == alert_id  # opened by itself
            expect(row.locator(".hs-citizen")).to_have_text("김화성")
            expect(row.locator(".hs-clock")).to_have_text(re.compile(r"^0:0\d$"))

            # --- The wall: the nearest 4 cameras, all moving; the list and map markers -------------
            tiles = page.locator("#wall .hs-tile")
            expect(tiles).to_have_count(4)
            wall_ids = [int(i) for i in tiles.evaluate_all("ts => ts.map(t => t.dataset.cameraId)")]
            assert wall_ids[0] == scene["live"].pk and scene["dead"].pk not in wall_ids
            assert page.locator("#camera-list .hs-camera-item").count() == 5
            assert page.locator("#map .hs-camera-marker").count() == 5
            assert page.locator("#map path.hs-view-cone").count() >= 1
            expect(tiles.first.locator(".hs-tile__name")).to_have_text("HS-LIVE")
            deadline = time.monotonic() + 25  # the HLS player needs a segment or two first
            moving: list[str] = []
            while time.monotonic() < deadline and len(moving) < 4:
                moving = moving_tiles(page)
            assert len(moving) == 4, page.evaluate(PICTURES)
            assert page.eval_on_selector("#wall .hs-tile video", "v => v.readyState") >= 2
            page.screenshot(path=str(artifacts / "console_sos.png"), full_page=True)  # waiting, ringing

            # Nine tiles: the dead feed says so and the others keep playing.
            page.click("[data-layout='9']")
            expect(tiles).to_have_count(5)
            dead_tile = page.locator(f"#wall .hs-tile[data-camera-id='{scene['dead'].pk}']")
            expect(dead_tile).to_have_attribute("data-state", "dead", timeout=20_000)
            expect(dead_tile.locator(".hs-tile__dead")).to_be_visible()
            assert len(moving_tiles(page)) == 4
            page.click("[data-layout='4']")
            expect(tiles).to_have_count(4)

            # A camera marker clicked on the map goes first on the wall.
            page.locator("#map .hs-camera-marker").nth(3).click()
            expect(tiles.first.locator(".hs-tile__name")).to_have_text("HS-SNAP2")
            expect(tiles).to_have_count(4)

            # --- The server goes away and comes back: offline banner, then the snapshot ------------
            asgi_server.stop()
            expect(page.locator("#offline-banner")).to_be_visible(timeout=5_000)
            asgi_server.start()
            expect(page.locator("#offline-banner")).to_be_hidden(timeout=15_000)
            expect(row).to_be_visible()
            expect(page.locator("body")).to_have_class(has_class("hs-alarming"))

            # --- Claim, escalate, screenshot, close ------------------------------------------------
            page.click("[data-action='claim']")
            expect(row.locator(".hs-status")).to_have_class(has_class("hs-status--claimed"))
            expect(row).not_to_have_class(has_class("hs-row--new"))
            expect(page.locator("body")).not_to_have_class(has_class("hs-alarming"))
            expect(row.locator(".hs-owner")).to_have_text("박관제")

            page.check("form[data-action='escalate'] input[value='fire']")
            page.fill("form[data-action='escalate'] input[name='reason']", "흉기 소지 의심")
            page.click("form[data-action='escalate'] button[type=submit]")
            # No 119 webhook here: not "dispatched", but a "phone 119 now" alarm on the row.
            expect(row.locator(".hs-dispatch-badge")).to_have_text("119 연계 안 됨 — 지금 119에 전화하세요")
            expect(row.locator(".hs-status")).to_have_class(has_class("hs-status--acknowledged"))
            expect(page.locator("#timeline .hs-event--escalated")).to_have_count(1)
            expect(page.locator("#timeline .hs-event--escalated")).to_contain_text("흉기 소지 의심")
            page.fill("form[data-action='notes'] textarea", "순찰차 도착 예정 3분")
            page.click("form[data-action='notes'] button[type=submit]")
            expect(page.locator("#timeline .hs-event--note")).to_contain_text("순찰차 도착 예정 3분")
            page.wait_for_timeout(500)  # a last frame on every tile for the picture
            page.screenshot(path=str(artifacts / "console.png"), full_page=True)

            page.select_option("form[data-action='close'] select[name='disposition']", "safe")
            page.fill("form[data-action='close'] input[name='note']", "귀가 확인")
            page.click("form[data-action='close'] button[type=submit]")
            expect(row).to_have_count(0)
            expect(page.locator("#timeline .hs-event--closed")).to_have_count(1)
            expect(page.locator("#queue-count")).to_have_text("0")
            page.screenshot(path=str(artifacts / "console_closed.png"), full_page=True)

            # --- Next: a duress "cancel" opens by itself (the closed alert no longer holds the view)
            duress_id = raise_sos_live(base, scene["threatened"], trigger="shake")["id"]
            app_post(base, f"alerts/{duress_id}/cancel", scene["threatened"], {"pin": "9999"})
            duress_row = page.locator(f".hs-row[data-alert-id='{duress_id}']")
            expect(duress_row).to_have_class(has_class("hs-row--duress"), timeout=ARRIVAL_S * 1000)
            page.wait_for_function(f"() => HSConsole.selectedId() === {duress_id}",
                                   timeout=ARRIVAL_S * 1000)
            expect(page.locator("#alert-title")).to_have_class(has_class("hs-alert-title--duress"))
            expect(page.locator("body")).to_have_class(has_class("hs-alarming--duress"))
            expect(page.locator("#wall .hs-tile")).to_have_count(4)
            page.screenshot(path=str(artifacts / "console_duress.png"), full_page=True)
        finally:
            browser.close()

    server = urlsplit(base).netloc
    outside = [url for url in requests if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
               and urlsplit(url).netloc != server]
    assert requests and outside == []
    assert errors == []

