"""The camera admin against real PostGIS: Korean pages, filters, search, bulk actions, the location form."""

from __future__ import annotations

import json
import re
from datetime import date
from itertools import count

import pytest
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from cameras.models import Camera, CameraEvent, EventKind, Purpose, Status
from operators.models import Center, Role, User
from tests.fixtures.cameras import camera_form_data

pytestmark = pytest.mark.django_db

LATITUDE_RANGE = "Latitude must be between %(low)s and %(high)s degrees north (inside Korea)."
LONGITUDE_RANGE = "Longitude must be between %(low)s and %(high)s degrees east (inside Korea)."
CHANGELIST = reverse("admin:cameras_camera_changelist")
_numbers = count(1)


def center(code: str, bbox: tuple[float, float, float, float], name: str) -> Center:
    return Center.objects.create(
        code=code, name=name, boundary=MultiPolygon(Polygon.from_bbox(bbox), srid=4326)
    )


def camera(lon: float = 126.83, lat: float = 37.20, **fields: object) -> Camera:
    fields.setdefault("agency", "경기도 화성시")
    fields.setdefault("management_number", f"HS-{next(_numbers):04d}")
    return Camera.objects.create(location=Point(lon, lat, srid=4326), **fields)


@pytest.fixture
def cameras() -> dict[str, Camera]:
    hwaseong = center("41590", (126.5, 37.0, 127.2, 37.3), "화성시")
    osan = center("41370", (127.0, 37.13, 127.1, 37.2), "오산시")
    return {
        "ptz": camera(management_number="HS-PTZ", road_address="경기도 화성시 남양읍 시청로 159",
                      purpose=Purpose.CRIME_PREVENTION, has_ptz=True, center=hwaseong,
                      installed_on=date(2019, 3, 1)),
        "ai": camera(management_number="HS-AI", road_address="경기도 화성시 봉담읍 동화길 10",
                     purpose=Purpose.CHILD_PROTECTION, has_ai=True, center=hwaseong,
                     installed_on=date(2021, 7, 1), status=Status.OFFLINE),
        "recognition": camera(127.05, 37.15, management_number="OS-REC", lot_address="오산시 원동 123-4",
                              purpose=Purpose.TRAFFIC_ENFORCEMENT, has_recognition=True, center=osan,
                              installed_on=date(2021, 1, 1), status=Status.MAINTENANCE),
        "plain": camera(management_number="HS-PLAIN", road_address="경기도 화성시 향남읍 행정중앙1로 1"),
    }


def listed(client: Client, **params: str) -> set[str]:
    """Management numbers on the changelist for the given query parameters."""
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {camera.management_number for camera in response.context["cl"].result_list}


def test_changelist_is_in_korean(admin_client: Client, cameras: dict[str, Camera]) -> None:
    response = admin_client.get(CHANGELIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ko"' in html
    # Django's own Korean catalog: search, filter, action, "select camera to change".
    assert "검색" in html and "필터" in html and "액션" in html and "선택" in html
    assert "HS-PTZ" in html and "경기도 화성시 남양읍 시청로 159" in html
    assert reverse("admin:cameras_camera_import") in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"purpose__exact": Purpose.CHILD_PROTECTION}, {"HS-AI"}),
        ({"status__exact": Status.MAINTENANCE}, {"OS-REC"}),
        ({"capability": "ptz"}, {"HS-PTZ"}),
        ({"capability": "ai"}, {"HS-AI"}),
        ({"capability": "recognition"}, {"OS-REC"}),
        ({"installed_on_year": "2021"}, {"HS-AI", "OS-REC"}),
        ({"installed_on_year": "2019"}, {"HS-PTZ"}),
        ({"installed_on_year": "2005"}, set()),
        ({}, {"HS-PTZ", "HS-AI", "OS-REC", "HS-PLAIN"}),
    ],
)
def test_filters_narrow_the_list(
    admin_client: Client, cameras: dict[str, Camera], params: dict[str, str], expected: set[str]
) -> None:
    assert listed(admin_client, **params) == expected


def test_center_filter_and_year_choices(admin_client: Client, cameras: dict[str, Camera]) -> None:
    osan = Center.objects.get(code="41370")
    assert listed(admin_client, center__id__exact=str(osan.pk)) == {"OS-REC"}
    html = admin_client.get(CHANGELIST).content.decode()
    # The year filter lists exactly the years present.
    assert set(re.findall(r"installed_on_year=(\d{4})", html)) == {"2019", "2021"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [("남양읍", {"HS-PTZ"}), ("원동 123", {"OS-REC"}), ("HS-AI", {"HS-AI"}), ("행정중앙", {"HS-PLAIN"})],
)
def test_search_by_address_and_number(
    admin_client: Client, cameras: dict[str, Camera], query: str, expected: set[str]
) -> None:
    assert listed(admin_client, q=query) == expected


