"""Small builders for test data (real rows in PostGIS, no mocks). Fixtures and request helpers are in
tests/fixtures/."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from alerts.models import Alert, Trip
from cameras.models import Camera
from citizens.models import Citizen
from guardians.models import Guardian, decline_digest
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


def make_guardian(citizen: Citizen, phone: str = "01022223333", name: str = "보호자") -> Guardian:
    return Guardian.objects.create(citizen=citizen, name=name, phone=phone,
                                   decline_token=decline_digest(f"tok-{phone}"))


def decline_path(guardian: Guardian) -> str:
    """The link in the guardian's SMS (``make_guardian``'s token; only its digest is stored)."""
    return f"/g/decline/tok-{guardian.phone}/"


def make_trip(citizen: Citizen, **fields: object) -> Trip:
    fields.setdefault("destination", Point(126.8313, 37.1995, srid=4326))
    fields.setdefault("expected_arrival", timezone.now() + timedelta(minutes=30))
    return Trip.objects.create(citizen=citizen, **fields)


def make_alert(citizen: Citizen, **fields: object) -> Alert:
    """An alert row as it is, without the SOS path (``tests.fixtures.alerts.raise_sos`` runs that)."""
    return Alert.objects.create(citizen=citizen, **fields)
