"""The nearest-camera rows say what a camera is (issue 15, point 7): a readable name, whether the
queried point is likely in its picture, and which cameras share a pole (cameras/describe.py)."""

from __future__ import annotations

import pytest
from geographiclib.geodesic import Geodesic

from cameras.nearby import nearest_camera_rows
from tests.factories import make_camera, make_staff

pytestmark = pytest.mark.django_db

URL = "/api/v1/cameras/nearest/"
LAT, LON = 37.1995, 126.8313


def at(azimuth: float, metres: float) -> tuple[float, float]:
    """(lon, lat) ``metres`` from the point in the direction ``azimuth``."""
    g = Geodesic.WGS84.Direct(LAT, LON, azimuth, metres)
    return g["lon2"], g["lat2"]


def rows(limit: int = 10) -> dict[int, dict]:
    return {row["id"]: row for row in nearest_camera_rows(LON, LAT, limit=limit)}


def test_a_camera_is_named_by_its_number_else_its_address_and_rank_never_by_id_alone(client) -> None:
    numbered = make_camera(*at(0, 10), management_number="HS-0042", road_address="시청로 159")
    # The real Hwaseong data has no numbers: cameras on one pole share the address.
    first = make_camera(*at(90, 20), management_number="", road_address="시청로 201번길 5")
    second = make_camera(*at(90, 21), management_number="", road_address="시청로 201번길 5")
    lot = make_camera(*at(180, 30), management_number="", lot_address="경기도 화성시 남양읍 남양리 2000")
    other_agency = make_camera(*at(200, 30), management_number="", road_address="시청로 201번길 5",
                               agency="오산시")
    bare = make_camera(*at(270, 40), management_number="", agency="화성시")
    client.force_login(make_staff("op"))
    body = client.get(URL, {"latitude": LAT, "longitude": LON}, HTTP_ACCEPT_LANGUAGE="ko").json()
    names = {row["id"]: row["name"] for row in body}
    assert names == {
        numbered.pk: "HS-0042",
        first.pk: "시청로 201번길 5 1번",
        second.pk: "시청로 201번길 5 2번",
        lot.pk: "남양읍 남양리 2000 1번",  # the province and city are the same for every camera
        other_agency.pk: "시청로 201번길 5 1번",  # ranks are counted per agency
        bare.pk: f"화성시 카메라 {bare.pk}",
    }
    # The rank belongs to the camera, not to the query: asked from far away it is the same.
    far = {row["id"]: row["name"] for row in nearest_camera_rows(LON + 0.01, LAT, limit=10)}
    assert far[second.pk] == "시청로 201번길 5 2번"
    english = client.get(URL, {"latitude": LAT, "longitude": LON}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert {row["id"]: row["name"] for row in english}[second.pk] == "시청로 201번길 5 no. 2"


def test_in_view_compares_where_the_camera_looks_with_where_the_point_is(settings) -> None:
    settings.CAMERA_VIEW_RANGE_METERS = 100
    settings.CAMERA_FIELD_OF_VIEW_DEGREES = 90
    # All 30 m north of the point: the point is due south of each.
    facing_it = make_camera(*at(0, 30), bearing=180.0, field_of_view=60.0)
    edge = make_camera(*at(1, 30), bearing=150.0, field_of_view=70.0)  # 30° off, half-angle 35°
    facing_away = make_camera(*at(2, 30), bearing=0.0, field_of_view=90.0)
    sideways = make_camera(*at(3, 30), bearing=90.0, field_of_view=90.0)
    dome = make_camera(*at(4, 30), field_of_view=360.0)
    unknown = make_camera(*at(5, 30))
    direction_only = make_camera(*at(6, 30), bearing=150.0)  # 36° off: inside the setting's 90°
    too_far = make_camera(*at(7, 150), bearing=187.0, field_of_view=90.0)
    found = rows()
    assert found[facing_it.pk]["in_view"] is True
    assert found[edge.pk]["in_view"] is True
    assert found[facing_away.pk]["in_view"] is False
    assert found[sideways.pk]["in_view"] is False
    assert found[dome.pk]["in_view"] is True and found[dome.pk]["view_angle"] == 360
    assert found[unknown.pk]["in_view"] is None and found[unknown.pk]["view_angle"] is None
    assert found[direction_only.pk]["in_view"] is True and found[direction_only.pk]["view_angle"] == 90
    assert found[too_far.pk]["in_view"] is False
    # A narrower default angle: the direction-only camera no longer sees a point 36° off its axis.
    settings.CAMERA_FIELD_OF_VIEW_DEGREES = 60
    found = rows()
    assert found[direction_only.pk]["in_view"] is False and found[direction_only.pk]["view_angle"] == 60


def test_a_camera_right_over_the_point_sees_it() -> None:
    over = make_camera(LON, LAT, bearing=0.0, field_of_view=90.0)
    row = rows()[over.pk]
    assert row["bearing_deg"] is None and row["in_view"] is True


def test_cameras_within_a_few_metres_are_one_pole(settings) -> None:
    settings.CAMERA_POLE_METERS = 5
    pole = [make_camera(*at(45, 40), bearing=b) for b in (0.0, 120.0, 240.0)]
    pole.append(make_camera(*at(46, 41.5)))  # 1.7 m from the first
    alone = make_camera(*at(45, 60))  # 20 m further on
    other = make_camera(*at(225, 10))
    found = nearest_camera_rows(LON, LAT, limit=10)
    by_id = {row["id"]: row for row in found}
    # The pole is named by its nearest camera, and every member says how many stand there.
    nearest_of_pole = min(pole, key=lambda c: (by_id[c.pk]["distance_m"], c.pk)).pk
    assert {by_id[c.pk]["pole"] for c in pole} == {nearest_of_pole}
    assert {by_id[c.pk]["pole_size"] for c in pole} == {4}
    assert by_id[alone.pk]["pole"] == alone.pk and by_id[alone.pk]["pole_size"] == 1
    assert by_id[other.pk]["pole"] == other.pk and by_id[other.pk]["pole_size"] == 1
    assert [row["id"] for row in found][0] == other.pk  # still nearest first
    settings.CAMERA_POLE_METERS = 0
    assert {row["pole_size"] for row in nearest_camera_rows(LON, LAT, limit=10)} == {1}