@pytest.mark.parametrize(
    ("action", "status"),
    [("mark_active", Status.ACTIVE), ("mark_offline", Status.OFFLINE),
     ("mark_maintenance", Status.MAINTENANCE), ("mark_retired", Status.RETIRED)],
)
def test_bulk_status_actions(
    admin_client: Client, admin_user: object, cameras: dict[str, Camera], action: str, status: Status
) -> None:
    chosen = [cameras["ptz"], cameras["ai"], cameras["recognition"]]
    response = admin_client.post(
        CHANGELIST, {"action": action, "_selected_action": [c.pk for c in chosen]}, follow=True
    )
    assert response.status_code == 200
    for item in chosen:
        item.refresh_from_db()
        assert item.status == status
    assert Camera.objects.get(pk=cameras["plain"].pk).status == Status.ACTIVE
    # The action leaves alone the one chosen camera that already had the status (none was retired).
    changed = 3 if status == Status.RETIRED else 2
    message = [str(m) for m in response.context["messages"]]
    with translation.override("ko"):
        expected = ngettext("%(count)d camera set to “%(status)s”.", "%(count)d cameras set to “%(status)s”.",
                            changed) % {"count": changed, "status": status.label}
    assert message == [expected]
    events = CameraEvent.objects.filter(kind=EventKind.RETIRED)
    if status == Status.RETIRED:
        assert {e.camera_id for e in events} == {c.pk for c in chosen}
        assert all(e.recorded_by == admin_user for e in events)
    else:
        assert not events.exists()


def test_retiring_twice_writes_one_event_and_uses_seoul_date(
    client: Client, admin_user: object, cameras: dict[str, Camera], time_machine: object
) -> None:
    # 23:30 UTC on 31 Dec is already 1 Jan in Seoul.
    time_machine.move_to("2026-12-31T23:30:00+00:00", tick=False)
    client.force_login(admin_user)
    admin_client = client
    data = {"action": "mark_retired", "_selected_action": [cameras["ptz"].pk]}
    admin_client.post(CHANGELIST, data)
    admin_client.post(CHANGELIST, data)
    event = CameraEvent.objects.get(camera=cameras["ptz"])
    assert event.kind == EventKind.RETIRED and event.occurred_on == date(2027, 1, 1)


def test_change_form_shows_coordinates_and_map(admin_client: Client, cameras: dict[str, Camera]) -> None:
    item = cameras["ptz"]
    html = admin_client.get(reverse("admin:cameras_camera_change", args=[item.pk])).content.decode()
    assert 'name="latitude"' in html and 'value="37.200000"' in html and 'value="126.830000"' in html
    assert 'class="hs-map"' in html and "vendor/leaflet/leaflet.js" in html
    assert "화성시" in html  # the center boundary is in the map configuration


def test_change_form_map_names_nearby_cameras_never_by_id(admin_client: Client) -> None:
    here = camera(126.8300, 37.2000, management_number="HERE-1")
    camera(126.8301, 37.2000, management_number="HS-0042")
    camera(126.8302, 37.2000, management_number="", road_address="경기도 화성시 남양읍 시청로 159")
    response = admin_client.get(reverse("admin:cameras_camera_change", args=[here.pk]))
    config = json.loads(re.search(r'<script id="id_map_config" type="application/json">(.*?)</script>',
                                  response.content.decode(), re.S).group(1))
    assert sorted(row[2] for row in config["nearby"]) == ["HS-0042", "남양읍 시청로 159"]


