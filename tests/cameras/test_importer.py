from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from hypothesis import given
from hypothesis import strategies as st

from cameras.importing import ImportFileError, import_cameras
from cameras.importing import reasons as r
from cameras.importing.columns import STANDARD_COLUMNS
from cameras.importing.rows import CleanRow, Skip, clean_row
from cameras.models import Camera, Purpose
from operators.models import Center

pytestmark = pytest.mark.django_db

LAT_RANGE, LON_RANGE = (33.0, 38.7), (124.5, 132.0)


def std_row(number: str = "M-1", **overrides: str) -> dict[str, str]:
    """One row of the current 18-column layout, a camera in Hwaseong."""
    row = dict.fromkeys(STANDARD_COLUMNS, "")
    row.update({
        "개방자치단체코드": "4159000", "관리번호": number, "관리기관명": "경기도 화성시청",
        "소재지도로명주소": "경기도 화성시 남양읍 시청로 159",
        "소재지지번주소": "경기도 화성시 남양읍 남양리 2000",
        "설치목적구분": "생활방범", "카메라대수": "2", "카메라화소수": "200", "촬영방면정보": "북측",
        "보관일수": "30", "설치연월": "201103", "관리기관전화번호": "031-369-2114",
        "WGS84위도": "37.1996", "WGS84경도": "126.8312", "데이터기준일자": "2024-06-30",
    })
    row.update(overrides)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None,
              encoding: str = "utf-8") -> Path:
    header = header or list(STANDARD_COLUMNS)
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([[row.get(name, "") for name in header] for row in rows])
    return path


def snapshot() -> list[tuple]:
    return list(Camera.objects.order_by("id").values_list("id", "updated_at"))


def in_korea(lat: str, lon: str) -> bool:
    try:
        la, lo = float(lat), float(lon)
    except ValueError:
        return False
    return LAT_RANGE[0] <= la <= LAT_RANGE[1] and LON_RANGE[0] <= lo <= LON_RANGE[1]


# --- Real files ------------------------------------------------------------------------------------

def _hwaseong_center(shared_data: Path) -> Center:
    data = json.loads((shared_data / "boundaries" / "gyeonggi_sigungu.geojson").read_text("utf-8"))
    feature = next(f for f in data["features"] if f["properties"]["SIG_CD"] == "41590")
    geometry = GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)
    if geometry.geom_type == "Polygon":
        geometry = MultiPolygon(geometry, srid=4326)
    return Center.objects.create(code="41590", name="화성시", boundary=geometry)


def test_hwaseong_cut_imports_keeping_repeated_rows(shared_data: Path) -> None:
    path = shared_data / "cctv" / "hwaseong_osan_cctv.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    good = [row for row in rows if row["관리기관명"].strip() and in_korea(row["위도"], row["경도"])]
    center = _hwaseong_center(shared_data)

    report = import_cameras(path)

    assert (report.encoding, report.layout) == ("utf-8", "older")
    assert report.columns == ("관리기관명", "소재지도로명주소", "WGS84위도", "WGS84경도")
    assert report.total == len(rows)
    assert report.created == len(good) == Camera.objects.count()
    assert report.skipped_total == len(rows) - len(good)
    assert (report.updated, report.unchanged, report.warnings_total) == (0, 0, 0)
    # Exact repeats are separate cameras (several cameras on one pole), not duplicates.
    key, repeats = Counter(
        (row["관리기관명"], row["소재지도로명주소"], row["위도"], row["경도"]) for row in good
    ).most_common(1)[0]
    assert repeats > 1
    assert Camera.objects.filter(agency=key[0], road_address=key[1]).count() >= repeats
    assert Camera.objects.filter(agency="경기도 화성시청").count() == sum(
        row["관리기관명"] == "경기도 화성시청" for row in good
    )
    inside = Camera.objects.filter(location__intersects=center.boundary)
    assert inside.count() > 0
    assert Camera.objects.filter(center=center).count() == inside.count()

    before = snapshot()
    again = import_cameras(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(good))
    assert snapshot() == before


