"""Nearest-camera order on the real Hwaseong data, checked against brute-force geodesic distance."""

from __future__ import annotations

import csv
import random

import pytest
from django.contrib.gis.geos import Point
from geographiclib.geodesic import Geodesic

from cameras.importing import import_cameras
from cameras.models import Camera
from tests.factories import make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]

HWASEONG = "경기도 화성시청"


@pytest.fixture
def hwaseong_cameras(shared_data) -> list[Camera]:
    path = shared_data / "cctv" / "hwaseong_osan_cctv.csv"
    import_cameras(path)
    with path.open(encoding="utf-8") as handle:
        expected_rows = sum(1 for row in csv.DictReader(handle) if row["관리기관명"] == HWASEONG)
    cameras = list(Camera.objects.filter(agency=HWASEONG))
    assert len(cameras) == expected_rows
    return cameras


def _brute_force(cameras: list[Camera], lat: float, lon: float, k: int) -> list[tuple[float, int]]:
    geod = Geodesic.WGS84
    ranked = sorted((geod.Inverse(lat, lon, c.location.y, c.location.x)["s12"], c.id) for c in cameras)
    return ranked[:k]


def test_api_returns_ten_hwaseong_cameras_in_true_distance_order(client, hwaseong_cameras) -> None:
    client.force_login(make_staff("op"))
    query = {"latitude": 37.1995, "longitude": 126.8313, "limit": 10}
    response = client.get("/api/v1/cameras/nearest/", query)
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 10
    assert {row["agency"] for row in rows} == {HWASEONG}
    expected = _brute_force(hwaseong_cameras, 37.1995, 126.8313, 10)
    assert [row["distance_m"] for row in rows] == pytest.approx([d for d, _ in expected], abs=0.05)
    # Same ids, except where two cameras stand at exactly the same distance (same pole).
    for row, (distance, camera_id) in zip(rows, expected, strict=True):
        assert row["id"] == camera_id or abs(row["distance_m"] - distance) < 0.05


def test_queryset_matches_brute_force_at_random_points(hwaseong_cameras) -> None:
    rng = random.Random(20261124)
    lats = [c.location.y for c in hwaseong_cameras]
    lons = [c.location.x for c in hwaseong_cameras]
    for _ in range(12):
        lat = rng.uniform(min(lats), max(lats))
        lon = rng.uniform(min(lons), max(lons))
        found = Camera.objects.filter(agency=HWASEONG).nearest(Point(lon, lat, srid=4326), limit=10)
        expected = _brute_force(hwaseong_cameras, lat, lon, 10)
        assert [c.distance.m for c in found] == pytest.approx([d for d, _ in expected], abs=0.05)