def test_change_form_saves_location(admin_client: Client, cameras: dict[str, Camera]) -> None:
    item = cameras["ptz"]
    url = reverse("admin:cameras_camera_change", args=[item.pk])
    response = admin_client.post(url, camera_form_data(item, latitude="37.123456", longitude="126.987654"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert (round(item.location.y, 6), round(item.location.x, 6)) == (37.123456, 126.987654)
    assert item.location.srid == 4326


def test_untouched_coordinates_keep_the_precise_location(
    admin_client: Client, cameras: dict[str, Camera]
) -> None:
    item = camera(126.831412345678, 37.199512345678, road_address="경기도 화성시 남양읍")
    url = reverse("admin:cameras_camera_change", args=[item.pk])
    # The form shows 6 decimals; posting them back unchanged with another edit keeps the point.
    data = camera_form_data(item, latitude="37.199512", longitude="126.831412",
                            road_address="경기도 화성시 송산면")
    assert admin_client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.road_address == "경기도 화성시 송산면"
    assert (item.location.x, item.location.y) == (126.831412345678, 37.199512345678)
    # More decimals than shown are accepted when typed.
    assert admin_client.post(url, camera_form_data(item, latitude="37.19951111")).status_code == 302
    item.refresh_from_db()
    assert item.location.y == pytest.approx(37.19951111, abs=1e-9)


def test_add_form_creates_camera_with_location(admin_client: Client, cameras: dict[str, Camera]) -> None:
    data = camera_form_data(Camera(agency="경기도 화성시", management_number="HS-NEW", status=Status.ACTIVE),
                      latitude="37.1", longitude="126.9")
    response = admin_client.post(reverse("admin:cameras_camera_add"), data)
    assert response.status_code == 302
    created = Camera.objects.get(management_number="HS-NEW")
    assert (created.location.y, created.location.x) == pytest.approx((37.1, 126.9))


@pytest.mark.parametrize(
    ("latitude", "longitude", "field", "message"),
    [
        ("40.5", "126.9", "latitude", LATITUDE_RANGE),
        ("32.9", "126.9", "latitude", LATITUDE_RANGE),
        ("37.2", "139.7", "longitude", LONGITUDE_RANGE),
        ("37.2", "-126.9", "longitude", LONGITUDE_RANGE),
        ("NaN", "126.9", "latitude", "Enter the latitude as a decimal number, e.g. 37.199500."),
        ("37.2", "Infinity", "longitude", "Enter the longitude as a decimal number, e.g. 126.831400."),
        ("abc", "126.9", "latitude", "Enter the latitude as a decimal number, e.g. 37.199500."),
        ("", "126.9", "latitude", "This field is required."),
    ],
)
def test_change_form_rejects_bad_coordinates(
    admin_client: Client, cameras: dict[str, Camera], latitude: str, longitude: str, field: str, message: str
) -> None:
    item = cameras["ptz"]
    url = reverse("admin:cameras_camera_change", args=[item.pk])
    response = admin_client.post(url, camera_form_data(item, latitude=latitude, longitude=longitude))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    # The page is in Korean: compare with the message as the Korean catalog renders it.
    bounds = {"latitude": {"low": "33", "high": "38.7"}, "longitude": {"low": "124.5", "high": "132"}}
    with translation.override("ko"):
        expected = gettext(message) % bounds[field] if "%(" in message else gettext(message)
    assert errors[field] == [expected]
    item.refresh_from_db()
    assert (item.location.y, item.location.x) == pytest.approx((37.2, 126.83))


@override_settings(MAP_TILE_URL="")
@pytest.mark.parametrize("page", ["changelist", "change", "add", "center", "events"])
def test_no_page_references_an_outside_host(
    admin_client: Client, cameras: dict[str, Camera], page: str
) -> None:
    urls = {
        "changelist": CHANGELIST,
        "change": reverse("admin:cameras_camera_change", args=[cameras["ptz"].pk]),
        "add": reverse("admin:cameras_camera_add"),
        "center": reverse("admin:operators_center_change", args=[cameras["ptz"].center_id]),
        "events": reverse("admin:cameras_cameraevent_changelist"),
    }
    response = admin_client.get(urls[page])
    assert response.status_code == 200
    html = response.content.decode()
    outside = [
        url for url in re.findall(r"(?:https?:)?//[^\s\"'<>)]+", html)
        if not re.match(r"(?:https?:)?//(testserver|localhost|127\.0\.0\.1)(?::\d+)?(/|$)", url)
    ]
    # The SVG namespace is an identifier the browser never fetches.
    assert [u for u in outside if not u.startswith("http://www.w3.org/")] == []


def test_center_and_user_admins_load(admin_client: Client, cameras: dict[str, Camera]) -> None:
    response = admin_client.get(reverse("admin:operators_center_changelist"))
    assert response.status_code == 200
    rows = {c.code: c.camera_count for c in response.context["cl"].result_list}
    assert rows == {"41590": 2, "41370": 1}
    other = User.objects.create_user("someone-else", role=Role.OPERATOR)
    response = admin_client.get(reverse("admin:operators_user_changelist"))
    assert response.status_code == 200
    assert other in response.context["cl"].result_list
    # Another's account: one's own role is read-only (docs/security.md, staff accounts).
    html = admin_client.get(reverse("admin:operators_user_change", args=[other.pk])).content.decode()
    assert 'name="role"' in html and 'name="center"' in html


def test_import_page_is_wired(admin_client: Client) -> None:
    url = reverse("admin:cameras_camera_import")
    assert url == "/admin/cameras/camera/import/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def test_import_needs_add_and_change_permission(client: Client) -> None:
    viewer = User.objects.create_user("viewer", password="pw-for-tests-only", is_staff=True)
    # Adding alone is not enough: an import also updates existing cameras.
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_camera", "add_camera"]))
    client.force_login(viewer)
    assert client.get(reverse("admin:cameras_camera_import")).status_code == 403
    # Nor is the button shown to someone who cannot add.
    html = client.get(CHANGELIST).content.decode()
    assert reverse("admin:cameras_camera_import") not in html


@pytest.mark.parametrize(("action", "encoding"), [("export_standard_csv", "utf-8-sig"),
                                                  ("export_standard_csv_cp949", "cp949")])
def test_export_action_returns_selected_cameras_as_csv(
    admin_client: Client, cameras: dict[str, Camera], action: str, encoding: str
) -> None:
    chosen = [cameras["ptz"], cameras["recognition"]]
    response = admin_client.post(CHANGELIST, {"action": action, "_selected_action": [c.pk for c in chosen]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode(encoding)
    assert "HS-PTZ" in text and "OS-REC" in text and "경기도 화성시 남양읍 시청로 159" in text
    assert "HS-AI" not in text and "HS-PLAIN" not in text


def test_event_admin_lists_by_kind_and_year(admin_client: Client, cameras: dict[str, Camera]) -> None:
    for item, kind, day in [
        (cameras["ptz"], EventKind.INSTALLED, date(2019, 3, 1)),
        (cameras["ptz"], EventKind.REPLACED, date(2025, 5, 1)),
        (cameras["ai"], EventKind.REPLACED, date(2024, 6, 1)),
    ]:
        CameraEvent.objects.create(camera=item, kind=kind, occurred_on=day)
    url = reverse("admin:cameras_cameraevent_changelist")

    def events(**params: str) -> set[tuple[str, int]]:
        response = admin_client.get(url, params)
        assert response.status_code == 200
        return {(e.kind, e.occurred_on.year) for e in response.context["cl"].result_list}

    assert events(kind__exact=EventKind.REPLACED) == {("replaced", 2025), ("replaced", 2024)}
    assert events(occurred_on_year="2025") == {("replaced", 2025)}
    assert events(kind__exact=EventKind.INSTALLED, occurred_on_year="2024") == set()


def test_change_form_records_inline_event_with_user(
    admin_client: Client, admin_user: object, cameras: dict[str, Camera]
) -> None:
    item = cameras["ptz"]
    data = camera_form_data(item) | {
        "events-TOTAL_FORMS": "1", "events-0-kind": EventKind.UPGRADED,
        "events-0-occurred_on": "2025-02-03", "events-0-note": "AI 모듈 추가",
    }
    response = admin_client.post(reverse("admin:cameras_camera_change", args=[item.pk]), data)
    assert response.status_code == 302
    event = CameraEvent.objects.get(camera=item)
    assert (event.kind, event.occurred_on) == (EventKind.UPGRADED, date(2025, 2, 3))
    assert event.recorded_by == admin_user


def test_map_uses_the_internal_tile_server_when_configured(
    admin_client: Client, cameras: dict[str, Camera], settings: object
) -> None:
    settings.MAP_TILE_URL = "http://tiles.center.local/{z}/{x}/{y}.png"
    html = admin_client.get(reverse("admin:cameras_camera_change", args=[cameras["ptz"].pk])).content.decode()
    assert '"tileUrl": "http://tiles.center.local/{z}/{x}/{y}.png"' in html


def test_center_change_shows_boundary_on_map_without_geometry_input(
    admin_client: Client, cameras: dict[str, Camera]
) -> None:
    hwaseong = Center.objects.get(code="41590")
    html = admin_client.get(reverse("admin:operators_center_change", args=[hwaseong.pk])).content.decode()
    assert 'class="hs-map"' in html and '"mode": "center"' in html
    assert 'name="boundary"' not in html  # GeoDjango's widget would load OpenLayers from a CDN


def test_user_admin_creates_staff_with_role_and_center(
    admin_client: Client, cameras: dict[str, Camera]
) -> None:
    hwaseong = Center.objects.get(code="41590")
    response = admin_client.post(reverse("admin:operators_user_add"), {
        "username": "hs-operator-7", "usable_password": "true",
        "password1": "a-long-enough-pass-2026", "password2": "a-long-enough-pass-2026",
        "role": Role.SUPERVISOR, "center": str(hwaseong.pk),
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="hs-operator-7")
    assert (user.role, user.center) == (Role.SUPERVISOR, hwaseong)
    users = admin_client.get(reverse("admin:operators_user_changelist"), {"role__exact": Role.SUPERVISOR})
    assert [u.username for u in users.context["cl"].result_list] == ["hs-operator-7"]
