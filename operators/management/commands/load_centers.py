"""``manage.py load_centers [FILE]``: the 18 linked centers from a 시군구 boundary GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from cameras.models import Camera
from operators.centers import LINKED_BY_CODE, CenterChanges, as_multipolygon, city_for_district, save_centers

# Korean public files come in UTF-8 or in the legacy Windows code page (CP949).
ENCODINGS = ("utf-8-sig", "cp949")


def default_boundary_file() -> Path:
    return Path(settings.SHARED_DATA_DIR) / "boundaries" / "gyeonggi_sigungu.geojson"


def read_geojson(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}) from error
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(_("%(path)s is not valid GeoJSON: %(error)s") % {
                "path": path, "error": error}) from error
    raise CommandError(_("%(path)s is neither UTF-8 nor CP949 text") % {"path": path})


def linked_boundaries(collection: dict) -> dict[str, MultiPolygon]:
    """One merged MultiPolygon per linked city code; features of other cities are skipped."""
    parts: dict[str, list[GEOSGeometry]] = {}
    for feature in collection.get("features") or []:
        city = city_for_district(str((feature.get("properties") or {}).get("SIG_CD", "")))
        if city is None or not feature.get("geometry"):
            continue
        geometry = GEOSGeometry(json.dumps(feature["geometry"]))
        geometry.srid = 4326  # RFC 7946: GeoJSON is always WGS84.
        parts.setdefault(city.code, []).append(geometry)
    missing = sorted(set(LINKED_BY_CODE) - set(parts))
    if missing:
        names = ", ".join(f"{LINKED_BY_CODE[code].name} ({code})" for code in missing)
        raise CommandError(_("The boundary file lacks linked cities: %(names)s") % {"names": names})
    return {code: merge(geometries) for code, geometries in parts.items()}


def merge(geometries: list[GEOSGeometry]) -> MultiPolygon:
    """Union of a city's 구 polygons: shared 구 borders vanish; islands stay separate parts."""
    if len(geometries) == 1:
        return as_multipolygon(geometries[0])
    polygons = [polygon for geometry in geometries for polygon in as_multipolygon(geometry)]
    return as_multipolygon(MultiPolygon(polygons, srid=4326).unary_union)


def load_centers(path: Path) -> tuple[CenterChanges, int]:
    """Upsert the linked centers from ``path`` and re-assign cameras; returns the changes and the
    number of cameras the assignment touched."""
    boundaries = linked_boundaries(read_geojson(path))
    with transaction.atomic():
        changes = save_centers(boundaries)
        cameras = Camera.objects.all()
        if not (changes.created or changes.updated):
            # Boundaries as before: only cameras without a center can change (the full UPDATE
            # takes seconds on real boundaries, and this runs on every `make run`).
            cameras = cameras.filter(center__isnull=True)
        assigned = cameras.assign_centers()
    return changes, assigned


class Command(BaseCommand):
    help = _("Load the 18 linked control centers from a 시군구 boundary GeoJSON (upsert by code).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help=_("default: %(default)s") % {
            "default": "SHARED_DATA_DIR/boundaries/gyeonggi_sigungu.geojson"})

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"] or default_boundary_file()
        changes, assigned = load_centers(path)
        self.stdout.write(describe(changes, path))
        self.stdout.write(_("Cameras (re)assigned to centers: %(count)d") % {"count": assigned})


def describe(changes: CenterChanges, source: object) -> str:
    line = _("Centers from %(source)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
        "source": source, "created": len(changes.created), "updated": len(changes.updated),
        "unchanged": len(changes.unchanged)}
    touched = ", ".join(changes.created + changes.updated)
    return f"{line}{f' ({touched})' if touched else ''}"
