"""RoleBackend.get_user reads the user in plain SQL (operators/backends.py): it must give what
Django's ModelBackend gives, field for field, and refuse what it refuses."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operators.backends import RoleBackend
from tests.factories import make_center, make_staff

pytestmark = pytest.mark.django_db


def test_the_user_is_the_one_the_orm_reads_field_for_field() -> None:
    user = make_staff("op")
    user.center = make_center("41590", (126.5, 37.0, 127.2, 37.4))
    user.first_name, user.email = "길동", "op@example.org"
    user.save()
    ours, django = RoleBackend().get_user(str(user.pk)), ModelBackend().get_user(user.pk)
    fields = [f.attname for f in type(user)._meta.concrete_fields]
    assert [getattr(ours, f) for f in fields] == [getattr(django, f) for f in fields]
    assert ours.center.code == "41590"  # a related object still loads
    assert not ours._state.adding and ours._state.db == "default"


def test_one_query_and_refusals() -> None:
    user = make_staff("op")
    with CaptureQueriesContext(connection) as queries:
        assert RoleBackend().get_user(user.pk).pk == user.pk
    assert len(queries.captured_queries) == 1
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert RoleBackend().get_user(user.pk) is None
    assert RoleBackend().get_user(user.pk + 1000) is None
    assert RoleBackend().get_user("not a number") is None
