"""Importers of each reference layer file: as published (CP949 or UTF-8, columns by name)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import translation

from places.importing import PlacesFileError, import_places_file
from places.models import AdminArea, AreaLevel, Facility, FacilityKind
from tests.fixtures.places import FIRE, geojson, square
from tests.fixtures.platform import shared_file

pytestmark = pytest.mark.django_db

POLICE = ("시군명,관서명,지방청명,경찰서명,구분명,소재지우편번호,소재지지번주소,소재지도로명주소,"
          "WGS84위도,WGS84경도\n"
          "화성시,남양,경기남부청,화성서부,파출소,,경기도 화성시 남양읍 남양리 1,"
          "경기도 화성시 남양읍 시청로 1,37.2,126.82\n"
          "화성시,좌표없음,경기남부청,화성서부,지구대,,,,,\n")
ZONES = ("시설종류,대상시설명,소재지도로명주소,소재지지번주소,위도,경도,관리기관명,관할경찰서명,"
         "CCTV설치여부,CCTV설치대수,보호구역도로폭,데이터기준일자\n"
         "초등학교,남양초등학교,경기도 화성시 남양읍 남양로 2,,37.205,126.825,화성시,화성서부경찰서,"
         "Y,2,,2020-04-30\n")


def test_police_stations_from_utf8(tmp_path):
    path = tmp_path / "police.csv"
    path.write_text(POLICE, encoding="utf-8")
    report = import_places_file(path)
    assert (report.saved, report.skipped) == (1, 1)
    [station] = Facility.objects.all()
    assert (station.kind, station.name) == (FacilityKind.POLICE, "남양파출소")
    assert station.detail == "화성서부경찰서"
    assert station.address == "경기도 화성시 남양읍 시청로 1"
    assert (station.location.y, station.location.x) == (37.2, 126.82)


def test_fire_centers_from_cp949_and_a_second_import_updates(tmp_path):
    path = tmp_path / "fire.csv"
    path.write_bytes(FIRE.encode("cp949"))
    assert (import_places_file(path).saved, import_places_file(path).skipped) == (1, 1)
    [center] = Facility.objects.all()  # imported twice, stored once
    assert (center.kind, center.name, center.phone) == (FacilityKind.FIRE, "남양119안전센터", "031-000-0119")


def test_child_protection_zones_from_cp949(tmp_path):
    path = tmp_path / "zones.csv"
    path.write_bytes(ZONES.encode("cp949"))
    assert import_places_file(path).saved == 1
    zone = Facility.objects.get()
    assert (zone.kind, zone.name, zone.detail) == (FacilityKind.CHILD_ZONE, "남양초등학교", "초등학교")


def test_boundaries_of_both_levels(tmp_path):
    sigungu = tmp_path / "sigungu.geojson"
    properties = {"SIG_CD": "41590", "SIG_KOR_NM": "화성시", "SIG_ENG_NM": "Hwaseong-si"}
    sigungu.write_text(geojson([{"type": "Feature", "geometry": square(126.8, 37.1, 0.2),
                                 "properties": properties}]))
    emd = tmp_path / "emd.geojson"
    emd.write_text(geojson([{"type": "Feature", "geometry": square(126.8, 37.1),
                             "properties": {"code": "31240150", "name": "남양읍", "kind": "읍"}}]))
    assert import_places_file(sigungu).saved == 1 and import_places_file(emd).saved == 1
    assert list(AdminArea.objects.values_list("level", "code", "name", "kind")) == [
        (AreaLevel.EMD, "31240150", "남양읍", "읍"), (AreaLevel.SIGUNGU, "41590", "화성시", "")]


@pytest.mark.parametrize("content, message", [
    ("a,b,c\n1,2,3\n", "Unknown CSV"),
    ('{"type": "FeatureCollection", "features": []}', "no features"),
    ('{"type": "FeatureCollection", "features": [{"properties": {"x": 1}}]}', "Unknown boundary"),
    ("{not json", "GeoJSON"),
])
def test_unknown_files_are_refused_and_store_nothing(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with translation.override("en"), pytest.raises(PlacesFileError, match=message):
        import_places_file(path)
    assert not Facility.objects.exists() and not AdminArea.objects.exists()


@pytest.mark.parametrize("name, kind, at_least", [
    ("stations/gyeonggi_police_stations.csv", FacilityKind.POLICE, 300),
    ("stations/fire_119_centers_geocoded_cp949.csv", FacilityKind.FIRE, 1000),
    ("zones/gyeonggi_child_protection_zones_cp949.csv", FacilityKind.CHILD_ZONE, 2500),
])
def test_the_real_facility_files(name, kind, at_least):
    report = import_places_file(shared_file(name))
    assert report.saved >= at_least and report.skipped < report.saved / 10
    assert Facility.objects.filter(kind=kind).count() == report.saved


def test_the_real_boundaries_through_the_command():
    shared_file("boundaries/gyeonggi_sigungu.geojson")
    shared_file("boundaries/hwaseong_dong.geojson")
    call_command("load_places", verbosity=0)
    assert AdminArea.objects.filter(level=AreaLevel.SIGUNGU).count() == 42
    assert AdminArea.objects.filter(level=AreaLevel.EMD).count() == 29
    assert AdminArea.objects.filter(name="남양읍", kind="읍").exists()
    assert all(area.boundary.valid for area in AdminArea.objects.all())


def test_the_command_without_shared_data_loads_nothing(settings, tmp_path, capsys):
    settings.SHARED_DATA_DIR = tmp_path
    call_command("load_places")
    assert "nothing loaded" in capsys.readouterr().out or not AdminArea.objects.exists()
    assert not AdminArea.objects.exists() and not Facility.objects.exists()
