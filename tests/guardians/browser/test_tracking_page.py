"""The guardian's tracking page on a phone-sized chromium: the map marker and the Korean status show,
a position reported through the app API moves the marker by the next poll, and not one request
goes to a host other than the site itself."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from alerts.models import Disclosure, TripLocation
from citizens.auth import issue_token
from citizens.models import Citizen
from guardians.models import Guardian, TrackingView
from guardians.tracking import VIEW_PURPOSE, tracking_token
from tests.factories import make_center, make_guardian, make_trip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def post_location(base: str, citizen: Citizen, trip_id: int, latitude: float, longitude: float) -> int:
    """Through the app API over HTTP, as the phone does (the live server's own thread and database)."""
    body = json.dumps({"locations": [{"latitude": latitude, "longitude": longitude, "accuracy": 15,
                                      "source": "gnss"}]}).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/trips/{trip_id}/locations/", data=body, method="POST",
        headers={"Authorization": f"Bearer {issue_token(citizen)}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # the live server, never outside
        return response.status


def test_tracking_page_follows_the_trip_on_a_phone(
    live_server: object, browser_page: object, artifacts: Path, settings: object,
) -> None:
    settings.MAP_TILE_URL = ""
    settings.GUARDIAN_TRACKING_POLL_SECONDS = 1
    home = make_center("41590", (126.70, 37.00, 127.00, 37.30), name="화성시")
    home.phone = "031-369-2000"
    home.save()
    citizen = Citizen.objects.create(phone="01012345678", name="홍길동", home_center=home)
    guardian: Guardian = make_guardian(citizen)
    start = timezone.now() - timedelta(minutes=3)
    trip = make_trip(citizen, destination=Point(126.8360, 37.2030, srid=4326), destination_name="집",
                     last_location=Point(126.8314, 37.1995, srid=4326), last_location_at=start)
    for i in range(5):
        TripLocation.objects.create(trip=trip, location=Point(126.8300 + i * 0.00035, 37.1985 + i * 0.00025,
                                                              srid=4326),
                                    accuracy=20, recorded_at=start - timedelta(minutes=5 - i))

    page = browser_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{base}/t/{tracking_token(guardian, trip=trip)}/")
    page.wait_for_selector("#map.leaflet-container .hs-person-marker")
    assert page.locator("#status").inner_text() == "귀가 중"
    # The center watching the walk, tap to call (issue 15, point 11).
    assert page.locator("#center-call").inner_text() == "관제센터 화성시 031-369-2000"
    assert page.locator("#center-call a").get_attribute("href") == "tel:031-369-2000"
    assert page.locator("#map .hs-accuracy-circle").count() == 0  # the trip's own copy has no accuracy
    assert page.locator("#map path.hs-trail").count() == 1
    assert page.locator("#map path.hs-destination").count() == 1
    assert page.locator("#age").inner_text().startswith(("마지막 위치 3", "Last position 3"))
    # Phone layout: the map spans the screen's width, the text is large.
    box = page.locator("#map").bounding_box()
    assert box["width"] == pytest.approx(PHONE["width"], abs=1) and box["height"] > 300
    assert float(page.eval_on_selector("#status", "e => getComputedStyle(e).fontSize")[:-2]) >= 24
    page.screenshot(path=str(artifacts / "tracking_before.png"), full_page=True)

    marker = "document.getElementById('map').hsTracking.marker().getLatLng()"
    before = page.evaluate(marker)
    assert (before["lat"], before["lng"]) == pytest.approx((37.1995, 126.8314))
    assert post_location(base, citizen, trip.pk, 37.2010, 126.8335) == 202
    # The poll interval is 1 s in this test: the marker must have moved within a few polls.
    page.wait_for_function(f"() => Math.abs({marker}.lat - 37.2010) < 1e-6", timeout=5000)
    assert page.evaluate(marker)["lng"] == pytest.approx(126.8335)
    assert page.locator("#age").inner_text() in {"마지막 위치 방금 전", "Last position just now"}
    assert page.locator("#map .hs-accuracy-circle").count() == 1
    assert "37.20100" in page.locator("#position").inner_text()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "tracking.png"), full_page=True)

    # One opening, one disclosure; the polls are counted on it.
    assert Disclosure.objects.filter(purpose=VIEW_PURPOSE).count() == 1
    assert TrackingView.objects.get().polls >= 1

    # Revoked: the next poll gets a 404 and the page says the link no longer works.
    Guardian.objects.filter(pk=guardian.pk).update(tracking_revoked_at=timezone.now() + timedelta(seconds=1))
    page.wait_for_selector("#age.age--gone", timeout=5000)

    server = urlsplit(base).netloc
    outside = [url for url in requests if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
               and urlsplit(url).netloc != server]
    assert requests and outside == []
    assert any("/position.json?v=" in url for url in requests)
    assert errors == []
