"""The nearest-camera API's rows in one SQL statement.

The console asks for the cameras around every SOS and every map click, so this is the hottest read
we serve. Through the ORM it cost about 60 model instances (30 candidates and their centers), GEOS
points and a ModelSerializer per request: roughly ten times the query itself. Here PostgreSQL does
all of it (KNN walk, true distance, azimuth, the center's code) and Python only names the columns.

``CameraQuerySet.nearest()`` stays the rule for code that wants Camera objects; both take the same
candidates the same way, and tests hold them to the same answer.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import connection

from cameras.describe import effective_field_of_view, group_poles, in_view, readable_name
from cameras.models import Status
from cameras.querysets import candidate_count

# ORDER BY in the inner query must be ``<->`` alone: the GiST index walks the nearest candidates
# and stops (a second sort key would make PostgreSQL sort the table). The outer query re-sorts
# those few by true (spheroid) distance, then id, so the order is stable and exact.
_SQL = """
WITH here AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS point)
SELECT cam.id, cam.management_number, cam.agency, cam.road_address, cam.lot_address, cam.purpose,
       cam.status, center.code, ST_Y(cam.location::geometry), ST_X(cam.location::geometry),
       cam.distance, ST_Azimuth(here.point, cam.location), cam.bearing, cam.field_of_view,
       cam.has_ptz, cam.has_ai, cam.hls_url, cam.mjpeg_url, cam.snapshot_url,
       CASE WHEN cam.management_number = '' THEN (
           SELECT count(*) FROM cameras_camera AS same
           WHERE same.agency = cam.agency AND same.road_address = cam.road_address
             AND same.lot_address = cam.lot_address AND same.management_number = ''
             AND same.id <= cam.id) END
FROM here, LATERAL (
    SELECT c.*, ST_Distance(c.location, here.point) AS distance
    FROM cameras_camera AS c
    WHERE c.status NOT IN (%(retired)s, %(maintenance)s) {radius}
    ORDER BY c.location <-> here.point
    LIMIT %(candidates)s
) AS cam
LEFT JOIN operators_center AS center ON center.id = cam.center_id
ORDER BY cam.distance, cam.id
LIMIT %(limit)s
"""
# The CASE is the readable name's rank at its address (cameras/describe.py), only for cameras
# without a management number (all of the real Hwaseong data): an index scan of camera_agency_address
# per row, measured at 0.01 ms for the 8 rows of a console query on 6,877 cameras.
_RADIUS = "AND ST_DWithin(c.location, here.point, %(radius)s)"


def nearest_camera_rows(longitude: float, latitude: float, limit: int = 10,
                        radius: float | None = None) -> list[dict[str, Any]]:
    """The ``limit`` nearest usable cameras of a WGS84 point as the API shows them, nearest
    first: distance in metres on the spheroid, bearing from the point to the camera in degrees
    clockwise from north (None when they coincide), a readable name, whether the point is likely
    in view, and which rows share a pole (cameras/describe.py)."""
    params = {
        "lon": longitude, "lat": latitude, "limit": limit, "radius": radius,
        "candidates": candidate_count(limit),
        "retired": Status.RETIRED.value, "maintenance": Status.MAINTENANCE.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(radius=_RADIUS if radius is not None else ""), params)
        return group_poles([_row(*values) for values in cursor.fetchall()])


def _row(pk: int, management_number: str, agency: str, road_address: str, lot_address: str,
         purpose: str, status: str, center: str | None, latitude: float, longitude: float,
         distance: float, azimuth: float | None, bearing: float | None, field_of_view: float | None,
         has_ptz: bool, has_ai: bool, hls_url: str, mjpeg_url: str, snapshot_url: str,
         address_rank: int | None) -> dict[str, Any]:
    address = road_address or lot_address
    distance_m = round(distance, 1)
    bearing_deg = None if azimuth is None else round(math.degrees(azimuth) % 360, 1)
    return {
        "id": pk, "name": readable_name(management_number, address, address_rank, agency, pk),
        "management_number": management_number, "agency": agency,
        "address": address, "purpose": purpose, "status": status,
        "center": center, "latitude": latitude, "longitude": longitude,
        "distance_m": distance_m, "bearing_deg": bearing_deg,
        "bearing": bearing, "field_of_view": field_of_view,
        "view_angle": effective_field_of_view(bearing, field_of_view),
        "in_view": in_view(distance_m, bearing_deg, bearing, field_of_view),
        "has_ptz": has_ptz, "has_ai": has_ai,
        "hls_url": hls_url, "mjpeg_url": mjpeg_url, "snapshot_url": snapshot_url,
    }
