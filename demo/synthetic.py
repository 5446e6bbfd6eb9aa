"""A deterministic synthetic demo region, used when the real public data is absent.

Centers: a power diagram (a Voronoi diagram weighted by each city's real area) of the 18 linked
cities' approximate real centroids, each cell clipped to a circle of about the city's size, so
large cities get large cells and the outer edges leave gaps like the sea. The two unlinked cities
inside the network, 수원시 and 오산시, are cut out as equal-area discs, so routing meets the same
"outside every linked city" cases as with the real boundaries.
Cameras: 10,182 sites in synthetic 화성시, clustered around its real towns. Everything is computed
in Python from fixed numbers and a seeded RNG: the same on every run and every machine.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from operators.centers import HWASEONG_CODE, LINKED_CITIES

SYNTHETIC_AGENCY = "경기도 화성시청 (synthetic)"
SYNTHETIC_CAMERA_COUNT = 10_182
SEED = 41590

# Approximate real centroid (lon, lat) and area (km²) of each linked city.
CITY_SHAPES: dict[str, tuple[float, float, float]] = {
    "41130": (127.115, 37.406, 141), "41150": (127.067, 37.736, 81), "41170": (126.928, 37.403, 58),
    "41190": (126.790, 37.505, 53), "41210": (126.863, 37.446, 39), "41220": (126.987, 37.011, 458),
    "41250": (127.078, 37.917, 96), "41270": (126.800, 37.310, 150), "41290": (127.006, 37.432, 36),
    "41310": (127.132, 37.596, 33), "41390": (126.787, 37.389, 139), "41410": (126.925, 37.344, 36),
    "41430": (126.990, 37.362, 54), "41450": (127.204, 37.520, 93), "41460": (127.218, 37.225, 591),
    "41550": (127.302, 37.034, 553), HWASEONG_CODE: (126.910, 37.165, 700), "41830": (127.576, 37.518, 878),
}

# Unlinked cities surrounded by linked ones (centroid lon, lat; area km²): holes in the region.
UNLINKED_SHAPES: dict[str, tuple[float, float, float]] = {
    "41110": (127.010, 37.285, 121),  # 수원시
    "41370": (127.050, 37.150, 43),  # 오산시
}

# A local equirectangular plane in km around the region: distortion stays well under 1 % here.
_LON0, _LAT0 = 127.0, 37.3
_KX = 111.320 * math.cos(math.radians(_LAT0))
_KY = 110.574
_FAR = 1000.0  # km: "infinitely" far for half-plane polygons


def _to_km(lon: float, lat: float) -> tuple[float, float]:
    return (lon - _LON0) * _KX, (lat - _LAT0) * _KY


def _to_lonlat(x: float, y: float) -> tuple[float, float]:
    # Rounded to ~1 cm so stored boundaries do not depend on the last bits of GEOS arithmetic.
    return round(_LON0 + x / _KX, 7), round(_LAT0 + y / _KY, 7)


def _radius_km(area: float) -> float:
    # A bit larger than the equal-area circle, so neighbouring cells meet along shared borders.
    return 1.3 * math.sqrt(area / math.pi)


def _half_plane(a: tuple[float, float], b: float) -> Polygon:
    """The half-plane a·x <= b as a huge square-ish polygon."""
    norm = math.hypot(*a)
    nx, ny = a[0] / norm, a[1] / norm
    x0, y0 = nx * b / norm, ny * b / norm  # closest point of the line to the origin
    dx, dy = -ny, nx
    corners = [
        (x0 + _FAR * dx, y0 + _FAR * dy), (x0 - _FAR * dx, y0 - _FAR * dy),
        (x0 - _FAR * dx - _FAR * nx, y0 - _FAR * dy - _FAR * ny),
        (x0 + _FAR * dx - _FAR * nx, y0 + _FAR * dy - _FAR * ny),
    ]
    return Polygon([*corners, corners[0]])


def _cell(code: str) -> Polygon:
    """Power-diagram cell of ``code``: |x-p|² - r² is smallest for this city's seed."""
    lon, lat, area = CITY_SHAPES[code]
    px, py = _to_km(lon, lat)
    weight = _radius_km(area) ** 2
    cell = Point(px, py).buffer(_radius_km(area), 16)
    for other, (olon, olat, oarea) in CITY_SHAPES.items():
        if other == code:
            continue
        qx, qy = _to_km(olon, olat)
        owt = _radius_km(oarea) ** 2
        # |x-p|² - w <= |x-q|² - v  ⇔  2x·(q-p) <= |q|² - |p|² + w - v
        a = (2 * (qx - px), 2 * (qy - py))
        cell = cell.intersection(_half_plane(a, qx * qx + qy * qy - px * px - py * py + weight - owt))
    for hlon, hlat, harea in UNLINKED_SHAPES.values():
        cell = cell.difference(Point(*_to_km(hlon, hlat)).buffer(math.sqrt(harea / math.pi), 16))
    return cell


def synthetic_boundaries() -> dict[str, MultiPolygon]:
    """One MultiPolygon (WGS84) per linked city code."""
    return {city.code: _to_wgs84(_cell(city.code)) for city in LINKED_CITIES}


