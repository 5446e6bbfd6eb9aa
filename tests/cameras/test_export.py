from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cameras.admin_views import export_response
from cameras.exporting import STANDARD_COLUMNS, write_standard_csv
from cameras.importing import import_cameras
from cameras.models import Camera, Purpose

pytestmark = pytest.mark.django_db


def make_cameras() -> list[Camera]:
    place = {"agency": "경기도 화성시청", "road_address": "경기도 화성시 봉담읍 동화길 1",
             "location": Point(126.9512345678901, 37.2123456789012, srid=4326)}
    return [
        Camera.objects.create(
            agency_code="4159000", management_number="E-1", agency="경기도 화성시청",
            road_address="경기도 화성시 남양읍 시청로 159", lot_address="남양리 2000",
            purpose=Purpose.CHILD_PROTECTION, camera_count=3, pixels=200, view_direction="남동측",
            bearing=135, field_of_view=90, retention_days=30, installed_on=datetime.date(2011, 3, 1),
            phone="031-369-2114", data_date=datetime.date(2024, 6, 30),
            location=Point(126.8312, 37.1996, srid=4326),
        ),
        # Two unnumbered cameras at one place, told apart only by their order.
        Camera.objects.create(view_direction="360°", field_of_view=360, **place),
        Camera.objects.create(view_direction="반경 2~3m\n골목", **place),
        Camera.objects.create(agency="오산시청", location=Point(127.07, 37.15, srid=4326)),
    ]


def test_write_standard_csv_layout() -> None:
    make_cameras()
    out = io.StringIO()
    assert write_standard_csv(Camera.objects.all(), out) == 4
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == STANDARD_COLUMNS and len(STANDARD_COLUMNS) == 18
    first = dict(zip(STANDARD_COLUMNS, rows[1], strict=True))
    assert first["설치연월"] == "201103"
    assert first["설치목적구분"] == "어린이보호"
    assert (first["WGS84위도"], first["WGS84경도"]) == ("37.1996", "126.8312")
    assert first["데이터기준일자"] == "2024-06-30"
    last = dict(zip(STANDARD_COLUMNS, rows[4], strict=True))
    assert (last["카메라대수"], last["설치연월"], last["설치목적구분"]) == ("", "", "")


def test_export_then_import_is_unchanged(tmp_path: Path) -> None:
    make_cameras()
    before = list(Camera.objects.order_by("id").values_list("id", "updated_at"))
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        write_standard_csv(Camera.objects.order_by("-id"), handle)  # order is forced to id
    report = import_cameras(path)
    assert (report.total, report.unchanged, report.created, report.updated) == (4, 4, 0, 0)
    assert report.skipped_total == report.warnings_total == 0
    assert list(Camera.objects.order_by("id").values_list("id", "updated_at")) == before


def test_real_file_export_round_trip(shared_data: Path, tmp_path: Path) -> None:
    import_cameras(shared_data / "cctv" / "daejeon_cctv_standard_cp949.csv")
    import_cameras(shared_data / "cctv" / "hwaseong_osan_cctv.csv")
    count = Camera.objects.count()
    path = tmp_path / "all.csv"
    call_command("export_cameras", str(path), "--encoding", "cp949", stderr=io.StringIO())
    report = import_cameras(path)
    assert (report.encoding, report.unchanged, report.created, report.updated) == ("cp949", count, 0, 0)


def test_export_command_utf8_has_bom_and_filters_by_agency(tmp_path: Path) -> None:
    make_cameras()
    path = tmp_path / "osan.csv"
    err = io.StringIO()
    call_command("export_cameras", str(path), "--agency", "오산시청", stderr=err)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][2] == "오산시청"
    assert "1 cameras exported" in err.getvalue()


def test_export_command_to_stdout() -> None:
    make_cameras()
    out = io.StringIO()
    call_command("export_cameras", "-", stdout=out, stderr=io.StringIO())
    text = out.getvalue().lstrip("\ufeff")
    assert text.splitlines()[0] == ",".join(STANDARD_COLUMNS)
    assert len(list(csv.reader(io.StringIO(text)))) == 5


@pytest.mark.parametrize(("encoding", "codec"), [("utf-8", "utf-8-sig"), ("cp949", "cp949")])
def test_export_response(encoding: str, codec: str) -> None:
    make_cameras()
    response = export_response(Camera.objects.filter(agency="경기도 화성시청"), encoding=encoding)
    assert response.status_code == 200
    assert response["Content-Type"] == f"text/csv; charset={encoding}"
    assert re.fullmatch(r'attachment; filename="cctv_standard_\d{8}\.csv"', response["Content-Disposition"])
    assert response.content.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8")
    rows = list(csv.reader(io.StringIO(response.content.decode(codec))))
    assert len(rows) == 4 and rows[1][2] == "경기도 화성시청"


def test_export_response_rejects_unknown_encoding() -> None:
    with pytest.raises(ValueError):
        export_response(Camera.objects.none(), encoding="latin-1")


_CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "2", "x", "201103", "2011년 3월", "2011-13", "북측", "360°", "생활방범", "방범"]),
)
_ROW = st.fixed_dictionaries(
    {name: _CELL for name in STANDARD_COLUMNS if name not in ("관리기관명", "WGS84위도", "WGS84경도")}
).map(lambda row: {**row, "관리기관명": "경기도 화성시청", "WGS84위도": "37.2", "WGS84경도": "126.9"})


def _csv_bytes(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(STANDARD_COLUMNS)
    writer.writerows([[row[name] for name in STANDARD_COLUMNS] for row in rows])
    return out.getvalue().encode("utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ROW, min_size=1, max_size=5))
def test_any_file_reimports_and_round_trips_unchanged(rows: list[dict[str, str]]) -> None:
    """Whatever text the cells hold: the same file twice, and our export of it, change nothing."""
    with transaction.atomic():
        data = _csv_bytes(rows)
        first = import_cameras(io.BytesIO(data))
        second = import_cameras(io.BytesIO(data))
        assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
        exported = io.StringIO()
        write_standard_csv(Camera.objects.all(), exported)
        third = import_cameras(io.BytesIO(exported.getvalue().encode("utf-8")))
        assert (third.created, third.updated, third.unchanged) == (0, 0, Camera.objects.count())
        transaction.set_rollback(True)  # each example starts from an empty table
