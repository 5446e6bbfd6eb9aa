"""An alert's human address: 시·구·읍면동 from the boundaries plus the nearest known road address."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from places.address import describe, local_part, street_part, text
from tests.factories import make_camera
from tests.fixtures.platform import shared_file

pytestmark = pytest.mark.django_db

HERE = Point(126.83, 37.20, srid=4326)
NORTH_40M = (126.83, 37.20 + 40 / 111_000)


def test_area_and_nearest_road_address(synthetic_areas):
    make_camera(*NORTH_40M, road_address="경기도 화성시 남양읍 시청로201번길 5-14")
    make_camera(126.83, 37.21, road_address="경기도 화성시 남양읍 먼길 1")  # ~1.1 km: not the nearest
    address = describe(HERE)
    assert (address.area, address.road) == ("화성시 남양읍", "시청로201번길 5-14")
    assert address.road_m == pytest.approx(40, abs=1)
    assert text(address.area, address.road, address.road_m) == "화성시 남양읍 · 시청로201번길 5-14 부근 40 m"


def test_the_lot_address_when_there_is_no_road_address_and_nothing_beyond_a_kilometre(synthetic_areas):
    make_camera(*NORTH_40M, lot_address="경기도 화성시 남양읍 남양리 123-4")
    assert describe(HERE).road == "남양리 123-4"
    far = Point(126.93, 37.20, srid=4326)  # ~8.9 km east: no address is "near"
    assert describe(far).area == "화성시" and describe(far).road == "" and describe(far).road_m is None


def test_without_area_data_the_linked_center_names_the_city(centers):
    make_camera(*NORTH_40M, road_address="경기도 화성시 시청로 1")
    assert describe(HERE).area == "화성시"
    assert describe(Point(126.5, 37.15, srid=4326)).area == ""  # the sea: no city


@pytest.mark.parametrize("full, short", [
    ("경기도 화성시 효행구 비봉면 주석로701번길 10", "주석로701번길 10"),
    ("경기도 화성시 남양읍 시청로 159", "시청로 159"),
    ("경기도 화성시 동탄대로 12", "동탄대로 12"),
    ("경기도 화성시 남양읍 남양리 123-4", "남양리 123-4"),
    ("경기도 화성시 기배동 123", "기배동 123"),
    ("화성시청", "화성시청"),
])
def test_an_alerts_road_is_the_part_after_every_administrative_name(full, short):
    assert street_part(full) == short


@pytest.mark.parametrize(("address", "short"), [
    ("경기도 화성시 효행구 봉담읍 샘마을1길 13-6", "봉담읍 샘마을1길 13-6"),
    ("경기도 화성시 남양읍 시청로 159", "남양읍 시청로 159"),
    ("대전광역시 서구 둔산로 100", "둔산로 100"),
    ("시청로 201번길 5", "시청로 201번길 5"),  # already short
    ("화성시 송산면", "화성시 송산면"),  # never down to one word
])
def test_a_cameras_name_keeps_the_town_and_leaves_out_the_province_and_city(address: str, short: str) -> None:
    assert local_part(address) == short


def test_with_the_real_boundaries():
    shared_file("boundaries/hwaseong_dong.geojson")
    call_command("load_places", str(shared_file("boundaries/gyeonggi_sigungu.geojson")),
                 str(shared_file("boundaries/hwaseong_dong.geojson")), verbosity=0)
    # 화성시청 is in 남양읍; 동탄 in the east; 분당 has no 읍면동 file but its 시·구 are named.
    assert describe(Point(126.8314, 37.1995, srid=4326)).area == "화성시 남양읍"
    assert describe(Point(127.0738, 37.2005, srid=4326)).area.startswith("화성시 동탄")
    assert describe(Point(127.1189, 37.3826, srid=4326)).area == "성남시 분당구"
