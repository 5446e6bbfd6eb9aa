"""Small builders for test data (real rows in PostGIS, no mocks)."""

from __future__ import annotations

from itertools import count

from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from cameras.models import Camera
from operators.models import Center, Role, User

_seq = count(1)


def make_center(code: str, bbox: tuple[float, float, float, float], name: str | None = None) -> Center:
    polygon = Polygon.from_bbox(bbox)
    return Center.objects.create(
        code=code, name=name or f"center {code}", boundary=MultiPolygon(polygon, srid=4326)
    )


def make_camera(longitude: float, latitude: float, **fields: object) -> Camera:
    fields.setdefault("agency", "테스트 기관")
    fields.setdefault("management_number", f"T-{next(_seq)}")
    return Camera.objects.create(location=Point(longitude, latitude, srid=4326), **fields)


def make_staff(username: str, role: str = Role.OPERATOR, center: Center | None = None) -> User:
    return User.objects.create_user(username=username, password="pw-for-tests-only", role=role, center=center)
