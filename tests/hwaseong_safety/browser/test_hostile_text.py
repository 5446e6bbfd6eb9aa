"""Text from outside never becomes HTML (issue 16, point 2), in a real browser.

Hostile strings go in every field a citizen (name, trip destination), a guardian (name, relation),
a camera import (management number, addresses, agency, purpose) and an operator (notes, escalation
reason, closing memo) can write. Then every page that shows them is opened: the console (queue,
detail, timeline, map with its tooltips opened, the video wall, the camera list), the guardian's
tracking page, the admin's camera page with its map and the admin lists and pages of cameras,
citizens, guardians, alerts and trips, the SMS outbox, staff and the access log.

The server runs with CSP_REPORT_ONLY=true, as the probe that found the hole did: the policy would
otherwise stop an injected handler from running and hide the injection. A mutation observer,
installed before any page script, records every element the hostile strings would make, even one
that is made and removed again (a tooltip); ``window.__xss`` records a handler that ran.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from cameras.importing.importer import import_cameras
from cameras.models import Camera
from citizens.auth import issue_token
from citizens.models import Citizen
from guardians.tracking import tracking_token
from operators.models import Center, Role, User
from tests.factories import make_guardian, make_trip
from tests.fixtures.browser import CHROMIUM_ARGS, PASSWORD, SOS_AT, offset, raise_sos_live
from tests.fixtures.servers import AsgiServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMG = "<img src=x onerror=window.__xss=1>"
LINK = "<a href=//evil>x</a>"
SVG = '"><svg onload=window.__xss=3>'
BOLD = "<u>p</u>"  # short enough for the 10-character purpose column
ALL = IMG + LINK + SVG

# Before any script of the page: every element the strings above would make, however briefly.
OBSERVER = """(() => {
  window.__hostile = [];
  const bad = el => (el.tagName === 'IMG' && el.getAttribute('src') === 'x')
    || (el.tagName === 'A' && el.getAttribute('href') === '//evil')
    || el.tagName.toLowerCase() === 'svg' && el.hasAttribute('onload')
    || el.tagName === 'U'
    || Array.from(el.attributes).some(a => a.name.startsWith('on'));
  const look = node => {
    if (node.nodeType !== 1) return;
    [node, ...node.querySelectorAll('*')].forEach(el => {
      if (bad(el)) window.__hostile.push(location.pathname + ' ' + el.outerHTML.slice(0, 120));
    });
  };
  new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(look)))
    .observe(document, {childList: true, subtree: true});
})();"""
# Leaflet makes a tooltip's content only when it opens: open every one on the map.
OPEN_TOOLTIPS = """map => { let n = 0; map.eachLayer(layer => {
  if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); n += 1; } }); return n; }"""


def csv_file(path: Path, near: Point) -> Path:
    header = ["관리기관명", "관리번호", "소재지도로명주소", "소재지지번주소", "설치목적구분", "촬영방면정보",
              "WGS84위도", "WGS84경도"]
    rows = [["경기도 화성시청" + LINK, f"{SVG}{i}", ALL, IMG, BOLD, "북측",
             f"{near.y + i * 0.0002:.6f}", f"{near.x:.6f}"] for i in range(3)]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


@pytest.fixture
def report_only_server(transactional_db: None) -> Iterator[AsgiServer]:
    server = AsgiServer()
    server.env["CSP_REPORT_ONLY"] = "true"
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_hostile_text_stays_text_on_every_page(
    report_only_server: AsgiServer, chromium_path: str, artifacts: Path, tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = report_only_server.url
    hwaseong = Center.objects.create(
        code="41590", name="화성시",
        boundary=MultiPolygon(Polygon.from_bbox((126.80, 37.17, 126.86, 37.23)), srid=4326),
    )
    report = import_cameras(csv_file(tmp_path / "hostile.csv", offset(25)))
    assert report.created == 3, report
    cameras = list(Camera.objects.order_by("id"))
    assert cameras[0].management_number == f"{SVG}0" and cameras[0].road_address == ALL
    for camera in cameras:
        camera.snapshot_url = f"{base}/demo/cameras/{camera.pk}/snapshot.svg"
        camera.save(update_fields=["snapshot_url"])
    User.objects.create_user("op-hostile", password=PASSWORD, role=Role.OPERATOR, center=hwaseong,
                             first_name=IMG)
    admin = User.objects.create_superuser("admin-hostile", "a@example.invalid", PASSWORD,
                                          role=Role.SYSTEM_ADMIN)
    citizen = Citizen.objects.create(phone="01055550000", name=IMG, home_center=hwaseong)
    guardian = make_guardian(citizen, name=SVG)
    guardian.relation = LINK
    guardian.save(update_fields=["relation"])
    here = Point(*SOS_AT, srid=4326)
    trip = make_trip(citizen, destination=offset(150), destination_name=ALL, last_location=here)
    token = issue_token(citizen)
    alert_id = raise_sos_live(base, token, trip=trip.pk)["id"]

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1600, "height": 1100}, locale="ko-KR")
            context.add_init_script(OBSERVER)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("dialog", lambda dialog: dialog.accept())

            def clean(where: str) -> None:
                page.wait_for_timeout(300)  # an <img src=x> fails within a tick; let its handler run
                found = page.evaluate("() => window.__hostile")
                ran = page.evaluate("() => window.__xss === undefined ? null : window.__xss")
                assert found == [] and ran is None, (where, found, ran)

            # --- The console: queue, detail, map, wall, camera list, timeline ----------------------
            page.goto(f"{base}/login/?next=/console/")
            page.fill("#id_username", "op-hostile")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/console/")
            page.wait_for_function("() => window.HSConsole && HSConsole.socketOpen()", timeout=10_000)
            row = page.locator(f".hs-row[data-alert-id='{alert_id}']")
            expect(row.locator(".hs-citizen")).to_have_text(IMG)
            page.wait_for_function(f"() => HSConsole.selectedId() === {alert_id}", timeout=5_000)
            expect(page.locator("#person .hs-person__name")).to_have_text(IMG)
            expect(page.locator("#person")).to_contain_text(ALL)  # the trip's destination
            expect(page.locator("#wall .hs-tile")).to_have_count(3)
            expect(page.locator("#wall")).to_contain_text(f"{SVG}0")
            expect(page.locator("#camera-list")).to_contain_text(f"{SVG}0")
            # The operator writes too: a note, an escalation reason, a closing memo.
            for action, body in (("claim", {}), ("notes", {"text": ALL}),
                                 ("escalate", {"agencies": ["police"], "reason": ALL, "confirm": True})):
                answer = page.evaluate("([path, body]) => HSConsole.api('POST', path, body)",
                                       [f"alerts/{alert_id}/{action}", body])
                assert answer["ok"] or action == "escalate", (action, answer)
            expect(page.locator("#timeline .hs-event--note")).to_contain_text(ALL, timeout=5_000)
            page.wait_for_function("() => HSConsole.map.getZoom() >= 15")
            page.wait_for_selector("#map .hs-camera-dot", timeout=5_000)  # the bbox layer, with tooltips
            opened = page.evaluate(f"() => ({OPEN_TOOLTIPS})(HSConsole.map)")
            assert opened >= 4  # the destination and the three cameras of the bbox layer
            clean("console map")
            expect(page.locator("#map .leaflet-tooltip").filter(has_text=ALL)).to_have_count(1)
            expect(page.locator("#map .leaflet-tooltip").filter(has_text=f"{SVG}1")).to_have_count(1)
            page.screenshot(path=str(artifacts / "hostile_console.png"), full_page=True)
            clean("console")
            answer = page.evaluate("([path, body]) => HSConsole.api('POST', path, body)",
                                   [f"alerts/{alert_id}/close", {"disposition": "safe", "note": ALL}])
            assert answer["ok"], answer
            expect(page.locator("#timeline .hs-event--closed")).to_contain_text(ALL, timeout=5_000)
            clean("console, closed")

            # --- The guardian's tracking page (no login) -------------------------------------------
            page.goto(f"{base}/t/{tracking_token(guardian, trip=trip)}/")
            page.wait_for_selector("#map .leaflet-tooltip", timeout=10_000)  # the destination, always shown
            clean("tracking page")
            expect(page.locator("#map .leaflet-tooltip")).to_have_text(ALL)
            expect(page.locator(".tracking")).to_contain_text("<img")  # the name, shortened, as text
            page.screenshot(path=str(artifacts / "hostile_tracking.png"), full_page=True)
            clean("tracking page")

            # --- The admin: the camera page with its map, and every list and page of these rows ----
            page.goto(f"{base}/admin/login/?next=/admin/")
            page.fill("#id_username", admin.username)
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url("**/admin/")
            page.goto(f"{base}/admin/cameras/camera/{cameras[0].pk}/change/")
            page.wait_for_selector("#id_map.leaflet-container .leaflet-marker-icon")
            opened = page.evaluate(f"() => ({OPEN_TOOLTIPS})(document.getElementById('id_map').hsMap.map)")
            assert opened >= 2  # the two other cameras nearby
            expect(page.locator("#id_map .leaflet-tooltip").filter(has_text=f"{SVG}2")).to_have_count(1)
            page.screenshot(path=str(artifacts / "hostile_admin_camera.png"), full_page=True)
            clean("admin camera page")
            for path in ("cameras/camera/", f"citizens/citizen/{citizen.pk}/change/", "citizens/citizen/",
                         f"guardians/guardian/{guardian.pk}/change/", "guardians/guardian/",
                         f"alerts/alert/{alert_id}/change/", "alerts/alert/",
                         f"alerts/trip/{trip.pk}/change/", "alerts/trip/",
                         "sms/smsmessage/", "operators/user/", "operators/accessrecord/"):
                response = page.goto(f"{base}/admin/{path}")
                assert response.status == 200, path
                clean(f"admin {path}")
            page.goto(f"{base}/admin/cameras/camera/?q=%3Csvg")
            expect(page.locator("#result_list")).to_contain_text(f"{SVG}0")
            page.screenshot(path=str(artifacts / "hostile_admin_changelist.png"), full_page=True)
            clean("admin camera search")
        finally:
            browser.close()
    assert errors == []