def _expected_daejeon_warnings(rows: list[dict[str, str]]) -> Counter:
    warnings: Counter = Counter()
    for row in rows:
        month = row["설치연월"].strip()
        if month and not re.fullmatch(r"(19[7-9]\d|20\d\d)(0[1-9]|1[0-2])", month):
            warnings[r.BAD_INSTALLED_ON] += 1
        if row["설치목적구분"].strip() and row["설치목적구분"].strip() not in Purpose.values:
            warnings[r.UNKNOWN_PURPOSE] += 1
        for column, reason in (("카메라대수", r.BAD_CAMERA_COUNT), ("카메라화소수", r.BAD_PIXELS),
                               ("보관일수", r.BAD_RETENTION_DAYS)):
            if row[column].strip() and not row[column].strip().isdigit():
                warnings[reason] += 1
    return warnings


def test_daejeon_standard_file_imports(shared_data: Path) -> None:
    path = shared_data / "cctv" / "daejeon_cctv_standard_cp949.csv"
    with open(path, encoding="cp949", newline="") as handle:
        rows = list(csv.DictReader(handle))
    good = [row for row in rows if row["관리기관명"].strip() and in_korea(row["WGS84위도"], row["WGS84경도"])]
    numbers = Counter((row["관리기관명"], row["관리번호"]) for row in good)

    report = import_cameras(path)

    assert (report.encoding, report.layout, report.columns) == ("cp949", "current", STANDARD_COLUMNS)
    assert report.total == len(rows)
    assert report.created == len(numbers) == Camera.objects.count()
    assert report.skipped_total == len(rows) - len(numbers)
    assert report.warnings == _expected_daejeon_warnings(good)

    first = good[0]
    camera = Camera.objects.get(agency=first["관리기관명"], management_number=first["관리번호"])
    assert camera.purpose == first["설치목적구분"]
    assert camera.camera_count == int(first["카메라대수"])
    assert camera.data_date == datetime.date.fromisoformat(first["데이터기준일자"])
    assert camera.location.y == float(first["WGS84위도"]) and camera.location.x == float(first["WGS84경도"])
    all_around = Camera.objects.filter(view_direction="360°")
    assert all_around.count() == sum(row["촬영방면정보"] == "360°" for row in good)
    assert set(all_around.values_list("bearing", "field_of_view")) == {(None, 360.0)}
    month = next(row["설치연월"] for row in good if row["설치연월"].startswith("2011"))
    assert Camera.objects.filter(installed_on=datetime.date(2011, int(month[4:]), 1)).exists()

    before = snapshot()
    again = import_cameras(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(numbers))
    assert snapshot() == before


# --- Encodings and layouts -------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_encoding_is_detected(tmp_path: Path, encoding: str) -> None:
    rows = [std_row("A-1"), std_row("A-2", 소재지도로명주소="경기도 화성시 봉담읍")]
    path = write_csv(tmp_path / "c.csv", rows, encoding=encoding)
    report = import_cameras(path)
    assert report.encoding == encoding
    assert report.created == 2
    assert set(Camera.objects.values_list("agency", flat=True)) == {"경기도 화성시청"}
    assert Camera.objects.filter(road_address="경기도 화성시 봉담읍").exists()


def test_file_object_source(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [std_row()], encoding="cp949")
    report = import_cameras(io.BytesIO(path.read_bytes()))
    assert (report.encoding, report.created) == ("cp949", 1)


def test_older_layout_with_messy_headers(tmp_path: Path) -> None:
    header = ["\ufeff 관리기관명", "관리 번호", "설치년월", " 위도", "경도 ", "비고", "설치목적구분"]
    rows = [
        {"\ufeff 관리기관명": "오산시청", "관리 번호": f"O-{i}", "설치년월": month, " 위도": "37.15",
         "경도 ": "127.07", "비고": "ignored", "설치목적구분": " 어린이보호 "}
        for i, month in enumerate(["201103", "2011-03", "2011.03", "2011년 3월", " 2011/3 ", "2011-13"])
    ]
    report = import_cameras(write_csv(tmp_path / "old.csv", rows, header=header))
    assert report.layout == "older"
    assert report.columns == ("관리번호", "관리기관명", "설치목적구분", "설치연월", "WGS84위도", "WGS84경도")
    assert report.created == 6
    assert report.warnings == Counter({r.BAD_INSTALLED_ON: 1})
    months = dict(Camera.objects.values_list("management_number", "installed_on"))
    assert months == {**{f"O-{i}": datetime.date(2011, 3, 1) for i in range(5)}, "O-5": None}
    assert set(Camera.objects.values_list("purpose", flat=True)) == {Purpose.CHILD_PROTECTION}


