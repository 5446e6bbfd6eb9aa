"""One CSV row → the Camera field values it describes, or the reason to skip it."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import Point

from cameras.directions import parse_direction
from cameras.importing import reasons
from cameras.importing.columns import AGENCY, ALIASES, LATITUDE, LONGITUDE, STANDARD_COLUMNS
from cameras.importing.values import parse_date, parse_int, parse_purpose, parse_year_month
from cameras.models import Camera
from hwaseong_safety.csvsafe import unescape_cell

# Bounding box of South Korea (Jeju to the DMZ, Baengnyeong to Dokdo).
LAT_RANGE = (33.0, 38.7)
LON_RANGE = (124.5, 132.0)
SMALLINT_MAX = 32767
INT_MAX = 2147483647

_NUMBER_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)$", re.ASCII)
_TEXT_FIELDS = {
    "관리번호": "management_number", "소재지도로명주소": "road_address",
    "소재지지번주소": "lot_address", "촬영방면정보": "view_direction", "관리기관전화번호": "phone",
}


@dataclass
class CleanRow:
    values: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Skip:
    reason: str


def clean_row(record: dict[str, str], extra_cells: bool = False) -> CleanRow | Skip:
    """Never raises: any text gives values or a Skip (the reason codes are in ``reasons``)."""
    cells = {name: _clean_text(value) for name, value in record.items()}
    if extra_cells or _is_junk(cells):
        return Skip(reasons.JUNK_ROW)
    agency = cells.get(AGENCY, "")
    if not agency:
        return Skip(reasons.MISSING_AGENCY)
    location = _location(cells.get(LATITUDE, ""), cells.get(LONGITUDE, ""))
    if isinstance(location, Skip):
        return location
    if len(agency) > _max_length("agency") or len(cells.get("관리번호", "")) > _max_length(
        "management_number"
    ):
        return Skip(reasons.KEY_TOO_LONG)
    row = CleanRow({"agency": agency, "location": location})
    _fill_optional(cells, row)
    return row


def _clean_text(value: str | None) -> str:
    # PostgreSQL text cannot hold NUL; a NUL in a CSV cell is garbage anyway. Our own export's
    # formula escape (hwaseong_safety/csvsafe.py) is undone, so an export re-imports unchanged.
    return unescape_cell((value or "").replace("\x00", "").strip()).strip()


def _is_junk(cells: dict[str, str]) -> bool:
    if not any(cells.values()):
        return True
    # A header line repeated inside the data (files concatenated with their headers).
    return sum(1 for name in STANDARD_COLUMNS if cells.get(name) in (name, *_old_names(name))) >= 2


def _old_names(name: str) -> tuple[str, ...]:
    return tuple(old for old, new in ALIASES.items() if new == name)


def _location(lat_text: str, lon_text: str) -> Point | Skip:
    if not lat_text or not lon_text:
        return Skip(reasons.MISSING_COORDINATES)
    if not (_NUMBER_RE.match(lat_text) and _NUMBER_RE.match(lon_text)):
        return Skip(reasons.BAD_COORDINATES)
    lat, lon = float(lat_text), float(lon_text)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return Skip(reasons.BAD_COORDINATES)
    if _in_korea(lat, lon):
        return Point(lon, lat, srid=4326)
    if _in_korea(lon, lat):
        # Reported on its own and not fixed: a swapped pair often means other columns moved too.
        return Skip(reasons.SWAPPED_COORDINATES)
    return Skip(reasons.OUTSIDE_KOREA)


def _in_korea(lat: float, lon: float) -> bool:
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


def _max_length(name: str) -> int:
    return Camera._meta.get_field(name).max_length


def _fill_optional(cells: dict[str, str], row: CleanRow) -> None:
    _fill_text(cells, row)
    if "촬영방면정보" in cells:
        row.values["bearing"], row.values["field_of_view"] = parse_direction(row.values["view_direction"])
    for column, name, parser, reason in _PARSED:
        if column in cells:  # a column the file lacks leaves its field as it is
            row.values[name], ok = parser(cells[column])
            _warn_unless(ok, reason, row)


def _fill_text(cells: dict[str, str], row: CleanRow) -> None:
    for column, name in _TEXT_FIELDS.items():
        if column not in cells:
            continue
        limit = _max_length(name)
        row.values[name] = cells[column][:limit].rstrip()
        _warn_unless(len(cells[column]) <= limit, reasons.TEXT_TRUNCATED, row)
    if "개방자치단체코드" in cells:
        code = cells["개방자치단체코드"]
        # A cut code is a wrong code: leave it empty instead.
        ok = len(code) <= _max_length("agency_code")
        row.values["agency_code"] = code if ok else ""
        _warn_unless(ok, reasons.BAD_AGENCY_CODE, row)


def _warn_unless(ok: bool, reason: str, row: CleanRow) -> None:
    if not ok:
        row.warnings.append(reason)


Parser = Callable[[str], tuple[Any, bool]]
_PARSED: tuple[tuple[str, str, Parser, str], ...] = (
    ("설치목적구분", "purpose", parse_purpose, reasons.UNKNOWN_PURPOSE),
    ("카메라대수", "camera_count", lambda text: parse_int(text, SMALLINT_MAX), reasons.BAD_CAMERA_COUNT),
    ("카메라화소수", "pixels", lambda text: parse_int(text, INT_MAX), reasons.BAD_PIXELS),
    ("보관일수", "retention_days", lambda text: parse_int(text, SMALLINT_MAX), reasons.BAD_RETENTION_DAYS),
    ("설치연월", "installed_on", parse_year_month, reasons.BAD_INSTALLED_ON),
    ("데이터기준일자", "data_date", parse_date, reasons.BAD_DATA_DATE),
)
