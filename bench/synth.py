"""Synthetic camera sites across South Korea, clustered around towns like the real ones, bulk-loaded
with COPY. Deterministic: the same seed gives the same sites on every machine.

Real CCTV sites sit in dense clusters (city centres, apartment blocks, school zones) with a thin
rural spread; a uniform scatter would make the KNN index look better than it is in the cities."""

from __future__ import annotations

import io
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg

SEED = 7_2026
GENERATOR_VERSION = "3"  # bump when the rows change, so stored tables are rebuilt

# (name, lon, lat, population in 10k): the larger cities of every province, for the clusters.
CITIES: tuple[tuple[str, float, float, float], ...] = (
    ("서울", 126.978, 37.566, 940), ("부산", 129.075, 35.180, 330), ("인천", 126.705, 37.456, 300),
    ("대구", 128.601, 35.871, 237), ("대전", 127.385, 36.351, 145), ("광주", 126.852, 35.160, 143),
    ("울산", 129.311, 35.539, 110), ("수원", 127.029, 37.263, 120), ("창원", 128.681, 35.228, 100),
    ("고양", 126.832, 37.658, 107), ("용인", 127.178, 37.241, 107), ("성남", 127.126, 37.420, 92),
    ("부천", 126.783, 37.503, 79), ("청주", 127.489, 36.642, 85), ("안산", 126.831, 37.322, 65),
    ("화성", 126.910, 37.165, 93), ("전주", 127.148, 35.824, 65), ("천안", 127.114, 36.815, 66),
    ("남양주", 127.216, 37.636, 73), ("김해", 128.889, 35.228, 53), ("포항", 129.343, 36.019, 50),
    ("제주", 126.531, 33.500, 49), ("김포", 126.716, 37.615, 48), ("평택", 127.113, 36.992, 58),
    ("파주", 126.780, 37.760, 49), ("의정부", 127.034, 37.738, 46), ("시흥", 126.803, 37.380, 51),
    ("구미", 128.344, 36.120, 41), ("원주", 127.920, 37.342, 36), ("진주", 128.108, 35.180, 34),
    ("춘천", 127.730, 37.881, 29), ("강릉", 128.876, 37.752, 21), ("안동", 128.730, 36.568, 15),
    ("목포", 126.392, 34.812, 22), ("여수", 127.662, 34.760, 27), ("순천", 127.487, 34.951, 28),
    ("군산", 126.737, 35.968, 26), ("익산", 126.957, 35.948, 27), ("경주", 129.225, 35.856, 25),
    ("세종", 127.289, 36.480, 39), ("충주", 127.926, 36.991, 21), ("거제", 128.621, 34.880, 24),
    ("양산", 129.037, 35.335, 35), ("서귀포", 126.560, 33.254, 18), ("속초", 128.592, 38.207, 8),
    ("동해", 129.114, 37.525, 9), ("통영", 128.433, 34.854, 12), ("제천", 128.191, 37.133, 13),
    ("서산", 126.450, 36.785, 17), ("홍성", 126.661, 36.601, 10),
)
RURAL_SHARE = 0.12  # villages far from the centres
STATUSES = (("active", 93), ("offline", 4), ("maintenance", 2), ("retired", 1))
PURPOSES = (
    "생활방범", "어린이보호", "교통단속", "교통정보수집", "시설물관리", "재난재해", "차량방범", "쓰레기단속",
)
COLUMNS = (
    "agency_code", "agency", "management_number", "road_address", "lot_address", "purpose", "camera_count",
    "pixels", "view_direction", "bearing", "field_of_view", "retention_days", "installed_on", "phone",
    "data_date", "location", "status", "has_ptz", "has_ai", "has_recognition", "hls_url", "mjpeg_url",
    "snapshot_url", "rtsp_url", "created_at", "updated_at", "center_id",
)


@dataclass(frozen=True)
class Town:
    lon: float
    lat: float
    spread_km: float
    agency: str


def _offset(lon: float, lat: float, dx_km: float, dy_km: float) -> tuple[float, float]:
    return lon + dx_km / (111.32 * math.cos(math.radians(lat))), lat + dy_km / 110.574


def towns(rng: random.Random) -> tuple[list[Town], list[float]]:
    """Town centres around each city (more and wider for big cities) plus rural villages."""
    result: list[Town] = []
    weights: list[float] = []
    for index, (name, lon, lat, pop) in enumerate(CITIES):
        agency = f"{name}시청 (bench)"
        radius = 2.0 + 0.4 * math.sqrt(pop)
        n_towns = max(3, int(3 * math.sqrt(pop)))
        for _ in range(n_towns):
            tlon, tlat = _offset(lon, lat, rng.gauss(0, radius), rng.gauss(0, radius))
            result.append(Town(tlon, tlat, rng.uniform(0.3, 1.5), agency))
            weights.append((1 - RURAL_SHARE) * pop / n_towns * rng.lognormvariate(0, 0.5))
        for _ in range(n_towns):  # villages: up to ~60 km out, small and spread
            vlon, vlat = _offset(lon, lat, rng.gauss(0, 25), rng.gauss(0, 25))
            result.append(Town(vlon, vlat, rng.uniform(1.0, 3.0), f"{name} 인근 군청 {index} (bench)"))
            weights.append(RURAL_SHARE * pop / n_towns)
    return result, weights