def test_tab_separated_file(tmp_path: Path) -> None:
    path = tmp_path / "tab.txt"
    path.write_text("관리기관명\t위도\t경도\n오산시청\t37.15\t127.07\n", encoding="utf-8")
    report = import_cameras(path)
    assert (report.created, report.layout) == (1, "older")


def test_short_cut_leaves_fields_it_lacks_alone(tmp_path: Path) -> None:
    import_cameras(write_csv(tmp_path / "full.csv", [std_row("K-1")]))
    header = ["관리기관명", "관리번호", "WGS84위도", "WGS84경도"]
    report = import_cameras(write_csv(tmp_path / "cut.csv", [std_row("K-1")], header=header))
    assert (report.layout, report.unchanged, report.created) == ("current", 1, 0)
    moved = std_row("K-1", WGS84위도="37.2")
    report = import_cameras(write_csv(tmp_path / "cut2.csv", [moved], header=header))
    assert report.updated == 1
    camera = Camera.objects.get()
    assert camera.location.y == 37.2
    assert (camera.purpose, camera.camera_count, camera.bearing) == ("생활방범", 2, 0.0)


@pytest.mark.parametrize("content", [b"", b"\n\n", "관리기관명,주소\n화성시청,어딘가\n".encode(),
                                     "위도,경도\n37.1,127.0\n".encode(), b"\xff\xfe\x00\x00garbage\x81"])
def test_unusable_files_raise(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError):
        import_cameras(path)
    with pytest.raises(ImportFileError):
        import_cameras(tmp_path / "missing.csv")
    assert not Camera.objects.exists()


# --- Skips and warnings ----------------------------------------------------------------------------

def test_every_skip_reason(tmp_path: Path) -> None:
    rows = [
        std_row("OK-1"),
        dict.fromkeys(STANDARD_COLUMNS, " "),  # blank row
        {name: name for name in STANDARD_COLUMNS},  # a header repeated inside the data
        std_row("J-3", 관리기관명=""),
        std_row("J-4", WGS84위도=""),
        std_row("J-5", WGS84경도="abc"),
        std_row("J-6", WGS84위도="37.1.2"),
        std_row("J-7", WGS84위도="nan"),
        std_row("J-8", WGS84위도="126.8312", WGS84경도="37.1996"),
        std_row("J-9", WGS84위도="0", WGS84경도="0"),
        std_row("J-10", WGS84위도="40.1", WGS84경도="126.8"),
        std_row("X" * 61),
        std_row("OK-1", 소재지도로명주소="second row with the same number"),
        std_row("OK-2"),
    ]
    path = write_csv(tmp_path / "skips.csv", rows)
    with open(path, "a", encoding="utf-8", newline="") as handle:  # a row shifted by a stray comma
        csv.writer(handle).writerow([*std_row("J-11").values(), "extra"])
    report = import_cameras(path)
    assert report.skipped == Counter({
        r.JUNK_ROW: 3, r.MISSING_AGENCY: 1, r.MISSING_COORDINATES: 1, r.BAD_COORDINATES: 3,
        r.SWAPPED_COORDINATES: 1, r.OUTSIDE_KOREA: 2, r.KEY_TOO_LONG: 1, r.DUPLICATE_NUMBER: 1,
    })
    assert (report.total, report.created) == (len(rows) + 1, 2)
    assert set(Camera.objects.values_list("management_number", flat=True)) == {"OK-1", "OK-2"}
    assert Camera.objects.get(management_number="OK-1").road_address == std_row()["소재지도로명주소"]
    assert all(line for line in report.lines())


