"""route_point on the real boundaries (loaded once for a class) and on tiny test polygons."""

from __future__ import annotations

import dataclasses
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.core.management import call_command

from operators.jurisdiction import NoCentersConfigured, Routing, route_point
from operators.models import Center
from tests.factories import make_center

pytestmark = [pytest.mark.django_db]


@pytest.fixture(scope="class")
def real_centers(django_db_setup, django_db_blocker):
    """The 18 real centers, committed once for the class and removed afterwards."""
    path = Path(settings.SHARED_DATA_DIR) / "boundaries" / "gyeonggi_sigungu.geojson"
    if not path.exists():
        pytest.skip(f"real boundaries not found at {path}")
    with django_db_blocker.unblock():
        call_command("load_centers", str(path), stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        Center.objects.all().delete()


def at(lat: float, lon: float) -> Point:
    return Point(lon, lat, srid=4326)


def names(centers: tuple[Center, ...]) -> list[str]:
    return [center.name for center in centers]


def nearest_by_brute_force(point: Point) -> tuple[str, float]:
    center = Center.objects.annotate(d=Distance("boundary", point)).order_by("d").first()
    return center.name, center.d.m


@pytest.mark.usefixtures("real_centers")
class TestRealBoundaries:
    def test_inside_far_from_borders(self, django_assert_num_queries) -> None:
        route_point(at(37.2, 126.9))  # GeoDjango looks up SRID 4326's units once per process.
        with django_assert_num_queries(1):
            routing = route_point(at(37.1995, 126.8313))
        assert routing == Routing(routing.center, False, (), None)
        assert routing.center.name == "화성시"

    @pytest.mark.parametrize(("lat", "lon", "neighbour"), [
        (37.19343, 127.15498, "용인시"),  # ~150 m from the 용인 border
        (37.28141, 126.88471, "안산시"),  # ~150 m from the 안산 border
        (37.14485, 127.11358, "평택시"),  # ~40 m from the 평택 border
    ])
    def test_border_band_lists_the_neighbour(self, lat: float, lon: float, neighbour: str) -> None:
        routing = route_point(at(lat, lon))
        assert routing.center.name == "화성시" and not routing.out_of_area
        assert names(routing.neighbours) == [neighbour]

    def test_band_width_comes_from_settings(self, settings) -> None:
        settings.BORDER_BAND_METERS = 100
        assert route_point(at(37.19343, 127.15498)).neighbours == ()  # 용인 is ~150 m away
        settings.BORDER_BAND_METERS = 10_000
        assert {"용인시", "평택시"} <= set(names(route_point(at(37.19343, 127.15498)).neighbours))

    def test_sea_west_of_hwaseong_goes_to_the_nearest_center(self) -> None:
        point = at(37.10, 126.62)  # 서해, ~6 km off the 화성 coast
        routing = route_point(point)
        name, distance = nearest_by_brute_force(point)
        assert routing.out_of_area and routing.center.name == name == "화성시"
        assert routing.distance_outside_m == pytest.approx(distance) and distance > 1000
        assert routing.neighbours == ()

    @pytest.mark.parametrize(("lat", "lon"), [
        (37.2636, 127.0286),  # 수원시청
        (37.1498, 127.0772),  # 오산시청
    ])
    def test_unlinked_city_goes_to_the_nearest_linked_center(self, lat: float, lon: float) -> None:
        point = at(lat, lon)
        routing = route_point(point)
        name, distance = nearest_by_brute_force(point)
        assert routing.out_of_area
        assert routing.center.name == name
        assert routing.distance_outside_m == pytest.approx(distance)
        assert distance > settings.BORDER_BAND_METERS

    def test_far_point_takes_two_queries(self, django_assert_num_queries) -> None:
        route_point(at(37.2, 126.9))
        with django_assert_num_queries(2):
            routing = route_point(at(33.5, 126.5))  # 제주
        assert routing.out_of_area and routing.distance_outside_m > 300_000

    def test_routing_is_frozen(self) -> None:
        routing = route_point(at(37.1995, 126.8313))
        with pytest.raises(dataclasses.FrozenInstanceError):
            routing.out_of_area = True


# --- Tiny polygons far from Korea, for the edge cases -----------------------------------------------
# 0.01° of longitude at latitude 0 is ~1,113 m.


@pytest.fixture
def squares() -> tuple[Center, Center]:
    return (make_center("90001", (10.0, 0.0, 10.01, 0.01), "West"),
            make_center("90002", (10.01, 0.0, 10.02, 0.01), "East"))


def test_no_centers_is_a_clear_error() -> None:
    with pytest.raises(NoCentersConfigured):
        route_point(at(37.1995, 126.8313))


def test_unlinked_centers_do_not_route() -> None:
    make_center("90009", (10.0, 0.0, 10.01, 0.01)).__class__.objects.update(is_linked=False)
    with pytest.raises(NoCentersConfigured):
        route_point(at(0.005, 10.005))


def test_shared_border_band(squares) -> None:
    routing = route_point(at(0.005, 10.0081))  # West, ~210 m from East
    assert (routing.center.name, names(routing.neighbours), routing.out_of_area) == ("West", ["East"], False)
    assert route_point(at(0.005, 10.003)).neighbours == ()  # ~780 m from East


def test_point_on_the_shared_border_goes_to_the_lowest_code(squares) -> None:
    routing = route_point(at(0.005, 10.01))
    assert (routing.center.name, names(routing.neighbours)) == ("West", ["East"])


def test_gap_between_centers_goes_to_the_nearest_and_lists_the_other(squares) -> None:
    make_center("90003", (10.0, 0.0104, 10.02, 0.02), "North")  # a ~45 m gap above the squares
    routing = route_point(at(0.0101, 10.015))  # in the gap, ~11 m from East, ~33 m from North
    assert routing.out_of_area and routing.center.name == "East"
    assert routing.distance_outside_m == pytest.approx(11.1, abs=1)
    assert names(routing.neighbours) == ["North"]


def test_srid_other_than_wgs84_is_transformed(squares) -> None:
    point = at(0.005, 10.005)
    point.transform(3857)
    assert route_point(point).center.name == "West"
