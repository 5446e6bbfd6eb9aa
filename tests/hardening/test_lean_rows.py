"""The hottest one-row reads skip the ORM's query building (hwaseong_safety/lean.py): the staff
user of every console request and the app token of every SOS and location report. They must
give the very objects the ORM gives and refuse what it refuses."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIRequestFactory

from guardians.auth import AppTokenAuthentication, issue_token
from guardians.models import AppToken, Citizen
from operators.backends import RoleBackend
from tests.factories import make_center, make_staff

pytestmark = pytest.mark.django_db


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
    citizen = Citizen.objects.create(phone="01012345678", name="홍길동",
                                     last_location=Point(126.9, 37.2, srid=4326), last_location_at=timezone.now())
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
