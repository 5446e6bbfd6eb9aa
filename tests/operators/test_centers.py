"""load_centers on the real SGIS boundary file: the 18 linked cities, 구 merged, idempotent."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.gis.db.models.functions import Area
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db import connection

from cameras.models import Camera
from operators.centers import LINKED_BY_CODE, LINKED_CITIES, city_for_district
from operators.models import Center
from tests.factories import make_camera

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MERGED = {"41130": "성남시", "41170": "안양시", "41270": "안산시", "41460": "용인시"}


def _load(path: Path | None = None) -> str:
    out = StringIO()
    call_command("load_centers", *([str(path)] if path else []), stdout=out)
    return out.getvalue()


def _features(shared_data: Path) -> list[dict]:
    text = (shared_data / "boundaries" / "gyeonggi_sigungu.geojson").read_text("utf-8")
    return json.loads(text)["features"]


def test_linked_city_list_is_the_18_cities() -> None:
    assert len(LINKED_CITIES) == 18 == len(LINKED_BY_CODE)
    assert {city.name for city in LINKED_CITIES} >= {"화성시", "성남시", "용인시", "양평군"}
    assert city_for_district("41135").name == "성남시"  # 분당구
    assert city_for_district("41590").name == "화성시"
    assert city_for_district("41111") is None  # 수원시 장안구: not linked
    assert city_for_district("41370") is None  # 오산시


@pytest.mark.shared_data
def test_loads_exactly_the_linked_cities_as_valid_multipolygons(shared_data) -> None:
    output = _load()
    assert "18 created, 0 updated, 0 unchanged" in output
    centers = list(Center.objects.all())
    assert {c.code: c.name for c in centers} == {c.code: c.name for c in LINKED_CITIES}
    assert all(c.is_linked and c.boundary.geom_type == "MultiPolygon" for c in centers)
    with connection.cursor() as cursor:
        cursor.execute("SELECT bool_and(ST_IsValid(boundary::geometry)) FROM operators_center")
        assert cursor.fetchone()[0] is True


@pytest.mark.shared_data
def test_district_cities_are_merged_with_the_area_of_their_districts(shared_data) -> None:
    _load()
    merged = Center.objects.filter(code__in=MERGED).annotate(area=Area("boundary"))
    areas = {c.code: c.area.sq_m for c in merged}
    for code, name in MERGED.items():
        districts = [f for f in _features(shared_data) if f["properties"]["SIG_CD"][:4] == code[:4]]
        assert len(districts) >= 2, name
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sum(ST_Area(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))::geography))"
                " FROM unnest(%s::text[]) AS g", [[json.dumps(f["geometry"]) for f in districts]])
            district_sum = cursor.fetchone()[0]
        # Simplified 구 polygons overlap or leave slivers along shared borders: allow 1 %.
        assert areas[code] == pytest.approx(district_sum, rel=0.01), name


@pytest.mark.shared_data
def test_rerun_changes_nothing(shared_data) -> None:
    _load()
    before = {c.code: (c.pk, c.boundary.wkb) for c in Center.objects.all()}
    output = _load()
    assert "0 created, 0 updated, 18 unchanged" in output
    assert {c.code: (c.pk, c.boundary.wkb) for c in Center.objects.all()} == before


@pytest.mark.shared_data
def test_point_in_hwaseong_is_hwaseong_and_cameras_are_assigned(shared_data) -> None:
    camera = make_camera(126.8313, 37.1995)
    _load()
    point = Point(126.8313, 37.1995, srid=4326)
    assert [c.name for c in Center.objects.containing(point)] == ["화성시"]
    assert Camera.objects.get(pk=camera.pk).center.code == "41590"


@pytest.mark.shared_data
def test_reads_cp949_geojson(shared_data, tmp_path) -> None:
    text = (shared_data / "boundaries" / "gyeonggi_sigungu.geojson").read_text("utf-8")
    path = tmp_path / "sigungu_cp949.geojson"
    path.write_bytes(text.encode("cp949"))
    assert "18 created" in _load(path)


@pytest.mark.shared_data
def test_file_without_every_linked_city_is_refused(shared_data, tmp_path) -> None:
    features = [f for f in _features(shared_data) if f["properties"]["SIG_CD"][:4] not in {"4113", "4183"}]
    path = tmp_path / "partial.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    with pytest.raises(CommandError, match=r"성남시 \(41130\).*양평군 \(41830\)"):
        _load(path)
    assert not Center.objects.exists()


def test_unreadable_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        _load(tmp_path / "missing.geojson")
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", "utf-8")
    with pytest.raises(CommandError, match="not valid GeoJSON"):
        _load(bad)
