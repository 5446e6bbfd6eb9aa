"""The camera change form's Leaflet map in a real browser: marker, boundaries, click-to-set, and not
one request to a host other than the site itself."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from cameras.models import Camera
from operators.models import Center, Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-password-1"


@pytest.fixture
def camera() -> Camera:
    hwaseong = Center.objects.create(
        code="41590", name="화성시",
        boundary=MultiPolygon(Polygon.from_bbox((126.82, 37.19, 126.84, 37.21)), srid=4326),
    )
    Center.objects.create(
        code="41370", name="오산시",
        boundary=MultiPolygon(Polygon.from_bbox((126.84, 37.19, 126.86, 37.21)), srid=4326),
    )
    Camera.objects.create(agency="경기도 화성시", management_number="HS-NEIGHBOUR",
                          location=Point(126.8322, 37.2003, srid=4326), center=hwaseong)
    return Camera.objects.create(
        agency="경기도 화성시", management_number="HS-0001", road_address="경기도 화성시 남양읍 시청로 159",
        location=Point(126.8314, 37.1995, srid=4326), center=hwaseong, bearing=90, field_of_view=60,
    )


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("browser-admin", "admin@example.invalid", PASSWORD,
                                         role=Role.SYSTEM_ADMIN)


def test_camera_map_in_browser(
    live_server: object, browser_page: object, camera: Camera, superuser: User, artifacts: Path,
    settings: object,
) -> None:
    settings.MAP_TILE_URL = ""
    page = browser_page
    base = live_server.url
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{base}/admin/login/?next=/admin/cameras/camera/{camera.pk}/change/")
    page.fill("#id_username", superuser.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**/admin/cameras/camera/{camera.pk}/change/")

    page.wait_for_selector("#id_map.leaflet-container")
    assert page.locator("#id_map .leaflet-marker-icon").count() == 1
    # Own center solid, neighbour dashed, the view cone, the neighbouring camera.
    assert page.locator("#id_map path.hs-boundary--own").count() == 1
    assert page.locator("#id_map path.hs-boundary").count() == 2
    assert page.locator("#id_map path.hs-view-cone").count() == 1
    assert page.locator("#id_map path.hs-nearby").count() == 1
    # The marker image loaded from the vendored copy (a broken image has naturalWidth 0).
    assert page.eval_on_selector("#id_map .leaflet-marker-icon", "img => img.naturalWidth") > 0

    before = (page.input_value("#id_latitude"), page.input_value("#id_longitude"))
    assert before == ("37.199500", "126.831400")
    box = page.locator("#id_map").bounding_box()
    # Up and to the left of the centred marker: north-west of it.
    page.mouse.click(box["x"] + box["width"] / 2 - 150, box["y"] + box["height"] / 2 - 100)
    after = (page.input_value("#id_latitude"), page.input_value("#id_longitude"))
    assert after != before
    latitude, longitude = float(after[0]), float(after[1])
    assert latitude > 37.1995 and longitude < 126.8314

    # Typing a coordinate moves the marker.
    page.fill("#id_longitude", "126.8320")
    marker_lng = page.evaluate("document.getElementById('id_map').hsMap.marker().getLatLng().lng")
    assert marker_lng == pytest.approx(126.832)
    page.fill("#id_longitude", after[1])

    page.screenshot(path=str(artifacts / "admin_map.png"), full_page=True)

    # "Jurisdiction" zooms out to the boundaries; the button click must not move the marker.
    page.click("#id_map .hs-view-button >> nth=0")
    page.wait_for_function("() => document.getElementById('id_map').hsMap.map.getZoom() < 16")
    page.wait_for_timeout(300)  # let the zoom animation finish before the screenshot
    page.locator("#id_map").screenshot(path=str(artifacts / "admin_map_jurisdiction.png"))
    assert page.locator("#id_map path.hs-boundary--own").bounding_box()["width"] > 50
    assert (page.input_value("#id_latitude"), page.input_value("#id_longitude")) == after
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/cameras/camera/")
    assert page.locator(".messagelist .success").count() == 1
    page.screenshot(path=str(artifacts / "admin_changelist.png"), full_page=True)

    camera.refresh_from_db()
    assert (round(camera.location.y, 6), round(camera.location.x, 6)) == (latitude, longitude)

    server = urlsplit(base).netloc
    outside = [url for url in requests if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
               and urlsplit(url).netloc != server]
    assert requests and outside == []
    assert errors == []
