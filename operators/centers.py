"""The 18 Gyeonggi cities whose control centers are linked for the safe-return service.

One source of truth: loading boundaries, the synthetic demo region and the demo staff all read
this list. Codes are the standard administrative codes (행정표준코드 시군구, 화성시 = 41590), not
the KOSTAT/SGIS ones (화성시 = 31240).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon

from operators.models import Center

HWASEONG_CODE = "41590"


@dataclass(frozen=True)
class LinkedCity:
    code: str
    name: str
    name_en: str
    # Used for demo usernames (``hwaseong-operator``): ASCII, stable, no spaces.
    slug: str

    def owns_district(self, sig_cd: str) -> bool:
        """Whether a boundary feature with this SIG_CD belongs to the city.

        A city code ends in 0 and its 구 share its first four digits (성남시 41130 → 수정구 41131,
        중원구 41133, 분당구 41135), so a city split into districts later (부천시 in 2024,
        화성시 in 2026) still matches without editing this list."""
        return sig_cd == self.code or sig_cd[:4] == self.code[:4]


LINKED_CITIES: tuple[LinkedCity, ...] = (
    LinkedCity("41130", "성남시", "Seongnam-si", "seongnam"),
    LinkedCity("41150", "의정부시", "Uijeongbu-si", "uijeongbu"),
    LinkedCity("41170", "안양시", "Anyang-si", "anyang"),
    LinkedCity("41190", "부천시", "Bucheon-si", "bucheon"),
    LinkedCity("41210", "광명시", "Gwangmyeong-si", "gwangmyeong"),
    LinkedCity("41220", "평택시", "Pyeongtaek-si", "pyeongtaek"),
    LinkedCity("41250", "동두천시", "Dongducheon-si", "dongducheon"),
    LinkedCity("41270", "안산시", "Ansan-si", "ansan"),
    LinkedCity("41290", "과천시", "Gwacheon-si", "gwacheon"),
    LinkedCity("41310", "구리시", "Guri-si", "guri"),
    LinkedCity("41390", "시흥시", "Siheung-si", "siheung"),
    LinkedCity("41410", "군포시", "Gunpo-si", "gunpo"),
    LinkedCity("41430", "의왕시", "Uiwang-si", "uiwang"),
    LinkedCity("41450", "하남시", "Hanam-si", "hanam"),
    LinkedCity("41460", "용인시", "Yongin-si", "yongin"),
    LinkedCity("41550", "안성시", "Anseong-si", "anseong"),
    LinkedCity(HWASEONG_CODE, "화성시", "Hwaseong-si", "hwaseong"),
    LinkedCity("41830", "양평군", "Yangpyeong-gun", "yangpyeong"),
)

LINKED_BY_CODE: dict[str, LinkedCity] = {city.code: city for city in LINKED_CITIES}


def city_for_district(sig_cd: str) -> LinkedCity | None:
    """The linked city a boundary feature belongs to, or None for a city outside the network."""
    for city in LINKED_CITIES:
        if city.owns_district(sig_cd):
            return city
    return None


@dataclass(frozen=True)
class CenterChanges:
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


def as_multipolygon(geometry: GEOSGeometry) -> MultiPolygon:
    """A valid MultiPolygon in WGS84 from a (Multi)Polygon or a GEOS union result."""
    if not _quietly_valid(geometry):
        # E.g. 안산시단원구 in the SGIS file: an island stored as a "hole" outside the shell.
        geometry = geometry.make_valid()
    if geometry.geom_type == "GeometryCollection":
        # make_valid can leave stray lines or points beside the areas: keep only the areas.
        geometry = MultiPolygon([p for g in geometry for p in _polygons(g)], srid=geometry.srid)
    polygons = _polygons(geometry)
    if not polygons:
        raise ValueError(f"no polygon area in {geometry.geom_type}")
    return MultiPolygon(polygons, srid=geometry.srid or 4326)


def _quietly_valid(geometry: GEOSGeometry) -> bool:
    # GEOS logs a warning for every invalid input it checks; we repair them, so say nothing.
    gis_logger = logging.getLogger("django.contrib.gis")
    level = gis_logger.level
    gis_logger.setLevel(logging.ERROR)
    try:
        return geometry.valid
    finally:
        gis_logger.setLevel(level)


def _polygons(geometry: GEOSGeometry) -> list[Polygon]:
    if geometry.geom_type == "Polygon":
        return [geometry]
    if geometry.geom_type == "MultiPolygon":
        return list(geometry)
    return []


def save_centers(boundaries: dict[str, MultiPolygon]) -> CenterChanges:
    """Upsert one Center per linked city code in ``boundaries`` (name, English name, boundary).

    Rows are written only when something differs, so loading the same file twice changes nothing
    (and keeps ``phone`` or other fields edited in the admin)."""
    existing = {center.code: center for center in Center.objects.filter(code__in=boundaries)}
    created, updated, unchanged = [], [], []
    for code, boundary in sorted(boundaries.items()):
        city = LINKED_BY_CODE[code]
        center = existing.get(code)
        if center is None:
            Center.objects.create(code=code, name=city.name, name_en=city.name_en, boundary=boundary)
            created.append(city.name)
        elif _differs(center, city, boundary):
            center.name, center.name_en, center.boundary, center.is_linked = (
                city.name, city.name_en, boundary, True,
            )
            center.save(update_fields=["name", "name_en", "boundary", "is_linked"])
            updated.append(city.name)
        else:
            unchanged.append(city.name)
    return CenterChanges(tuple(created), tuple(updated), tuple(unchanged))


def _differs(center: Center, city: LinkedCity, boundary: MultiPolygon) -> bool:
    same = (
        center.name == city.name and center.name_en == city.name_en and center.is_linked
        and center.boundary.num_coords == boundary.num_coords
        # A tolerance well under a millimetre: the database round trip may change the last bit.
        and center.boundary.equals_exact(boundary, 1e-9)
    )
    return not same


def host_center() -> Center | None:
    """The service's host center (``settings.HOST_CENTER_CODE``), else the first linked center by
    code, so that an alert with nowhere else to go still reaches operators; None only while no
    center exists at all (a fresh install before ``load_centers``)."""
    centers = Center.objects.defer("boundary")
    return (centers.filter(code=settings.HOST_CENTER_CODE).first()
            or centers.filter(is_linked=True).order_by("code").first())
