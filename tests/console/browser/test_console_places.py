"""Issue 15, points 2 and 6, in a real browser: an alert without a position says "위치 없음" and
the map leaves the previous alert's area; addresses and the offline context layers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from cameras.models import Camera
from citizens.auth import issue_token
from citizens.models import Citizen
from guardians.models import Guardian
from guardians.tracking import tracking_token
from operators.models import Center, Role, User
from places.importing import import_places_file
from places.models import AdminArea, AreaLevel, Facility, FacilityKind
from tests.fixtures.browser import CHROMIUM_ARGS, PASSWORD, SOS_AT, at_city_hall, offset, raise_sos_live
from tests.fixtures.servers import AsgiServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHARED = Path(settings.SHARED_DATA_DIR)


@pytest.fixture
def town(asgi_server: AsgiServer) -> dict:
    hwaseong = Center.objects.create(
        code="41590", name="화성시", phone="031-369-2000",
        boundary=MultiPolygon(Polygon.from_bbox((126.70, 37.00, 127.00, 37.30)), srid=4326),
    )
    Camera.objects.create(agency="화성시", management_number="HS-0001", location=offset(40), center=hwaseong,
                          road_address="경기도 화성시 남양읍 시청로 159")
    User.objects.create_user("op-places", password=PASSWORD, role=Role.OPERATOR, center=hwaseong,
                             first_name="최관제")
    located = Citizen.objects.create(phone="01011112222", name="김위치", home_center=hwaseong)
    guardian = Guardian.objects.create(citizen=located, name="보호자", phone="01099990000",
                                       decline_token="d-1")
    load_places()
    # A brand-new citizen: no home center, no location ever (the SOS must still reach 화성).
    unknown = Citizen.objects.create(phone="01033334444", name="이모름")
    return {"located": issue_token(located), "unknown": issue_token(unknown), "guardian": guardian}


def load_places() -> None:
    """The real 시군구/읍면동 boundaries when ../shared/data is there, synthetic ones otherwise; a
    police station, a 119 center and a child-protection zone beside 화성시청 either way."""
    sigungu = SHARED / "boundaries/gyeonggi_sigungu.geojson"
    dong = SHARED / "boundaries/hwaseong_dong.geojson"
    if sigungu.is_file() and dong.is_file():
        import_places_file(sigungu)
        import_places_file(dong)
    else:
        for level, code, name, bbox in (
            (AreaLevel.SIGUNGU, "41590", "화성시", (126.70, 37.00, 127.00, 37.30)),
            (AreaLevel.EMD, "31240150", "남양읍", (126.78, 37.15, 126.88, 37.25)),
        ):
            AdminArea.objects.create(level=level, code=code, name=name,
                                     boundary=MultiPolygon(Polygon.from_bbox(bbox), srid=4326))
    for kind, name, east in ((FacilityKind.POLICE, "시청앞파출소", 60),
                             (FacilityKind.FIRE, "시청119안전센터", -70),
                             (FacilityKind.CHILD_ZONE, "시청어린이집", 120)):
        Facility.objects.create(kind=kind, name=name, address="경기도 화성시 남양읍 시청로 159",
                                location=Point(SOS_AT[0] + east / 88_000, SOS_AT[1] - 0.0004, srid=4326))


def login(page: object, base: str) -> None:
    page.goto(f"{base}/login/?next=/console/")
    page.fill("#id_username", "op-places")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/")
    page.wait_for_function("() => window.HSConsole && HSConsole.socketOpen()", timeout=10_000)


def test_an_alert_without_a_position_says_so_and_the_map_leaves_the_last_area(
    asgi_server: AsgiServer, town: dict, chromium_path: str, artifacts: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = asgi_server.url
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1600, "height": 1100}, locale="ko-KR").new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            login(page, base)
            located = raise_sos_live(base, town["located"], at_city_hall(15))["id"]
            page.wait_for_function(f"() => HSConsole.selectedId() === {located}", timeout=5_000)
            expect(page.locator("#map .hs-alert-marker")).to_have_count(1)
            expect(page.locator("#camera-list .hs-camera-item")).to_have_count(1)
            assert page.evaluate("HSConsole.map.getZoom()") >= 15

            unknown = raise_sos_live(base, town["unknown"], None)["id"]
            row = page.locator(f".hs-row[data-alert-id='{unknown}']")
            expect(row).to_be_visible(timeout=3_000)  # the host center's operator sees it
            expect(row.locator(".hs-accuracy")).to_have_text("위치 없음")
            row.click()
            page.wait_for_function(f"() => HSConsole.selectedId() === {unknown}")
            expect(page.locator("#camera-list")).to_have_text("위치 없음")
            expect(page.locator("#camera-list")).not_to_contain_text("CCTV 없음")
            expect(page.locator("#map .hs-map-note")).to_have_text("위치 없음")
            expect(page.locator("#map .hs-alert-marker")).to_have_count(0)
            expect(page.locator("#map .hs-camera-marker")).to_have_count(0)
            page.wait_for_function("() => HSConsole.map.getZoom() <= 12")  # the center, not the old spot
            page.screenshot(path=str(artifacts / "console_no_location.png"), full_page=True)

            page.locator(f".hs-row[data-alert-id='{located}']").click()
            expect(page.locator("#map .hs-map-note")).to_be_hidden()
            expect(page.locator("#map .hs-alert-marker")).to_have_count(1)
            assert re.search(r"\d", page.locator("#camera-list").inner_text())
        finally:
            browser.close()
    assert errors == []


def test_the_address_in_the_console_and_on_the_guardian_page_and_the_layers_on_the_map(
    asgi_server: AsgiServer, town: dict, chromium_path: str, artifacts: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from alerts.models import Alert

    base = asgi_server.url
    errors: list[str] = []
    address = re.compile(r"^화성시 남양읍 · 시청로 159 부근 40 m$")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1600, "height": 1100}, locale="ko-KR").new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            login(page, base)
            alert_id = raise_sos_live(base, town["located"], at_city_hall(15))["id"]
            page.wait_for_function(f"() => HSConsole.selectedId() === {alert_id}", timeout=5_000)
            row = page.locator(f".hs-row[data-alert-id='{alert_id}']")
            expect(row.locator(".hs-row__address")).to_have_text(address)
            expect(page.locator("#alert-address")).to_have_text(address)
            # The context layers: 읍면동 outline and name, police, 119 and child-protection zone.
            expect(page.locator("#map path.hs-area").first).to_be_attached(timeout=5_000)
            expect(page.locator("#map .hs-place-label", has_text="남양읍")).to_be_visible()
            for kind in ("police", "fire", "child_zone"):
                expect(page.locator(f"#map path.hs-facility--{kind}").first).to_be_attached()
            expect(page.locator("#map path.hs-child-zone").first).to_be_attached()
            page.locator("#map path.hs-facility--police").first.hover()
            expect(page.locator(".leaflet-tooltip", has_text="시청앞파출소")).to_be_visible()
            page.screenshot(path=str(artifacts / "console_places.png"), full_page=True)
            page.evaluate("HSConsole.map.setZoom(13)")
            expect(page.locator("#map .hs-place-label", has_text="남양읍")).to_be_in_viewport()
            page.wait_for_timeout(500)
            page.screenshot(path=str(artifacts / "console_places_zoomed_out.png"), full_page=True)

            # The guardian's page (public internet): the address, tap-to-call 112 and 119.
            phone = browser.new_context(viewport={"width": 420, "height": 900}, locale="ko-KR")
            guardian_page = phone.new_page()
            guardian_page.on("pageerror", lambda error: errors.append(str(error)))
            token = tracking_token(town["guardian"], alert=Alert.objects.get(pk=alert_id))
            guardian_page.goto(f"{base}/t/{token}/")
            expect(guardian_page.locator("#address")).to_have_text(address)
            assert guardian_page.get_attribute("#call-112", "href") == "tel:112"
            assert guardian_page.get_attribute("#call-119", "href") == "tel:119"
            expect(guardian_page.locator("#call-112")).to_be_visible()
            guardian_page.wait_for_timeout(300)
            guardian_page.screenshot(path=str(artifacts / "guardian_address.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
