"""Spatial rules for centers as QuerySet methods (routing a point to its jurisdiction)."""

from __future__ import annotations

from django.contrib.gis.db.models.functions import Distance, GeometryDistance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db import models


class CenterQuerySet(models.QuerySet):
    def linked(self) -> CenterQuerySet:
        return self.filter(is_linked=True)

    def containing(self, point: Point) -> CenterQuerySet:
        return self.filter(boundary__intersects=point).order_by("code")

    def within_band(self, point: Point, meters: float) -> CenterQuerySet:
        """Centers whose boundary comes within ``meters`` of the point (border band)."""
        return self.filter(boundary__dwithin=(point, D(m=meters))).order_by("code")

    def nearest(self, point: Point) -> CenterQuerySet:
        return self.annotate(distance=Distance("boundary", point)).order_by(
            GeometryDistance("boundary", point), "code"
        )

    def with_distance(self, point: Point) -> CenterQuerySet:
        """Annotate ``distance`` (a Distance, metres on the spheroid; 0 inside the boundary)."""
        return self.annotate(distance=Distance("boundary", point))

    def around(self, point: Point, meters: float) -> list:
        """Centers of this queryset containing the point or within ``meters`` of it, nearest
        first (then by code), each with ``distance`` (a Distance, metres on the spheroid; 0
        inside) and without its boundary: everything routing needs, in one index-backed query on
        the boundaries' pieces (operators.models.CenterPiece), not the boundaries themselves."""
        ids_sql, ids_params = self.values("id").query.sql_with_params()
        point = point if point.srid == 4326 else point.transform(4326, clone=True)
        sql = f"""
            WITH here AS (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography AS point)
            SELECT c.id, c.code, c.name, c.name_en, c.phone, c.is_linked, near.distance
            FROM (SELECT p.center_id, min(ST_Distance(p.piece, here.point)) AS distance
                  FROM operators_centerpiece AS p, here
                  WHERE ST_DWithin(p.piece, here.point, %s)
                  GROUP BY p.center_id) AS near
            JOIN operators_center AS c ON c.id = near.center_id
            WHERE c.id IN ({ids_sql})
            ORDER BY near.distance, c.code
        """
        centers = list(self.model.objects.raw(sql, [point.x, point.y, meters, *ids_params]))
        for center in centers:
            center.distance = D(m=center.distance)
        return centers
