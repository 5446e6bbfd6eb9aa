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

    def around(self, point: Point, meters: float) -> CenterQuerySet:
        """Centers containing the point or within ``meters`` of it, nearest first, annotated
        with ``distance``: everything routing needs in one index-backed query (ST_DWithin)."""
        return self.within_band(point, meters).with_distance(point).order_by("distance", "code")