def points(count: int, seed: int) -> Iterator[tuple[Town, float, float]]:
    """``count`` (town, lon, lat) around the towns; query points use the same law (people live there)."""
    rng = random.Random(seed)
    town_list, weights = towns(random.Random(SEED))
    for town in rng.choices(town_list, weights, k=count):
        lon, lat = _offset(town.lon, town.lat, rng.gauss(0, town.spread_km), rng.gauss(0, town.spread_km))
        yield town, round(lon, 7), round(lat, 7)


@dataclass(frozen=True)
class CenterArea:
    id: int
    extent: tuple[float, float, float, float]
    prepared: object  # a GEOS PreparedGeometry


def linked_centers(conn: psycopg.Connection) -> list[CenterArea]:
    """The linked centers in the database, for giving cameras inside them their center as the app
    does (Camera.objects.assign_centers): the API then pulls each center row with its camera."""
    from django.contrib.gis.geos import GEOSGeometry  # GEOS only: no Django settings needed

    rows = conn.execute("SELECT id, ST_AsBinary(boundary::geometry) FROM operators_center "
                        "WHERE is_linked ORDER BY code").fetchall()
    areas = []
    for center_id, wkb in rows:
        geometry = GEOSGeometry(memoryview(bytes(wkb)))  # memoryview: read as WKB
        areas.append(CenterArea(center_id, geometry.extent, geometry.prepared))
    return areas


def _center_of(lon: float, lat: float, centers: list[CenterArea]) -> str:
    from django.contrib.gis.geos import Point

    for area in centers:
        x0, y0, x1, y1 = area.extent
        if x0 <= lon <= x1 and y0 <= lat <= y1 and area.prepared.contains(Point(lon, lat)):
            return str(area.id)
    return r"\N"


def _copy_lines(count: int, seed: int, centers: list[CenterArea]) -> Iterator[str]:
    rng = random.Random(seed + 1)
    statuses, status_weights = zip(*STATUSES, strict=True)
    stamp = "2026-01-01 00:00:00+00"
    for index, (town, lon, lat) in enumerate(points(count, seed), start=1):
        status = rng.choices(statuses, status_weights)[0]
        all_round = rng.random() < 0.4
        yield "\t".join((
            "", town.agency, f"BENCH-{index:07d}", f"가상로 {index % 997} ({town.agency})", "",
            rng.choice(PURPOSES), "2", "200", "360도 전방향" if all_round else "북측",
            r"\N" if all_round else "0", "360" if all_round else "90", "30", "2020-01-01", "",
            "2025-06-30", f"SRID=4326;POINT({lon} {lat})", status, "t" if all_round else "f",
            "f", "f", "", "", "", "", stamp, stamp, _center_of(lon, lat, centers),
        )) + "\n"


def _droppable_indexes(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """Indexes of cameras_camera that back no constraint: dropped for the COPY, rebuilt after."""
    return conn.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           FROM pg_index i WHERE i.indrelid = 'cameras_camera'::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"""
    ).fetchall()


def load_cameras(conn: psycopg.Connection, count: int, seed: int = SEED,
                 rebuild_indexes: bool = True) -> None:
    """Replace every camera with ``count`` synthetic ones, by COPY. With ``rebuild_indexes`` the
    secondary indexes are dropped first and built once at the end (much faster for millions)."""
    centers = linked_centers(conn)
    indexes = _droppable_indexes(conn) if rebuild_indexes else []
    conn.execute("TRUNCATE cameras_camera RESTART IDENTITY CASCADE")
    for name, _definition in indexes:
        conn.execute(f"DROP INDEX {name}")
    with conn.cursor() as cursor, cursor.copy(
        f"COPY cameras_camera ({', '.join(COLUMNS)}) FROM STDIN"
    ) as copy:
        buffer = io.StringIO()
        for n, line in enumerate(_copy_lines(count, seed, centers), start=1):
            buffer.write(line)
            if n % 20_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
                if n % 200_000 == 0:
                    print(f"[bench]   {n:,} / {count:,} rows copied", flush=True)
        copy.write(buffer.getvalue())
    # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: their checks must run before
    # CREATE INDEX may touch the table in this transaction.
    conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for _name, definition in indexes:
        conn.execute(definition)