def test_bad_optional_values_are_warnings(tmp_path: Path) -> None:
    row = std_row("W-1", 카메라대수="abc", 설치연월="2011-13", 설치목적구분="방범용", 카메라화소수="-5",
                  보관일수="99999", 데이터기준일자="2024-02-30", 개방자치단체코드="12345678901",
                  소재지지번주소="가" * 300)
    report = import_cameras(write_csv(tmp_path / "w.csv", [row, std_row("W-2", 카메라대수=" 3 ")]))
    assert report.created == 2
    assert report.warnings == Counter({
        r.BAD_CAMERA_COUNT: 1, r.BAD_INSTALLED_ON: 1, r.UNKNOWN_PURPOSE: 1, r.BAD_PIXELS: 1,
        r.BAD_RETENTION_DAYS: 1, r.BAD_DATA_DATE: 1, r.BAD_AGENCY_CODE: 1, r.TEXT_TRUNCATED: 1,
    })
    camera = Camera.objects.get(management_number="W-1")
    assert (camera.camera_count, camera.installed_on, camera.pixels, camera.retention_days) == (None,) * 4
    assert (camera.purpose, camera.data_date, camera.agency_code) == (Purpose.OTHER, None, "")
    assert len(camera.lot_address) == 255
    assert Camera.objects.get(management_number="W-2").camera_count == 3
    # The same file again: the stored nulls and cuts match what the file gives.
    again = import_cameras(write_csv(tmp_path / "w2.csv", [row]))
    assert (again.unchanged, again.updated) == (1, 0)


# --- Matching --------------------------------------------------------------------------------------

def test_rows_sharing_a_place_match_by_occurrence(tmp_path: Path) -> None:
    north = std_row("", 촬영방면정보="북측")
    south = std_row("", 촬영방면정보="남측")
    report = import_cameras(write_csv(tmp_path / "a.csv", [north, south]))
    assert report.created == 2
    first, second = Camera.objects.order_by("id")

    report = import_cameras(write_csv(tmp_path / "b.csv", [north, south]))
    assert (report.created, report.unchanged, report.updated) == (0, 2, 0)

    report = import_cameras(write_csv(tmp_path / "c.csv", [south, north, north]))
    assert (report.created, report.unchanged, report.updated) == (1, 0, 2)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.view_direction, first.bearing) == ("남측", 180.0)
    assert (second.view_direction, second.bearing) == ("북측", 0.0)

    report = import_cameras(write_csv(tmp_path / "d.csv", [south]))
    assert (report.created, report.unchanged, report.updated) == (0, 1, 0)
    assert Camera.objects.count() == 3


def test_update_touches_only_changed_rows(tmp_path: Path) -> None:
    import_cameras(write_csv(tmp_path / "a.csv", [std_row("U-1"), std_row("U-2")]))
    before = dict(Camera.objects.values_list("management_number", "updated_at"))
    report = import_cameras(write_csv(tmp_path / "b.csv", [std_row("U-1"), std_row("U-2", 카메라대수="5")]))
    assert (report.updated, report.unchanged) == (1, 1)
    after = dict(Camera.objects.values_list("management_number", "updated_at"))
    assert after["U-1"] == before["U-1"] and after["U-2"] > before["U-2"]
    assert Camera.objects.get(management_number="U-2").camera_count == 5


# --- Transactions ----------------------------------------------------------------------------------

@pytest.fixture
def reject_trigger() -> None:
    """A real database error on a chosen write: PostgreSQL raises when a camera gets this address.
    DDL is transactional, so the test's rollback removes it."""
    table = Camera._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_reject_camera() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.road_address = 'REJECT ME' THEN RAISE EXCEPTION 'rejected by test'; END IF; "
            "RETURN NEW; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER test_reject BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION test_reject_camera()"
        )


@pytest.mark.parametrize("where", ["insert after the updates", "while updating"])
def test_failure_midway_leaves_database_unchanged(tmp_path: Path, reject_trigger: None, where: str) -> None:
    existing = 1200
    import_cameras(write_csv(tmp_path / "a.csv", [std_row(f"T-{i}") for i in range(existing)]))
    before = list(Camera.objects.values_list("id", "camera_count", "road_address", "updated_at"))
    rows = [std_row(f"T-{i}", 카메라대수="9") for i in range(existing)]  # all updated
    rows += [std_row(f"N-{i}") for i in range(10)]
    if where == "insert after the updates":
        rows.append(std_row("N-last", 소재지도로명주소="REJECT ME"))
    else:
        rows[1010] = std_row("T-1010", 소재지도로명주소="REJECT ME")
    with pytest.raises(DatabaseError, match="rejected by test"):
        import_cameras(write_csv(tmp_path / "b.csv", rows))
    assert list(Camera.objects.values_list("id", "camera_count", "road_address", "updated_at")) == before


