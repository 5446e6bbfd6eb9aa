"""Property tests of the camera importer on whole files: generated CSVs in UTF-8 (with or without
BOM) or CP949, comma/tab/semicolon, shuffled and extra columns, the older column names, and rows
that are good or broken in one known way. The importer must never crash, must count every broken
row under its reason, and must import every good row exactly."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cameras.importing import ImportFileError, import_cameras
from cameras.importing import reasons as r
from cameras.importing.columns import STANDARD_COLUMNS
from cameras.models import Camera

pytestmark = pytest.mark.django_db

AGENCY = "경기도 화성시청"
REQUIRED = ("관리기관명", "관리번호", "WGS84위도", "WGS84경도")
OPTIONAL = [name for name in STANDARD_COLUMNS if name not in REQUIRED]
EXTRA_COLUMNS = ["비고", "Unnamed: 0", "순번", "note"]
ENCODINGS = ["utf-8", "utf-8-sig", "cp949"]


def _text(encoding: str, max_size: int = 12) -> st.SearchStrategy[str]:
    # Anything the file's encoding can hold, delimiters, quotes and line breaks included.
    codec = "cp949" if encoding == "cp949" else "utf-8"
    return st.text(st.characters(codec=codec, exclude_categories=("Cs",)), max_size=max_size)


def _fits(encoding: str):
    def fits(text: str) -> bool:
        try:
            text.encode(encoding)
        except UnicodeEncodeError:
            return False
        return True

    return fits


def _coordinate(low: float, high: float) -> st.SearchStrategy[str]:
    # Any precision, a sign or a space in front; rounding must not carry it out of the range.
    text = st.builds(lambda value, places, sign: f"{sign}{value:.{places}f}",
                     st.floats(low, high), st.integers(0, 10), st.sampled_from(["", "", " ", "+"]))
    return text.filter(lambda value: low <= float(value) <= high)


KOREAN_LAT, KOREAN_LON = _coordinate(33.0, 38.7), _coordinate(124.5, 132.0)
GARBAGE = st.sampled_from(["abc", "37.1.2", "N37.2", "1e5", "nan", "inf", "-", ".", "37,5", "위도", "0x25",
                           "37.5°", "37 12 30", "١٢٣"])
ELSEWHERE = st.sampled_from([("35.68", "139.69"), ("0", "0"), ("-33.86", "151.21"), ("90", "180"),
                             ("37.5", "-126.9"), ("-37.5", "126.9"), ("40.0", "126.9"), ("37.5", "133")])


@dataclass
class Row:
    cells: dict[str, str]  # standard column → text (absent columns are left out of the file)
    expect: str  # "good" or a skip reason
    extra: str = ""  # text in a cell beyond the header


@st.composite
def rows(draw: st.DrawFn, encoding: str, index: int, numbers: list[str]) -> Row:
    kind = draw(st.sampled_from(["good", "good", "good", "blank", "garbage", "swapped", "elsewhere",
                                 "no_agency", "extra_cell", "empty", "duplicate"]))
    number = f"F-{index}"
    lat, lon = draw(KOREAN_LAT), draw(KOREAN_LON)
    cells = {name: draw(_text(encoding)) for name in OPTIONAL}
    cells.update({"관리기관명": AGENCY, "관리번호": number, "WGS84위도": lat, "WGS84경도": lon})
    expect = "good"
    if kind == "blank":
        cells[draw(st.sampled_from(["WGS84위도", "WGS84경도"]))] = draw(st.sampled_from(["", " ", "\t"]))
        expect = r.MISSING_COORDINATES
    elif kind == "garbage":
        cells[draw(st.sampled_from(["WGS84위도", "WGS84경도"]))] = draw(GARBAGE.filter(_fits(encoding)))
        expect = r.BAD_COORDINATES
    elif kind == "swapped":
        cells["WGS84위도"], cells["WGS84경도"] = lon, lat
        expect = r.SWAPPED_COORDINATES
    elif kind == "elsewhere":
        cells["WGS84위도"], cells["WGS84경도"] = draw(ELSEWHERE)
        expect = r.OUTSIDE_KOREA
    elif kind == "no_agency":
        cells["관리기관명"] = draw(st.sampled_from(["", "  "]))
        expect = r.MISSING_AGENCY
    elif kind == "extra_cell":
        expect = r.JUNK_ROW
        return Row(cells, expect, extra=draw(_text(encoding, 8).filter(str.strip)))
    elif kind == "empty":
        return Row(dict.fromkeys(cells, ""), r.JUNK_ROW)
    elif kind == "duplicate" and numbers:
        cells["관리번호"] = draw(st.sampled_from(numbers))
        expect = r.DUPLICATE_NUMBER
    if expect == "good":
        numbers.append(cells["관리번호"])
    return Row(cells, expect)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, str, list[Row]]:
    encoding = draw(st.sampled_from(ENCODINGS))
    optional = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=len(OPTIONAL)))
    extra_columns = draw(st.lists(st.sampled_from(EXTRA_COLUMNS), unique=True, max_size=2))
    names = [*REQUIRED, *optional, *extra_columns]
    order = draw(st.permutations(names))
    older = draw(st.booleans())  # 위도/경도 instead of WGS84위도/WGS84경도
    header = [{"WGS84위도": "위도", "WGS84경도": "경도"}.get(name, name) if older else name for name in order]
    header = [f" {name} " if draw(st.booleans()) and name in optional else name for name in header]
    numbers: list[str] = []
    generated = [draw(rows(encoding, i, numbers)) for i in range(draw(st.integers(0, 12)))]
    delimiter = draw(st.sampled_from([",", "\t", ";"]))
    out = io.StringIO()
    ending = draw(st.sampled_from(["\r\n", "\n"]))
    # Python's writer quotes a cell with a line break only if the break is in its line ending: with
    # "\n" a bare "\r" would go out unquoted and really split the row, so quote every cell there.
    quoting = csv.QUOTE_ALL if ending == "\n" else draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    writer = csv.writer(out, delimiter=delimiter, lineterminator=ending, quoting=quoting)
    writer.writerow(header)
    for row in generated:
        line = [row.cells.get(name, "") for name in order]
        writer.writerow([*line, row.extra] if row.extra else line)
    return out.getvalue().encode(encoding), encoding, generated


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(csv_files(), st.booleans())
def test_importer_imports_every_good_row_and_names_every_bad_one(file: tuple[bytes, str, list[Row]],
                                                                dry_run: bool) -> None:
    raw, encoding, generated = file
    Camera.objects.all().delete()  # one transaction for all examples: start each from nothing
    report = import_cameras(io.BytesIO(raw), dry_run=dry_run)

    good = [row for row in generated if row.expect == "good"]
    assert report.total == len(generated)
    assert report.skipped == Counter(row.expect for row in generated if row.expect != "good")
    assert (report.created, report.updated, report.unchanged) == (len(good), 0, 0)
    # Korean text makes CP949 invalid UTF-8; an all-ASCII CP949 file is read as the UTF-8 it also is.
    assert report.encoding in (encoding, "utf-8")
    lines = "\n".join(report.lines())
    for code, count in report.skipped.items():  # every reason by its message, with its count
        assert f"{r.message(code)}: {count:,}" in lines
    stored = {camera.management_number: camera for camera in Camera.objects.all()}
    if dry_run:
        assert stored == {}
        return
    assert set(stored) == {row.cells["관리번호"] for row in good}
    for row in good:
        camera = stored[row.cells["관리번호"]]
        assert camera.agency == AGENCY
        assert camera.location.y == pytest.approx(float(row.cells["WGS84위도"]), abs=1e-9)
        assert camera.location.x == pytest.approx(float(row.cells["WGS84경도"]), abs=1e-9)

    again = import_cameras(io.BytesIO(raw))  # the same file again changes nothing
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(good))


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300), st.sampled_from(["관리기관명,WGS84위도,WGS84경도\n", ""]))
def test_importer_never_crashes_on_arbitrary_bytes(noise: bytes, header: str) -> None:
    """Random bytes, alone or after a valid header: an import or a clear ImportFileError."""
    try:
        report = import_cameras(io.BytesIO(header.encode() + noise), dry_run=True)
    except ImportFileError as exc:
        assert str(exc)
        return
    assert report.created + report.skipped_total == report.total


def _mixed() -> bytes:
    header = "관리기관명,WGS84위도,WGS84경도\n".encode()
    return header + "경기도 화성시청,37.2,126.83\n".encode("cp949")


@pytest.mark.parametrize("raw", [
    "관리기관명,WGS84위도,WGS84경도\n경기도 화성시청,37.2,126.83\n".encode("utf-16"),
    "관리기관명,WGS84위도,WGS84경도\n경기도 화성시청,37.2,126.83\n".encode("utf-16-le"),
    _mixed(),
    b"\xef\xbb\xbf" + "관리기관명,WGS84위도,WGS84경도\n".encode("cp949"),
    b"",
    b"\xef\xbb\xbf",
    "이름,주소\n홍길동,화성\n".encode(),
], ids=["utf-16", "utf-16-le", "utf-8-header-cp949-rows", "bom-then-cp949", "empty", "bom-only",
        "no-coordinates"])
def test_a_file_in_another_encoding_or_layout_is_refused_with_a_reason(raw: bytes) -> None:
    with pytest.raises(ImportFileError) as refused:
        import_cameras(io.BytesIO(raw))
    assert str(refused.value)
    assert not Camera.objects.exists()


def test_a_shuffled_cp949_file_with_every_kind_of_row_imports_the_good_ones() -> None:
    """One fixed example of the property above, readable on its own."""
    rng = random.Random(6)
    order = [*REQUIRED, "설치목적구분", "비고"]
    rng.shuffle(order)
    data = [
        {"관리번호": "A-1", "WGS84위도": "37.2", "WGS84경도": "126.83"},
        {"관리번호": "A-2", "WGS84위도": "126.83", "WGS84경도": "37.2"},
        {"관리번호": "A-3", "WGS84위도": "", "WGS84경도": "126.83"},
        {"관리번호": "A-4", "WGS84위도": "35.68", "WGS84경도": "139.69"},
        {"관리번호": "A-5", "WGS84위도": "삼십칠", "WGS84경도": "126.83"},
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(order)
    for row in data:
        cells = {**row, "관리기관명": AGENCY, "설치목적구분": "생활방범"}
        writer.writerow([cells.get(name, "") for name in order])
    report = import_cameras(io.BytesIO(out.getvalue().encode("cp949")))
    assert (report.encoding, report.created) == ("cp949", 1)
    assert report.skipped == Counter({r.SWAPPED_COORDINATES: 1, r.MISSING_COORDINATES: 1,
                                      r.OUTSIDE_KOREA: 1, r.BAD_COORDINATES: 1})
    assert list(Camera.objects.values_list("management_number", flat=True)) == ["A-1"]
