"""seed_demo: synthetic and real demo data, demo staff, idempotence, production refusal.

Seeding is done once per class (committed, then wiped at the end of the class) so the suite stays
fast; each test runs in its own transaction on top of it.
"""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.utils import translation

from cameras.models import Camera, Status
from demo.cameras import DEMO_STREAM_COUNT
from demo.management.commands.seed_demo import DEMO_PLACES, DEMO_STREAM_CAMERAS_PER_PLACE
from demo.staff import DEMO_PASSWORD, demo_accounts
from demo.synthetic import (
    SYNTHETIC_AGENCY,
    SYNTHETIC_CAMERA_COUNT,
    synthetic_boundaries,
    synthetic_camera_rows,
)
from operators.centers import LINKED_BY_CODE
from operators.jurisdiction import route_point
from operators.models import Center, Role, User
from places.models import AdminArea, Facility

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def seed(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):  # the tests read the command's report
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def wipe() -> None:
    """Everything seed_demo made, places too: what a class seeds outside the tests' transactions
    must not reach the tests that run after it."""
    Facility.objects.all().delete()
    AdminArea.objects.all().delete()
    Camera.objects.all().delete()
    User.objects.all().delete()
    Center.objects.all().delete()


@pytest.fixture(scope="class")
def seeded(request, django_db_setup, django_db_blocker):
    """Seed once for the class with the class's ``seed_args``; returns the command's output."""
    with django_db_blocker.unblock():
        output = seed(*request.cls.seed_args)
    yield output
    with django_db_blocker.unblock():
        wipe()


def assert_demo_staff() -> None:
    accounts = demo_accounts()
    assert len(accounts) == 18 + 4
    users = {user.username: user for user in User.objects.select_related("center")}
    assert set(users) >= {a.username for a in accounts}
    assert users["hwaseong-operator"].center.code == "41590"
    assert users["hwaseong-supervisor"].role == Role.SUPERVISOR
    assert users["hwaseong-police"].role == Role.POLICE
    assert users["hwaseong-camera-admin"].role == Role.CAMERA_ADMIN
    assert users["admin"].is_superuser and users["admin"].center is None
    assert {u.center.code for u in users.values() if u.role == Role.OPERATOR} == set(LINKED_BY_CODE)


