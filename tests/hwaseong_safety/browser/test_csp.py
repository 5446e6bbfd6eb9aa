"""Zero content-security-policy violations in a real browser, on the real ASGI server: the login
page, the console with a live alert on the map and HLS video on the wall, the admin camera page
with its map, and a guardian's tracking page. A deliberate inline script proves the listener and
the policy work (it must be refused and reported)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from citizens.models import Citizen
from guardians.tracking import tracking_token
from operators.models import Role, User
from tests.factories import make_guardian, make_trip
from tests.fixtures.browser import CHROMIUM_ARGS, PASSWORD, raise_sos_live
from tests.fixtures.servers import AsgiServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in every document before its own scripts; reports through a Playwright binding, which the
# policy does not govern.
LISTENER = """document.addEventListener('securitypolicyviolation', e => window.hsCspViolation({
  page: location.pathname, directive: e.violatedDirective, blocked: e.blockedURI,
  source: e.sourceFile + ':' + e.lineNumber, sample: e.sample}));"""
INLINE_PROBE = """() => { const s = document.createElement('script');
  s.textContent = 'window.hsInlineRan = true'; document.body.appendChild(s); return !!window.hsInlineRan; }"""


def test_no_csp_violations_anywhere(
    asgi_server: AsgiServer, scene: dict, chromium_path: str, artifacts: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = asgi_server.url
    admin = User.objects.create_superuser("csp-admin", "c@example.invalid", PASSWORD, role=Role.SYSTEM_ADMIN)
    citizen = Citizen.objects.get(phone="01055556666")
    guardian = make_guardian(citizen)
    trip = make_trip(citizen, last_location=Point(126.8314, 37.1995, srid=4326),
                     last_location_at=timezone.now())
    tracking = f"/t/{tracking_token(guardian, trip=trip)}/"

    violations: list[dict] = []
    console_csp: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        args = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
        browser = playwright.chromium.launch(executable_path=chromium_path, args=args)
        try:
            context = browser.new_context(viewport={"width": 1600, "height": 1100}, locale="ko-KR")
            context.expose_function("hsCspViolation", lambda violation: violations.append(violation))
            context.add_init_script(LISTENER)
            page = context.new_page()
            page.on("console", lambda msg: console_csp.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            page.on("pageerror", lambda error: errors.append(str(error)))

            # --- Login page; the probe shows the policy is enforced and the listener hears it ------
            response = page.goto(f"{base}/login/")
            assert "default-src 'self'" in response.headers["content-security-policy"]
            assert page.evaluate(INLINE_PROBE) is False
            page.wait_for_timeout(300)
            assert [v["directive"] for v in violations] in (["script-src-elem"], ["script-src"])
            assert console_csp, "chromium reports the refused inline script on the console too"
            violations.clear()
            console_csp.clear()

            # --- The console: socket, an SOS on the map, HLS video on the wall ---------------------
            page.fill("#id_username", "op-browser")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/console/")
            page.wait_for_function("() => window.HSConsole && HSConsole.socketOpen()", timeout=10_000)
            alert_id = raise_sos_live(base, scene["token"], trigger="shake")["id"]
            expect(page.locator(f".hs-row[data-alert-id='{alert_id}']")).to_be_visible(timeout=5_000)
            expect(page.locator("#map .hs-alert-marker")).to_have_count(1, timeout=5_000)
            expect(page.locator("#wall .hs-tile")).to_have_count(4)
            # hls.js has fed the <video> (MediaSource blob:, its worker) once it has a frame.
            page.wait_for_function(
                "() => (document.querySelector('#wall .hs-tile video') || {}).readyState >= 2",
                timeout=25_000,
            )
            page.wait_for_timeout(1000)
            page.screenshot(path=str(artifacts / "csp_console.png"))

            # --- The admin camera change page with its map -----------------------------------------
            camera = scene["live"]
            page.goto(f"{base}/admin/login/?next=/admin/cameras/camera/{camera.pk}/change/")
            page.fill("#id_username", admin.username)
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url(f"**/admin/cameras/camera/{camera.pk}/change/")
            page.wait_for_selector("#id_map.leaflet-container .leaflet-marker-icon")
            page.goto(f"{base}/admin/cameras/camera/")
            page.wait_for_selector("#result_list")

            # --- The guardian's tracking page (a phone, no login) ----------------------------------
            page.goto(f"{base}{tracking}")
            page.wait_for_selector("#map.leaflet-container .hs-person-marker", timeout=10_000)
            page.wait_for_timeout(1000)
        finally:
            print("violations:", violations, "console:", console_csp, "errors:", errors)
            browser.close()

    assert violations == []
    assert console_csp == []
    assert errors == []


def test_api_docs_run_under_the_policy_as_the_split_view(
    live_server: object, browser_page: object,
) -> None:
    """Swagger UI with its start-up script as a separate request (hwaseong_safety/urls.py uses
    SpectacularSwaggerSplitView; the single-page view inlines that script)."""
    page = browser_page
    violations: list[dict] = []
    page.expose_function("hsCspViolation", lambda violation: violations.append(violation))
    page.add_init_script(LISTENER)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(f"{live_server.url}/api/docs/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#swagger-ui .opblock", timeout=15_000)  # the operations are listed
    page.wait_for_timeout(500)
    assert violations == [] and errors == []
