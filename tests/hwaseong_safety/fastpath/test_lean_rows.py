"""The hottest one-row reads skip the ORM's query building (hwaseong_safety/fastpath/rows.py): the
staff user of every console request and the app token of every SOS and location report. They must
give the very objects the ORM gives and refuse what it refuses (with FASTPATH off, the ORM reads
them: the same assertions hold)."""

from __future__ import annotations

import math
import threading

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIRequestFactory

from citizens.auth import AppTokenAuthentication, issue_token
from citizens.models import AppToken, Citizen
from hwaseong_safety import fastpath
from operators.backends import RoleBackend
from operators.models import CenterPiece
from tests.factories import make_center, make_staff

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db]


def _fields(obj: object) -> list[object]:
    return [getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields]


def test_the_user_is_the_one_the_orm_reads_field_for_field() -> None:
    user = make_staff("op")
    user.center = make_center("41590", (126.5, 37.0, 127.2, 37.4))
    user.first_name, user.email, user.last_login = "길동", "op@example.org", timezone.now()
    user.save()
    ours, django = RoleBackend().get_user(str(user.pk)), ModelBackend().get_user(user.pk)
    assert _fields(ours) == _fields(django)
    assert ours.center.code == "41590"  # a related object still loads
    assert not ours._state.adding and ours._state.db == "default"


def test_user_one_query_and_refusals() -> None:
    user = make_staff("op")
    with CaptureQueriesContext(connection) as queries:
        assert RoleBackend().get_user(user.pk).pk == user.pk
    assert len(queries.captured_queries) == 1
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert RoleBackend().get_user(user.pk) is None
    assert RoleBackend().get_user(user.pk + 1000) is None
    assert RoleBackend().get_user("not a number") is None


def _authenticate(raw: str) -> tuple:
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    return AppTokenAuthentication().authenticate(request)


def test_the_token_and_its_citizen_are_what_the_orm_reads() -> None:
    citizen = Citizen.objects.create(phone="01012345678", name="홍길동", last_location_at=timezone.now(),
                                     last_location=Point(126.9, 37.2, srid=4326))
    raw = issue_token(citizen, "phone")
    expected = AppToken.objects.select_related("citizen").get(citizen=citizen)  # as it is when read
    principal, token = _authenticate(raw)
    assert _fields(token) == _fields(expected)
    assert _fields(principal.citizen) == _fields(expected.citizen)
    assert principal.citizen.last_location.equals_exact(Point(126.9, 37.2, srid=4326), 1e-9)
    assert principal.citizen.last_location.srid == 4326


def test_revoked_tokens_and_inactive_citizens_are_refused() -> None:
    citizen = Citizen.objects.create(phone="01012345678", name="홍길동")
    revoked, inactive_owner = issue_token(citizen), issue_token(citizen)
    AppToken.objects.filter(citizen=citizen).exclude(pk=AppToken.objects.order_by("pk").last().pk).update(
        revoked_at=timezone.now())
    with pytest.raises(AuthenticationFailed):
        _authenticate(revoked)
    assert _authenticate(inactive_owner)[0].citizen.pk == citizen.pk
    Citizen.objects.filter(pk=citizen.pk).update(is_active=False)
    with pytest.raises(AuthenticationFailed):
        _authenticate(inactive_owner)
    with pytest.raises(AuthenticationFailed):
        _authenticate("no-such-token")


def test_rows_with_geometries_build_right_from_many_threads_at_once() -> None:
    """Found by make bench: the geometry converter keeps its thread's GEOS reader; shared by
    threads it misread geometries (a 500 on a location report under load). Long rings make the
    window wide enough to hit every time."""
    turns = [k / 500 * math.tau for k in range(500)]
    rings = [[(126.8 + 0.1 * math.cos(t) + i / 1000, 37.1 + 0.1 * math.sin(t)) for t in turns]
             for i in range(8)]
    polygons = [Polygon([*ring, ring[0]], srid=4326) for ring in rings]
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_GeomFromEWKT(e)::geography FROM unnest(%s::text[]) AS t(e)",
                       [[p.ewkt for p in polygons]])
        wkbs = [row[0] for row in cursor.fetchall()]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(40):
                for wkb, polygon in zip(wkbs, polygons, strict=True):
                    assert fastpath.build(CenterPiece, [1, 1, wkb]).piece.equals_exact(polygon, 1e-9)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