@pytest.mark.usefixtures("seeded")
class TestSynthetic:
    seed_args = ("--synthetic",)

    def test_18_centers_and_all_cameras_in_hwaseong(self, seeded) -> None:
        assert set(Center.objects.values_list("code", flat=True)) == set(LINKED_BY_CODE)
        cameras = Camera.objects.filter(agency=SYNTHETIC_AGENCY)
        assert cameras.count() == SYNTHETIC_CAMERA_COUNT == 10_182
        # PostGIS agrees that every camera lies in synthetic 화성시.
        Camera.objects.all().assign_centers()
        assert cameras.filter(center__code="41590").count() == SYNTHETIC_CAMERA_COUNT

    def test_cameras_are_varied_and_clearly_synthetic(self) -> None:
        cameras = Camera.objects.filter(agency=SYNTHETIC_AGENCY)
        assert cameras.values("purpose").distinct().count() >= 8
        assert cameras.values("status").distinct().count() == 4
        stats = cameras.aggregate(ptz=Count("id", filter=Q(has_ptz=True)),
                                  ai=Count("id", filter=Q(has_ai=True)))
        assert 0.2 * SYNTHETIC_CAMERA_COUNT < stats["ptz"] < 0.7 * SYNTHETIC_CAMERA_COUNT
        assert 0.1 * SYNTHETIC_CAMERA_COUNT < stats["ai"] < 0.5 * SYNTHETIC_CAMERA_COUNT
        first = cameras.order_by("management_number").first()
        assert first.management_number == "SYN-HS-00001"
        assert first.road_address.startswith("경기도 화성시 ") and " 가상" in first.road_address

    def test_routing_works_on_the_synthetic_region(self) -> None:
        assert route_point(Point(126.915, 37.13, srid=4326)).center.name == "화성시"  # 향남
        for lon, lat in [(127.0286, 37.2636), (127.0772, 37.1498)]:  # 수원시청, 오산시청: not linked
            routing = route_point(Point(lon, lat, srid=4326))
            assert routing.out_of_area and routing.distance_outside_m > 0

    def test_deterministic(self) -> None:
        assert synthetic_boundaries() == synthetic_boundaries()
        rows = synthetic_camera_rows()
        assert rows == synthetic_camera_rows()
        synthetic = Camera.objects.filter(agency=SYNTHETIC_AGENCY).only("management_number", "location")
        stored = {c.management_number: c.location.coords for c in synthetic}
        assert stored == {row["management_number"]: row["location"].coords for row in rows}
        boundaries = synthetic_boundaries()
        for center in Center.objects.all():
            assert center.boundary.equals_exact(boundaries[center.code], 1e-9), center.name

    def test_second_run_creates_nothing(self) -> None:
        ids_before = list(Camera.objects.values_list("id", flat=True))
        output = seed("--synthetic")
        assert "0 created, 0 updated, 18 unchanged" in output
        assert "Synthetic cameras created: 0" in output
        assert "Demo staff created: 0" in output
        assert "Demo HLS stream URLs set: 0" in output
        assert list(Camera.objects.values_list("id", flat=True)) == ids_before

    def test_every_camera_has_a_working_demo_snapshot(self, client) -> None:
        assert not Camera.objects.filter(snapshot_url="").exists()
        camera = Camera.objects.first()
        assert camera.snapshot_url == f"{settings.SITE_URL}/demo/cameras/{camera.pk}/snapshot.svg"
        response = client.get(camera.snapshot_url.removeprefix(settings.SITE_URL))
        assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"

    def test_cameras_at_the_demo_places_play_the_demo_streams(self) -> None:
        streamed = Camera.objects.exclude(hls_url="")
        assert streamed.count() == len(DEMO_PLACES) * DEMO_STREAM_CAMERAS_PER_PLACE
        assert set(streamed.values_list("hls_url", flat=True)) == {
            f"{settings.SITE_URL}/demo/streams/{n}/index.m3u8" for n in range(1, DEMO_STREAM_COUNT + 1)
        }
        for _name, longitude, latitude in DEMO_PLACES:
            point = Point(longitude, latitude, srid=4326)
            nearest = Camera.objects.filter(status=Status.ACTIVE).nearest(point, limit=4)
            assert all(camera.hls_url for camera in nearest)
        # Every camera keeps its moving snapshot too (the wall falls back to it).
        assert not streamed.filter(snapshot_url="").exists()

    def test_demo_staff_exist_and_can_log_in(self, client) -> None:
        assert_demo_staff()
        assert client.login(username="hwaseong-operator", password=DEMO_PASSWORD)
        assert client.login(username="admin", password=DEMO_PASSWORD)

    def test_existing_users_are_left_alone(self) -> None:
        user = User.objects.get(username="hwaseong-police")
        user.set_password("changed-by-the-user")
        user.save()
        seed("--synthetic")
        user.refresh_from_db()
        assert user.check_password("changed-by-the-user")

    def test_demo_logins_lists_the_accounts(self) -> None:
        User.objects.get(username="guri-operator").delete()
        user = User.objects.get(username="hwaseong-police")
        user.set_password("changed-by-the-user")
        user.save()
        out = StringIO()
        call_command("demo_logins", stdout=out)
        lines = out.getvalue().splitlines()
        assert len(lines) == 1 + 22 - 1
        assert lines[1].split() == ["hwaseong-operator", "operator", "화성시", DEMO_PASSWORD]
        assert "guri-operator" not in out.getvalue()
        assert "(changed)" in next(line for line in lines if "hwaseong-police" in line)


@pytest.fixture(scope="class")
def real_data() -> None:
    root = Path(settings.SHARED_DATA_DIR)
    if not (root / "cctv" / "hwaseong_osan_cctv.csv").exists():
        pytest.skip(f"real public data not found at {root}")


@pytest.mark.shared_data
@pytest.mark.usefixtures("real_data", "seeded")
class TestRealData:
    seed_args = ()

    def test_real_centers_and_cameras(self, seeded) -> None:
        assert "real public data" in seeded
        with (Path(settings.SHARED_DATA_DIR) / "cctv" / "hwaseong_osan_cctv.csv").open(encoding="utf-8") as f:
            hwaseong_rows = sum(1 for row in csv.DictReader(f) if row["관리기관명"] == "경기도 화성시청")
        assert set(Center.objects.values_list("code", flat=True)) == set(LINKED_BY_CODE)
        assert not Camera.objects.filter(agency=SYNTHETIC_AGENCY).exists()
        hwaseong = Camera.objects.filter(agency="경기도 화성시청")
        assert hwaseong.count() == hwaseong_rows
        # Nearly all real 화성시 sites fall in the (simplified) 화성 boundary.
        assert hwaseong.filter(center__code="41590").count() > 0.9 * hwaseong_rows
        assert Camera.objects.filter(agency="경기도 오산시청", center__isnull=True).exists()  # not linked

    def test_demo_capabilities_and_snapshots(self) -> None:
        total = Camera.objects.count()
        assert not Camera.objects.filter(snapshot_url="").exists()
        assert 0.2 * total < Camera.objects.filter(has_ptz=True).count() < 0.3 * total
        assert 0.15 * total < Camera.objects.filter(has_ai=True).count() < 0.25 * total

    def test_second_run_changes_nothing(self) -> None:
        count = Camera.objects.count()
        output = seed()
        assert "0 created, 0 updated, 18 unchanged" in output and "Demo staff created: 0" in output
        assert Camera.objects.count() == count

    def test_demo_staff(self) -> None:
        assert_demo_staff()


def test_refuses_in_production(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        seed("--synthetic")
    assert not Center.objects.exists() and not User.objects.exists()
