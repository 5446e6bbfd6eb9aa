"""Which linked center handles a point: the jurisdiction rule of the safe-return network.

A point belongs to the center whose boundary contains it. Walkers cross borders, so a point
within ``settings.BORDER_BAND_METERS`` of another linked city is also shown to that neighbour.
A point outside every linked city (the sea, a city outside the network such as 수원시 or 오산시,
a gap between simplified boundaries) must still reach someone: the nearest linked center takes
it, flagged ``out_of_area``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from operators.models import Center
from operators.querysets import CenterQuerySet


class NoCentersConfigured(LookupError):
    """There is no linked center at all (run ``manage.py load_centers``)."""


@dataclass(frozen=True)
class Routing:
    center: Center
    out_of_area: bool
    # Other linked centers within the border band, nearest first.
    neighbours: tuple[Center, ...]
    # Metres from the point to ``center``'s boundary when out of area; None inside.
    distance_outside_m: float | None


def route_point(point: Point) -> Routing:
    """Route a WGS84 point. One query in the usual case (a point in or near a linked city); a
    second, KNN-ordered one only for points farther than the band from every linked city."""
    point = _wgs84(point)
    band = float(settings.BORDER_BAND_METERS)
    # The boundaries stay in the database: a real city's is tens of thousands of points, and
    # routing needs only the distances.
    centers = Center.objects.linked().defer("boundary")
    nearby = list(centers.around(point, band))
    inside = [center for center in nearby if center.distance.m == 0]
    if inside:
        main = min(inside, key=lambda center: center.code)  # Overlapping borders: lowest code.
        return Routing(main, False, _others(nearby, main), None)
    main = nearby[0] if nearby else _nearest(centers, point)
    return Routing(main, True, _others(nearby, main), main.distance.m)


def _others(nearby: list[Center], main: Center) -> tuple[Center, ...]:
    return tuple(center for center in nearby if center.pk != main.pk)


def _nearest(centers: CenterQuerySet, point: Point) -> Center:
    # ``<->`` on geography measures on a sphere (within ~0.5 % of the spheroid): take a few
    # candidates from the index and pick by true distance so near-ties come out right.
    candidates = list(centers.nearest(point)[:3])
    if not candidates:
        raise NoCentersConfigured(_("No linked control center is configured; run load_centers."))
    return min(candidates, key=lambda center: (center.distance.m, center.code))


def _wgs84(point: Point) -> Point:
    if point.srid in (None, 4326):
        return Point(point.x, point.y, srid=4326)
    return point.transform(4326, clone=True)
