from __future__ import annotations

import math
import random

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from geographiclib.geodesic import Geodesic

from cameras.api import NearbyCameraSerializer
from cameras.describe import group_poles
from cameras.models import Camera, Status
from cameras.nearby import _SQL, nearest_camera_rows
from citizens.auth import issue_token
from citizens.models import Citizen
from tests.factories import make_camera, make_center, make_staff

pytestmark = pytest.mark.django_db

URL = "/api/v1/cameras/nearest/"
ORIGIN = (126.8313, 37.1995)  # lon, lat: 화성시청 area


@pytest.fixture
def operator_client(client):
    client.force_login(make_staff("op"))
    return client


def _ring(n: int, step_m: float) -> list[Camera]:
    """Cameras on a spiral around ORIGIN, each farther than the last."""
    cameras = []
    for i in range(n):
        g = Geodesic.WGS84.Direct(ORIGIN[1], ORIGIN[0], (i * 47) % 360, step_m * (i + 1))
        cameras.append(make_camera(g["lon2"], g["lat2"]))
    return cameras


def test_anonymous_is_refused(client) -> None:
    response = client.get(URL, {"latitude": 37.2, "longitude": 126.8})
    assert response.status_code == 401


def test_app_token_does_not_open_staff_endpoints(client) -> None:
    citizen = Citizen.objects.create(phone="01012345678", name="홍길동")
    token = issue_token(citizen)
    response = client.get(URL, {"latitude": 37.2, "longitude": 126.8}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403


def test_returns_nearest_first_with_distance_and_bearing(operator_client) -> None:
    cameras = _ring(15, 40)
    response = operator_client.get(URL, {"latitude": ORIGIN[1], "longitude": ORIGIN[0], "limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body] == [c.id for c in cameras[:5]]
    for i, row in enumerate(body):
        assert row["distance_m"] == pytest.approx(40 * (i + 1), abs=0.2)
        assert row["bearing_deg"] == pytest.approx((i * 47) % 360, abs=0.1)


def test_retired_and_maintenance_are_left_out_offline_is_marked(operator_client) -> None:
    retired, maintenance, offline, active = _ring(4, 30)
    Camera.objects.filter(pk=retired.pk).update(status=Status.RETIRED)
    Camera.objects.filter(pk=maintenance.pk).update(status=Status.MAINTENANCE)
    Camera.objects.filter(pk=offline.pk).update(status=Status.OFFLINE)
    body = operator_client.get(URL, {"latitude": ORIGIN[1], "longitude": ORIGIN[0]}).json()
    assert [(row["id"], row["status"]) for row in body] == [(offline.id, "offline"), (active.id, "active")]


def test_radius_limits_results(operator_client) -> None:
    cameras = _ring(10, 100)
    body = operator_client.get(
        URL, {"latitude": ORIGIN[1], "longitude": ORIGIN[0], "radius": 350, "limit": 10}
    ).json()
    assert [row["id"] for row in body] == [c.id for c in cameras[:3]]


def test_crosses_city_borders(operator_client) -> None:
    """Cameras are found across centers: an SOS on a border sees both cities' cameras."""
    make_center("A", (126.0, 37.0, 126.8313, 37.5))
    make_center("B", (126.8313, 37.0, 127.5, 37.5))
    west = make_camera(ORIGIN[0] - 0.0005, ORIGIN[1])
    east = make_camera(ORIGIN[0] + 0.0004, ORIGIN[1])
    Camera.objects.all().assign_centers()
    body = operator_client.get(URL, {"latitude": ORIGIN[1], "longitude": ORIGIN[0], "limit": 2}).json()
    assert [(row["id"], row["center"]) for row in body] == [(east.id, "B"), (west.id, "A")]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"longitude": 126.8}, "latitude"),
        ({"latitude": 91, "longitude": 126.8}, "latitude"),
        ({"latitude": "nan", "longitude": 126.8}, "latitude"),
        ({"latitude": 37.2, "longitude": "inf"}, "longitude"),
        ({"latitude": 37.2, "longitude": "abc"}, "longitude"),
        ({"latitude": 37.2, "longitude": 126.8, "limit": 0}, "limit"),
        ({"latitude": 37.2, "longitude": 126.8, "limit": 51}, "limit"),
        ({"latitude": 37.2, "longitude": 126.8, "radius": -5}, "radius"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(operator_client, params, field) -> None:
    response = operator_client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_nearest_is_one_index_backed_query() -> None:
    _ring(30, 25)
    point = Point(*ORIGIN, srid=4326)
    with CaptureQueriesContext(connection) as queries:
        found = Camera.objects.nearest(point, limit=5)
    assert len(found) == 5
    # (A process's first geography query also reads spatial_ref_sys once, then caches it.)
    camera_queries = [q["sql"] for q in queries.captured_queries if "spatial_ref_sys" not in q["sql"]]
    assert len(camera_queries) == 1
    sql = camera_queries[0]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # tiny table: make the planner show index use
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "Order By: (location <->" in plan
    assert "Sort" not in plan.split("Order By")[0]


def test_true_distance_breaks_sphere_ties() -> None:
    """Two cameras whose order differs between sphere and spheroid distance come out in true order."""
    lat, lon = ORIGIN[1], ORIGIN[0]
    geod = Geodesic.WGS84
    # North-south metres are longer on the spheroid than on the sphere at this latitude, so a
    # camera 200.0 m north and one 200.4 m east swap places on the sphere.
    north = geod.Direct(lat, lon, 0, 200.0)
    east = geod.Direct(lat, lon, 90, 200.4)
    c_east = make_camera(east["lon2"], east["lat2"])
    c_north = make_camera(north["lon2"], north["lat2"])
    found = Camera.objects.nearest(Point(lon, lat, srid=4326), limit=2)
    assert [c.id for c in found] == [c_north.id, c_east.id]
    assert found[0].distance.m == pytest.approx(200.0, abs=0.05)
    assert math.isclose(found[1].distance.m, 200.4, abs_tol=0.05)


def test_sql_rows_are_what_the_serializer_makes_of_the_orm_answer() -> None:
    """The API answers from one SQL statement (cameras/nearby.py); it must say exactly what the
    ORM rule and the documented serializer say, centers, radius, statuses and addresses included."""
    make_center("A", (126.0, 37.0, 126.8313, 37.5))
    cameras = _ring(40, 35)
    Camera.objects.filter(pk=cameras[3].pk).update(status=Status.RETIRED)
    Camera.objects.filter(pk=cameras[5].pk).update(status=Status.OFFLINE, road_address="")
    # Names from addresses, directions, and a pole of three cameras (cameras/describe.py).
    Camera.objects.filter(pk__in=[c.pk for c in cameras[6:12]]).update(management_number="",
                                                                        road_address="시청로 1")
    Camera.objects.filter(pk__in=[c.pk for c in cameras[0:8:2]]).update(bearing=135.0, field_of_view=60.0)
    pole = cameras[1].location
    for _ in range(2):
        make_camera(pole.x + 0.00001, pole.y, management_number="", road_address="시청로 1", bearing=10.0)
    Camera.objects.all().assign_centers()
    rng = random.Random(7)
    for limit, radius in [(10, None), (5, None), (50, None), (10, 400.0), (3, 120.0)]:
        lon = ORIGIN[0] + rng.uniform(-0.0003, 0.0003)
        lat = ORIGIN[1] + rng.uniform(-0.0003, 0.0003)
        found = Camera.objects.select_related("center").nearest(Point(lon, lat, srid=4326), limit, radius)
        expected = group_poles([dict(row) for row in NearbyCameraSerializer(found, many=True).data])
        assert nearest_camera_rows(lon, lat, limit=limit, radius=radius) == expected
        assert expected  # each query point has cameras to compare


def test_sql_rows_walk_the_index() -> None:
    _ring(30, 25)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + _SQL.format(radius=""), {
            "lon": ORIGIN[0], "lat": ORIGIN[1], "limit": 5, "candidates": 20,
            "retired": Status.RETIRED, "maintenance": Status.MAINTENANCE,
        })
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "Index Scan using cameras_camera_location" in plan
    assert "Order By: (location <->" in plan


def test_nearest_request_makes_one_camera_query(operator_client) -> None:
    _ring(12, 30)
    operator_client.get(URL, {"latitude": ORIGIN[1], "longitude": ORIGIN[0]})  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = operator_client.get(URL, {"latitude": ORIGIN[1], "longitude": ORIGIN[0]})
    assert response.status_code == 200 and len(response.json()) == 10
    camera_queries = [q["sql"] for q in queries.captured_queries if "cameras_camera" in q["sql"]]
    assert len(camera_queries) == 1
