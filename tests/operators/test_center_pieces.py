"""Routing measures on the boundaries' pieces (operators.models.CenterPiece): a trigger keeps them
equal to the boundary, and the answer is the one the whole boundary gives."""

from __future__ import annotations

import random
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operators.models import Center, CenterPiece
from tests.factories import make_center

pytestmark = pytest.mark.django_db


def _whole_boundary(point: Point, meters: float) -> list[tuple[str, float]]:
    """The rule as it was: ST_DWithin and ST_Distance against each whole boundary."""
    centers = Center.objects.within_band(point, meters).with_distance(point).order_by("distance", "code")
    return [(c.code, c.distance.m) for c in centers]


def _pieces(point: Point, meters: float) -> list[tuple[str, float]]:
    return [(c.code, c.distance.m) for c in Center.objects.all().around(point, meters)]


# A cut of ST_Subdivide adds a vertex where it crosses an edge, placed on the straight line in
# longitude/latitude, while geography reads an edge as a geodesic: an edge a kilometre long moves
# by up to a few decimetres. Far below what the boundaries themselves are accurate to (metres).
TOLERANCE_M = 0.5


def _same(found: list[tuple[str, float]], expected: list[tuple[str, float]], band: float = 500) -> None:
    """Same centers (but those within TOLERANCE_M of the band's edge), same distances."""
    sure = {code for code, d in expected if d <= band - TOLERANCE_M}
    maybe = {code for code, d in expected if abs(d - band) < TOLERANCE_M}
    assert sure <= {code for code, _d in found} <= sure | maybe
    whole = dict(expected)
    for code, distance in found:
        assert distance == pytest.approx(whole.get(code, band), abs=TOLERANCE_M)
    assert [d for _c, d in found] == sorted(d for _c, d in found)


def _ragged(code: str, west: float, south: float, size: float, seed: int) -> Center:
    """A square city whose sides zigzag (400 vertices), so it is cut into many pieces."""
    rng = random.Random(seed)
    ring = []
    for i in range(400):
        side, step = divmod(i, 100)
        t, out = step / 100, rng.uniform(-0.003, 0.003)  # ``out``: across the side
        x, y = [(t, out), (1 + out, t), (1 - t, 1 + out), (out, 1 - t)][side]
        ring.append((west + x * size, south + y * size))
    ring.append(ring[0])
    return Center.objects.create(code=code, name=code, boundary=MultiPolygon(Polygon(ring), srid=4326))


def test_pieces_follow_the_boundary_written_any_way() -> None:
    center = _ragged("A", 126.8, 37.1, 0.1, 1)
    pieces = CenterPiece.objects.filter(center=center)
    assert pieces.count() > 5

    def covers(lon: float, lat: float) -> bool:
        return pieces.filter(piece__intersects=Point(lon, lat, srid=4326)).exists()

    assert covers(126.85, 37.15)
    # A new boundary by a plain UPDATE (no save(), no signal): the pieces move with it.
    Center.objects.filter(pk=center.pk).update(
        boundary=MultiPolygon(Polygon.from_bbox((127.5, 37.5, 127.6, 37.6)), srid=4326))
    assert not covers(126.85, 37.15) and covers(127.55, 37.55)
    center.delete()
    assert not CenterPiece.objects.exists()


def test_around_is_what_the_whole_boundaries_say_near_borders() -> None:
    _ragged("A", 126.8, 37.1, 0.1, 1)
    _ragged("B", 126.9, 37.1, 0.1, 2)  # shares A's eastern side, raggedly
    make_center("C", (126.8, 37.2005, 126.9, 37.3))
    rng = random.Random(5)
    for _ in range(40):
        point = Point(rng.uniform(126.88, 126.92), rng.uniform(37.18, 37.21), srid=4326)
        _same(_pieces(point, 500), _whole_boundary(point, 500))
    far = Point(127.3, 37.6, srid=4326)
    assert _pieces(far, 500) == [] == _whole_boundary(far, 500)


def test_around_is_one_query_and_keeps_the_querysets_filter() -> None:
    make_center("A", (126.8, 37.1, 126.9, 37.2))
    make_center("B", (126.9, 37.1, 127.0, 37.2))
    Center.objects.filter(code="B").update(is_linked=False)
    point = Point(126.9001, 37.15, srid=4326)
    with CaptureQueriesContext(connection) as queries:
        found = Center.objects.linked().around(point, 500)
    assert len(queries.captured_queries) == 1
    assert [(c.code, "boundary" in c.get_deferred_fields()) for c in found] == [("A", True)]
    assert found[0].distance.m == pytest.approx(dict(_whole_boundary(point, 500))["A"], abs=TOLERANCE_M)


def test_real_boundaries_route_the_same_way(django_db_blocker) -> None:
    path = Path(settings.SHARED_DATA_DIR) / "boundaries" / "gyeonggi_sigungu.geojson"
    if not path.exists():
        pytest.skip(f"real boundaries not found at {path}")
    call_command("load_centers", str(path), stdout=StringIO())
    rng = random.Random(11)
    # Along the real borders: points near vertices of 화성시's boundary, within a few hundred metres.
    hwaseong = Center.objects.get(code="41590")
    vertices = hwaseong.boundary.coords[0][0]
    for _ in range(40):
        lon, lat = vertices[rng.randrange(len(vertices))]
        point = Point(lon + rng.uniform(-0.004, 0.004), lat + rng.uniform(-0.004, 0.004), srid=4326)
        _same(_pieces(point, 500), _whole_boundary(point, 500))
