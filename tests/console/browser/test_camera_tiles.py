"""Camera tiles say what they are (issue 15, point 7), in a real browser on the real ASGI server.

One SOS with seven cameras around it: live HLS video, a snapshot-only camera, one with no stream
configured, one the registry marks offline, one whose stream is gone, and two cameras without
management numbers on one pole. Each tile must say in words which it is (a snapshot with its age,
never "live"); the list, the wall and the map show where each camera stands from the alert,
where it looks and whether the alert's position is likely in its picture; the two cameras on the
pole are named by their address and rank and grouped in the list and on the map.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connections

from cameras.models import Camera, Status
from citizens.auth import issue_token
from citizens.models import Citizen
from operators.models import Center, Role, User
from tests.fixtures.browser import CHROMIUM_ARGS, PASSWORD, SOS_AT, offset, raise_sos_live
from tests.fixtures.servers import AsgiServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def east_of(point: Point, metres: float) -> Point:
    return Point(point.x + metres / 88_700, point.y, srid=4326)  # ~88.7 km a degree of longitude here


@pytest.fixture
def cameras(asgi_server: AsgiServer, hls_stream: str) -> dict[str, Camera]:
    base = asgi_server.url
    hwaseong = Center.objects.create(
        code="41590", name="화성시",
        boundary=MultiPolygon(Polygon.from_bbox((126.80, 37.17, 126.86, 37.23)), srid=4326),
    )
    make = Camera.objects.create
    found = {
        # North of the alert, looking south at it: in view.
        "live": make(agency="화성시", management_number="HS-LIVE", location=offset(30), center=hwaseong,
                     bearing=180, field_of_view=90, hls_url=f"{base}/demo/streams/{hls_stream}/index.m3u8"),
        # Looking north, away from the alert.
        "snapshot": make(agency="화성시", management_number="HS-SNAP", location=offset(45), center=hwaseong,
                         bearing=0, field_of_view=60),
        "none": make(agency="화성시", management_number="HS-NONE", location=offset(60), center=hwaseong),
        "offline": make(agency="화성시", management_number="HS-OFF", location=offset(75), center=hwaseong,
                        status=Status.OFFLINE),
        "lost": make(agency="화성시", management_number="HS-GONE", location=offset(90), center=hwaseong,
                     hls_url=f"{base}/demo/streams/{hls_stream}-gone/index.m3u8"),
        # Two cameras on one pole 40 m east, no management numbers (like the real Hwaseong data).
        "pole_a": make(agency="화성시", road_address="시청로 201번길 5", location=east_of(offset(0), 40),
                       center=hwaseong, bearing=270, field_of_view=90),
        "pole_b": make(agency="화성시", road_address="시청로 201번길 5", location=east_of(offset(1), 40),
                       center=hwaseong, field_of_view=360),
    }
    # West of the alert: the eighth nearest, and a ninth the console's list leaves out, which looks
    # east at the alert from 95 m (clicked on the map's camera layer, below).
    found["west"] = make(agency="화성시", management_number="HS-WEST", location=east_of(offset(0), -80),
                         center=hwaseong)
    found["ninth"] = make(agency="화성시", management_number="HS-NINTH", location=east_of(offset(0), -95),
                          center=hwaseong, bearing=90, field_of_view=90)
    found["snapshot"].snapshot_url = f"{base}/demo/cameras/{found['snapshot'].pk}/snapshot.svg"
    found["snapshot"].save(update_fields=["snapshot_url"])
    User.objects.create_user("op-tiles", password=PASSWORD, role=Role.OPERATOR, center=hwaseong,
                             first_name="최관제")
    return found


def test_tiles_say_live_snapshot_none_offline_and_lost_with_direction_and_poles(
    asgi_server: AsgiServer, cameras: dict[str, Camera], chromium_path: str, artifacts: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = asgi_server.url
    citizen = Citizen.objects.create(phone="01033334444", name="정안전")
    errors: list[str] = []
    with sync_playwright() as playwright:
        args = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
        browser = playwright.chromium.launch(executable_path=chromium_path, args=args)
        try:
            page = browser.new_context(viewport={"width": 1600, "height": 1100}, locale="ko-KR").new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{base}/login/?next=/console/")
            page.fill("#id_username", "op-tiles")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/console/")
            page.wait_for_function("() => window.HSConsole && HSConsole.socketOpen()", timeout=10_000)
            alert_id = raise_sos_live(base, issue_token(citizen), trigger="shake")["id"]
            page.wait_for_function(f"() => HSConsole.selectedId() === {alert_id}", timeout=5_000)
            page.click("[data-layout='9']")
            tiles = page.locator("#wall .hs-tile")
            expect(tiles).to_have_count(8)

            def tile(key: str) -> object:
                return page.locator(f"#wall .hs-tile[data-camera-id='{cameras[key].pk}']")

            # --- Each tile says what it shows ------------------------------------------------------
            expect(tile("live")).to_have_attribute("data-feed", "live", timeout=25_000)
            expect(tile("live").locator(".hs-tile__feed")).to_have_text("실시간 영상")
            expect(tile("snapshot")).to_have_attribute("data-feed", "snapshot", timeout=10_000)
            snapshot_badge = tile("snapshot").locator(".hs-tile__feed")
            expect(snapshot_badge).to_have_text(re.compile(r"^정지 화면 · \d+초 전$"))
            expect(snapshot_badge).to_be_visible()  # on top of the picture, not under the caption
            expect(tile("none")).to_have_attribute("data-feed", "none")
            expect(tile("none").locator(".hs-tile__dead")).to_have_text("영상 주소 없음")
            expect(tile("offline")).to_have_attribute("data-feed", "offline")
            expect(tile("offline").locator(".hs-tile__dead")).to_have_text("카메라 장애 (오프라인)")
            expect(tile("offline").locator(".hs-tile__status")).to_have_text("장애")  # the registry's word
            expect(tile("lost")).to_have_attribute("data-feed", "lost", timeout=25_000)
            expect(tile("lost").locator(".hs-tile__dead")).to_have_text("신호 없음 · 재시도 중")
            expect(tile("lost").locator(".hs-tile__dead")).to_be_visible()
            # Only the registry's exceptions are named: no "활성" on a working tile.
            assert tile("live").locator(".hs-tile__status").count() == 0
            # No tile but the video says "live".
            feeds = tiles.evaluate_all("ts => ts.map(t => t.dataset.feed)")
            assert feeds.count("live") == 1, feeds

            # --- Direction and view: wall, list, map -----------------------------------------------
            expect(tile("live").locator(".hs-cam-where")).to_have_text("↑북 30 m")
            expect(tile("live").locator(".hs-cam-facing")).to_have_text("↑남쪽 촬영")
            expect(tile("live").locator(".hs-cam-view")).to_have_text("신고 위치 보임")
            expect(tile("snapshot").locator(".hs-cam-view")).to_have_text("다른 방향")
            expect(tile("none").locator(".hs-cam-view")).to_have_text("방향 정보 없음")
            facing = tile("live").locator(".hs-arrow--facing").evaluate("a => a.style.transform")
            assert facing == "rotate(180deg)"
            item = page.locator(f"#camera-list .hs-camera-item[data-camera-id='{cameras['live'].pk}']")
            expect(item.locator(".hs-cam-view")).to_have_attribute("data-in-view", "yes")
            # The live camera and both on the pole (one looks west at the alert, one all around).
            expect(page.locator("#map path.hs-view-cone--sees")).to_have_count(3)
            expect(page.locator("#map .hs-camera-marker--sees")).to_have_count(2)  # the live one, the pole

            # --- Two cameras on one pole: named by address and rank, grouped -----------------------
            names = [page.locator(f"#camera-list .hs-camera-item[data-camera-id='{cameras[k].pk}'] "
                                  ".hs-camera-item__name").text_content() for k in ("pole_a", "pole_b")]
            assert names == ["시청로 201번길 5 1번", "시청로 201번길 5 2번"]
            listed = page.locator(".hs-camera-item__name").all_text_contents()
            assert all("#" not in name for name in listed)
            pole_heading = page.locator("#camera-list .hs-camera-pole")
            expect(pole_heading).to_have_text("같은 기둥 2대 · 시청로 201번길 5")
            order = page.locator("#camera-list li").evaluate_all(
                "ls => ls.map(l => l.dataset.cameraId || 'pole:' + l.dataset.pole)")
            heading = order.index(f"pole:{cameras['pole_a'].pk}")
            assert order[heading + 1:heading + 3] == [str(cameras["pole_a"].pk), str(cameras["pole_b"].pk)]
            pole_marker = page.locator("#map .hs-camera-marker--pole")
            expect(pole_marker).to_have_count(1)
            expect(pole_marker).to_have_text(re.compile(r"^\d·\d$"))
            expect(page.locator("#map .hs-camera-marker")).to_have_count(7)  # eight cameras, seven poles
            page.wait_for_timeout(1500)
            page.screenshot(path=str(artifacts / "camera_tiles.png"), full_page=True)

            # The pole clicked on the map: both its cameras lead the wall.
            page.click("[data-layout='4']")
            pole_marker.click()
            first_two = tiles.evaluate_all("ts => ts.slice(0, 2).map(t => Number(t.dataset.cameraId))")
            assert sorted(first_two) == sorted([cameras["pole_a"].pk, cameras["pole_b"].pk])
            page.screenshot(path=str(artifacts / "camera_tiles_pole.png"), full_page=True)

            # A camera outside the list, clicked on the map's camera layer: its direction and view
            # are still measured from the alert, not from where it was clicked.
            ninth = cameras["ninth"]
            page.evaluate(f"() => HSConsole.map.setView([{SOS_AT[1]}, {SOS_AT[0]}], 17)")
            page.wait_for_function(f"""() => {{ let hit = null; HSConsole.map.eachLayer(l => {{
                if (l.options.className && l.options.className.includes('hs-camera-dot')
                    && Math.abs(l.getLatLng().lng - {ninth.location.x}) < 1e-7) hit = l; }});
                if (hit) hit.fire('click', {{latlng: hit.getLatLng()}}); return !!hit; }}""", timeout=5_000)
            first = tiles.first
            expect(first).to_have_attribute("data-camera-id", str(ninth.pk))
            expect(first.locator(".hs-tile__name")).to_have_text("HS-NINTH")
            expect(first.locator(".hs-cam-where")).to_have_text("↑서 95 m")
            expect(first.locator(".hs-cam-view")).to_have_text("신고 위치 보임")
        finally:
            browser.close()
            connections.close_all()  # the ORM calls above must not keep the test database open
    assert errors == []
