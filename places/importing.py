"""Importers of the public reference files (docs/places.md): 시군구 and 읍면동 boundaries as GeoJSON,
police stations, 119 safety centers and child-protection zones as CSV (UTF-8 or CP949, columns
matched by name, as the sources shift them between years). Re-importing a file updates its rows;
rows without usable coordinates are counted and skipped, never guessed."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import transaction
from django.utils.translation import gettext as _

from operators.centers import as_multipolygon
from places.models import AdminArea, AreaLevel, Facility, FacilityKind

# The Republic of Korea with its islands: a coordinate outside is a data error (or swapped).
LATITUDES, LONGITUDES = (33.0, 38.7), (124.5, 132.0)


class PlacesFileError(ValueError):
    """The file is not one of the layers we know (the message says why, for the admin)."""


@dataclass
class PlacesReport:
    layer: str = ""
    saved: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [_("Layer: %(layer)s") % {"layer": self.layer},
               _("Saved: %(n)d, skipped (no usable coordinates): %(s)d")
               % {"n": self.saved, "s": self.skipped}]
        return out + self.problems[:20]


# --- reading ----------------------------------------------------------------------------------

def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else CP949: the two encodings the public files come in."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp949")
        except UnicodeDecodeError:
            raise PlacesFileError(_("The file is neither UTF-8 nor CP949 text.")) from None


def _first(row: dict[str, str], *names: str) -> str:
    for name in names:
        value = (row.get(name) or "").strip()
        if value:
            return value
    return ""


def _point(row: dict[str, str], lat_names: tuple[str, ...], lon_names: tuple[str, ...]) -> Point | None:
    try:
        lat, lon = float(_first(row, *lat_names)), float(_first(row, *lon_names))
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (LATITUDES[0] <= lat <= LATITUDES[1] and LONGITUDES[0] <= lon <= LONGITUDES[1]):
        return None
    return Point(lon, lat, srid=4326)


# Each CSV layer: the header that identifies it, and how a row becomes a Facility.
def _police(row: dict[str, str]) -> dict | None:
    office, kind = _first(row, "관서명"), _first(row, "구분명")
    name = office if not kind or office.endswith(kind) else f"{office}{kind}"
    station = _first(row, "경찰서명")
    return {"name": name, "detail": f"{station}경찰서" if station and not station.endswith("서") else station,
            "address": _first(row, "소재지도로명주소", "소재지지번주소"), "phone": ""}


def _fire(row: dict[str, str]) -> dict | None:
    return {"name": _first(row, "119안전센터명", "센터명"), "detail": _first(row, "시도본부"),
            "address": _first(row, "주소"), "phone": _first(row, "전화번호")}


def _child_zone(row: dict[str, str]) -> dict | None:
    return {"name": _first(row, "대상시설명"), "detail": _first(row, "시설종류"),
            "address": _first(row, "소재지도로명주소", "소재지지번주소"), "phone": ""}


CSV_LAYERS = (
    # kind, a column only that layer has, row reader, latitude columns, longitude columns
    (FacilityKind.POLICE, "관서명", _police, ("WGS84위도", "위도"), ("WGS84경도", "경도")),
    (FacilityKind.FIRE, "119안전센터명", _fire, ("위도", "WGS84위도"), ("경도", "WGS84경도")),
    (FacilityKind.CHILD_ZONE, "대상시설명", _child_zone, ("위도", "WGS84위도"), ("경도", "WGS84경도")),
)


# --- importing --------------------------------------------------------------------------------

def import_places_file(path: Path | str, raw: bytes | None = None) -> PlacesReport:
    """Import one file, recognised by its content (GeoJSON properties or CSV header)."""
    path = Path(path)
    text = decode(raw if raw is not None else path.read_bytes())
    if text.lstrip().startswith("{"):
        return import_areas(text)
    return import_facilities(text)


def import_areas(text: str) -> PlacesReport:
    try:
        features = json.loads(text)["features"]
    except (ValueError, KeyError, TypeError):
        raise PlacesFileError(_("Not a GeoJSON FeatureCollection.")) from None
    if not features:
        raise PlacesFileError(_("The GeoJSON file has no features."))
    props = features[0].get("properties") or {}
    if "SIG_CD" in props:
        level, code_key, name_key, kind_key = AreaLevel.SIGUNGU, "SIG_CD", "SIG_KOR_NM", None
    elif {"code", "name"} <= set(props):
        level, code_key, name_key, kind_key = AreaLevel.EMD, "code", "name", "kind"
    else:
        raise PlacesFileError(_("Unknown boundary file: expected SIG_CD/SIG_KOR_NM (시군구) or "
                                "code/name/kind (읍면동) properties."))
    report = PlacesReport(layer=str(level.label))
    areas = []
    for feature in features:
        p = feature.get("properties") or {}
        code, name = str(p.get(code_key) or "").strip(), str(p.get(name_key) or "").strip()
        try:
            geometry = GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)
        except (KeyError, TypeError, ValueError) as exc:
            report.skipped += 1
            report.problems.append(f"{code} {name}: {exc}")
            continue
        if not code or not name or geometry.empty:
            report.skipped += 1
            continue
        try:
            boundary = as_multipolygon(geometry)  # repairs the sources' self-touching rings
        except ValueError as exc:
            report.skipped += 1
            report.problems.append(f"{code} {name}: {exc}")
            continue
        areas.append(AdminArea(level=level, code=code, name=name,
                               kind=str(p.get(kind_key) or "") if kind_key else "", boundary=boundary))
    with transaction.atomic():
        AdminArea.objects.bulk_create(areas, update_conflicts=True, unique_fields=["level", "code"],
                                      update_fields=["name", "kind", "boundary"])
    report.saved = len(areas)
    return report


def import_facilities(text: str) -> PlacesReport:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    layer = next((layer for layer in CSV_LAYERS if layer[1] in header), None)
    if layer is None:
        raise PlacesFileError(_("Unknown CSV file: expected the columns of the police-station (관서명), "
                                "119 safety center (119안전센터명) or child-protection zone (대상시설명) "
                                "data."))
    kind, _marker, read, lat_names, lon_names = layer
    report = PlacesReport(layer=str(kind.label))
    rows = _facilities(reader, kind, read, lat_names, lon_names, report)
    with transaction.atomic():
        Facility.objects.bulk_create(rows, update_conflicts=True, unique_fields=["kind", "name", "address"],
                                     update_fields=["detail", "phone", "location"], batch_size=1000)
    report.saved = len(rows)
    return report


def _facilities(rows: Iterable[dict[str, str]], kind: str, read, lat_names, lon_names,
                report: PlacesReport) -> list[Facility]:
    seen: dict[tuple[str, str], Facility] = {}  # the unique key: one row per name and address
    for row in rows:
        point = _point(row, lat_names, lon_names)
        values = read(row)
        if point is None or not values or not values["name"]:
            report.skipped += 1
            continue
        values = {key: value[:Facility._meta.get_field(key).max_length] for key, value in values.items()}
        seen[(values["name"], values["address"])] = Facility(kind=kind, location=point, **values)
    return list(seen.values())
