"""Spatial rules for cameras as QuerySet methods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.gis.db.models.functions import Distance, GeoFunc, GeometryDistance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db import connection, models
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL

from cameras.choices import Status

# Ordering by ``<->`` on geography uses the GiST index but measures on a sphere, which can differ
# from the true (spheroid) distance by up to about 0.5 %. We take this many extra candidates from
# the index and sort them by true distance, so near-ties still come out in true order.
_CANDIDATE_FACTOR = 2
_CANDIDATE_MARGIN = 10


def candidate_count(limit: int) -> int:
    """How many cameras to take from the index for the ``limit`` nearest (see above)."""
    return limit * _CANDIDATE_FACTOR + _CANDIDATE_MARGIN

if TYPE_CHECKING:
    from cameras.models import Camera


class Azimuth(GeoFunc):
    """ST_Azimuth(from, to): bearing in radians, clockwise from north, on the spheroid."""

    function = "ST_Azimuth"
    output_field = FloatField()
    geom_param_pos = (0, 1)


class CameraQuerySet(models.QuerySet):
    def usable(self) -> CameraQuerySet:
        """Cameras an operator can look at: retired and under-maintenance ones are left out;
        offline ones stay (marked by their status) since they may come back."""
        return self.exclude(status__in=[Status.RETIRED, Status.MAINTENANCE])

    def within_radius(self, point: Point, meters: float) -> CameraQuerySet:
        return self.filter(location__dwithin=(point, D(m=meters)))

    def in_bbox(self, west: float, south: float, east: float, north: float) -> CameraQuerySet:
        """Cameras whose longitude and latitude fall in the ranges (edges included): a map's box.

        On geometry, not geography: a geography polygon's edges are great circles, so a box 358°
        wide was read as the 2° strip the other way round (0 cameras for the whole world) and one
        with antipodal corners was an error (a 500). Migration 0003 indexes ``location::geometry``
        so this stays an index scan."""
        return self.filter(RawSQL(
            '"cameras_camera"."location"::geometry && ST_MakeEnvelope(%s, %s, %s, %s, 4326)',
            (west, south, east, north), output_field=BooleanField()))

    def assign_centers(self) -> int:
        """Set each camera's center to the linked center whose boundary covers it (None outside
        every linked city). Returns the number of rows updated. One UPDATE, done by PostGIS.

        The test runs on geometry, not geography: for a point in a city polygon with short edges
        the answer is the same, and it is about eight times faster (a 1,900-vertex boundary
        against thousands of cameras)."""
        ids_sql, params = self.values("id").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE cameras_camera AS cam SET center_id = (
                    SELECT c.id FROM operators_center AS c
                    WHERE c.is_linked AND c.boundary && cam.location
                      AND ST_Intersects(c.boundary::geometry, cam.location::geometry)
                    ORDER BY c.code LIMIT 1)
                WHERE cam.id IN ({ids_sql})
                """,
                params,
            )
            return cursor.rowcount

    def nearest(self, point: Point, limit: int = 10, radius: float | None = None) -> list[Camera]:
        """The ``limit`` nearest usable cameras of ``point`` (WGS84), across every city, nearest
        first, each annotated with ``distance`` (a Distance, metres on the spheroid) and
        ``azimuth`` (radians from the point to the camera, None when they coincide).

        One index-backed query: ``<->`` in ORDER BY walks the GiST index (KNN) and stops after
        the candidates; ordering by an annotated Distance instead would scan the whole table.
        Ties are broken by id (after the re-sort) so the order is stable."""
        candidates = self.usable()
        if radius is not None:
            candidates = candidates.within_radius(point, radius)
        # ORDER BY must be ``<->`` alone: a second sort key makes PostgreSQL sort the table.
        annotated = candidates.annotate(
            distance=Distance("location", point), azimuth=Azimuth(point, "location")
        ).order_by(GeometryDistance("location", point))
        rows = list(annotated[: candidate_count(limit)])
        rows.sort(key=lambda camera: (camera.distance.m, camera.id))
        return rows[:limit]