def test_dry_run_stores_nothing_and_reports_the_same(tmp_path: Path) -> None:
    import_cameras(write_csv(tmp_path / "a.csv", [std_row("D-1"), std_row("D-2")]))
    before = snapshot()
    rows = [std_row("D-1"), std_row("D-2", 보관일수="7"), std_row("D-3"), std_row("D-4", WGS84위도=""),
            std_row("D-5", 카메라대수="x")]
    path = write_csv(tmp_path / "b.csv", rows)
    dry = import_cameras(path, dry_run=True)
    assert dry.dry_run and (dry.created, dry.updated, dry.unchanged) == (2, 1, 1)
    assert snapshot() == before
    assert Camera.objects.get(management_number="D-2").retention_days == 30
    real = import_cameras(path)
    assert dataclasses.replace(dry, dry_run=False) == real
    assert Camera.objects.count() == 4


def test_progress_is_reported(tmp_path: Path) -> None:
    rows = [std_row(f"P-{i}") for i in range(2500)]
    calls: list[tuple[int, int]] = []
    import_cameras(write_csv(tmp_path / "p.csv", rows), progress=lambda *args: calls.append(args))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]


# --- Row cleaner (property-based) ------------------------------------------------------------------

_LIMITS = {f.name: f.max_length for f in Camera._meta.fields if getattr(f, "max_length", None)}


@given(st.dictionaries(st.sampled_from(STANDARD_COLUMNS), st.text()), st.booleans())
def test_clean_row_never_raises(record: dict[str, str], extra: bool) -> None:
    result = clean_row(record, extra)
    if isinstance(result, Skip):
        assert result.reason in r.MESSAGES
        return
    assert isinstance(result, CleanRow) and result.values["agency"]
    assert all(code in r.MESSAGES for code in result.warnings)
    location = result.values["location"]
    assert 33 <= location.y <= 38.7 and 124.5 <= location.x <= 132
    for name, value in result.values.items():
        if isinstance(value, str):
            assert value == value.strip() and "\x00" not in value
            assert len(value) <= _LIMITS[name]
    assert result.values.get("purpose", "") in ("", *Purpose.values)


@given(
    st.floats(33, 38.7), st.floats(124.5, 132),
    st.dictionaries(st.sampled_from(STANDARD_COLUMNS), st.text(max_size=20)),
)
def test_clean_row_keeps_any_row_with_agency_and_korean_coordinates(
    lat: float, lon: float, other: dict[str, str]
) -> None:
    record = {**other, "관리기관명": "경기도 화성시청", "관리번호": "N-1", "WGS84위도": repr(lat),
              "WGS84경도": repr(lon)}
    result = clean_row(record)
    assert isinstance(result, CleanRow)
    assert result.values["location"].coords == (lon, lat)


# --- Command line ----------------------------------------------------------------------------------

def test_command_reports_and_shows_progress(tmp_path: Path, english) -> None:
    rows = [std_row(f"C-{i}") for i in range(2500)] + [std_row("C-x", 관리기관명="")]
    path = write_csv(tmp_path / "c.csv", rows)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_cameras", str(path), stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        "  1,000 / 2,501 rows", "  2,000 / 2,501 rows", "  2,501 / 2,501 rows",
    ]
    assert "Created: 2,500" in out.getvalue() and "Skipped: 1" in out.getvalue()
    assert Camera.objects.count() == 2500


def test_command_dry_run(tmp_path: Path, english) -> None:
    out = io.StringIO()
    call_command("import_cameras", str(write_csv(tmp_path / "c.csv", [std_row()])), "--dry-run",
                 stdout=out, stderr=io.StringIO())
    assert "Dry run" in out.getvalue() and "Created: 1" in out.getvalue()
    assert not Camera.objects.exists()


def test_command_error_raises_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("import_cameras", str(tmp_path / "missing.csv"))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.csv", None, "missing.csv"),  # the message names the file
    ("nocoords.csv", "관리기관명,소재지도로명주소\n화성시청,어딘가\n".encode(), "WGS84위도"),
])
def test_command_exit_code(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_cameras", str(path)], cwd=settings.BASE_DIR,
        capture_output=True, text=True, env=dict(os.environ), timeout=120,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