def _to_wgs84(cell: Polygon | MultiPolygon) -> MultiPolygon:
    polygons = [cell] if cell.geom_type == "Polygon" else list(cell)
    return MultiPolygon(
        [Polygon(*[[_to_lonlat(x, y) for x, y in ring.coords] for ring in polygon]) for polygon in polygons],
        srid=4326,
    )


# --- Cameras --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    name: str
    lon: float
    lat: float
    weight: float  # share of the cameras
    spread_km: float


# Real 화성시 towns (approximate centres), weighted roughly by population.
TOWNS: tuple[Town, ...] = (
    Town("동탄1동", 127.062, 37.205, 16, 1.2), Town("동탄2동", 127.058, 37.193, 12, 1.0),
    Town("병점1동", 127.035, 37.207, 8, 1.0), Town("진안동", 127.025, 37.220, 5, 0.8),
    Town("봉담읍", 126.950, 37.215, 11, 1.6), Town("향남읍", 126.915, 37.130, 11, 1.6),
    Town("남양읍", 126.825, 37.210, 7, 1.4), Town("새솔동", 126.808, 37.235, 4, 0.7),
    Town("송산면", 126.730, 37.215, 3, 2.0), Town("우정읍", 126.810, 37.080, 3, 2.4),
    Town("마도면", 126.770, 37.190, 2, 1.6), Town("팔탄면", 126.890, 37.160, 3, 1.8),
    Town("정남면", 126.980, 37.160, 3, 1.8), Town("장안면", 126.830, 37.070, 2, 1.8),
    Town("양감면", 126.960, 37.090, 2, 1.5), Town("서신면", 126.700, 37.170, 2, 2.0),
    Town("비봉면", 126.880, 37.240, 2, 1.6), Town("매송면", 126.925, 37.265, 2, 1.4),
    Town("기배동", 126.975, 37.225, 2, 0.9),
)

PURPOSES = (
    ("생활방범", 60), ("어린이보호", 15), ("교통단속", 5), ("교통정보수집", 4), ("시설물관리", 6),
    ("재난재해", 3), ("차량방범", 4), ("쓰레기단속", 2), ("기타", 1),
)
STATUSES = (("active", 93), ("offline", 4), ("maintenance", 2), ("retired", 1))
DIRECTIONS = (
    ("북측", 0.0), ("북동측", 45.0), ("동측", 90.0), ("남동측", 135.0), ("남측", 180.0),
    ("남서측", 225.0), ("서측", 270.0), ("북서측", 315.0),
)
PIXELS = ((41, 5), (200, 50), (400, 25), (500, 10), (800, 10))
DATA_DATE = date(2025, 6, 30)


def _pick(rng: random.Random, table: tuple[tuple[object, float], ...]) -> object:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def _location(rng: random.Random, town: Town, area: Polygon) -> tuple[float, float]:
    """A point around the town, inside the synthetic 화성시 (rejection sampling)."""
    cx, cy = _to_km(town.lon, town.lat)
    for _attempt in range(100):
        x, y = rng.gauss(cx, town.spread_km), rng.gauss(cy, town.spread_km)
        if area.contains(Point(x, y)):
            lon, lat = _to_lonlat(x, y)
            return lon, lat
    raise ValueError(f"town {town.name} lies outside synthetic 화성시")


def synthetic_camera_rows(count: int = SYNTHETIC_CAMERA_COUNT, seed: int = SEED) -> list[dict]:
    """Field values for ``count`` synthetic 화성시 cameras (plain dicts: no database needed)."""
    rng = random.Random(seed)
    # 200 m inside the edge: PostGIS reads the stored edges as great-circle arcs, which bow a
    # little away from the planar edges here; no camera should land on the wrong side.
    area = _cell(HWASEONG_CODE).buffer(-0.2).prepared
    towns = rng.choices(TOWNS, [town.weight for town in TOWNS], k=count)
    return [_camera_row(rng, index, town, area) for index, town in enumerate(towns, start=1)]


def _camera_row(rng: random.Random, index: int, town: Town, area: Polygon) -> dict:
    lon, lat = _location(rng, town, area)
    purpose = _pick(rng, PURPOSES)
    all_round = rng.random() < 0.4
    direction, bearing = ("360도 전방향", None) if all_round else rng.choice(DIRECTIONS)
    road, number = rng.randint(1, 60), rng.randint(1, 300)
    enforcement = purpose in {"교통단속", "차량방범"}
    return {
        "agency": SYNTHETIC_AGENCY,
        "management_number": f"SYN-HS-{index:05d}",
        "road_address": f"경기도 화성시 {town.name} 가상{road}로 {number}",
        "lot_address": f"경기도 화성시 {town.name} 가상리 {rng.randint(1, 999)}-{rng.randint(1, 30)}",
        "purpose": purpose,
        "camera_count": rng.choices((1, 2, 3, 4, 5), (30, 35, 20, 10, 5))[0],
        "pixels": _pick(rng, PIXELS),
        "view_direction": direction,
        "bearing": bearing,
        "field_of_view": 360.0 if all_round else 90.0,
        "retention_days": 30,
        "installed_on": date(rng.randint(2008, 2025), rng.randint(1, 12), 1),
        "data_date": DATA_DATE,
        "location": Point(lon, lat, srid=4326),
        "status": _pick(rng, STATUSES),
        "has_ptz": all_round or rng.random() < 0.1,
        "has_ai": rng.random() < 0.25,
        "has_recognition": enforcement or rng.random() < 0.03,
    }
