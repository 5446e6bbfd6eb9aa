"""Moving Citizen, AppToken and PhoneVerification out of guardians (citizens/migrations/0001): a
database that had them under guardians keeps its rows, and the ContentType rows move with their
permissions, so what staff were granted still holds. Run with Django's MigrationExecutor: back to
before the move, rows written through the old models, forward again."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from citizens.models import AppToken, Citizen, PhoneVerification
from guardians.models import Guardian

pytestmark = pytest.mark.django_db

MOVED = ("citizen", "apptoken", "phoneverification")


def _migrate(targets: list[tuple[str, str | None]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    executor.loader.build_graph()
    ContentType.objects.clear_cache()
    return executor


@pytest.fixture
def before_the_move() -> MigrationExecutor:
    # Unapplying citizens.0001 unapplies what depends on it (alerts.0013, guardians.0008): the
    # state the database was in before issue 17.
    executor = _migrate([("citizens", None)])
    yield executor
    _migrate()  # forward again whatever the test did


def test_rows_and_permissions_survive_the_move(before_the_move) -> None:
    old = before_the_move.loader.project_state(list(before_the_move.loader.applied_migrations)).apps
    OldCitizen = old.get_model("guardians", "Citizen")
    citizen = OldCitizen.objects.create(phone="01012345678", name="홍길동")
    token = old.get_model("guardians", "AppToken").objects.create(citizen=citizen, key_hash="k" * 64)
    old.get_model("guardians", "PhoneVerification").objects.create(
        phone="01012345678", name="홍길동", code_hash="h", expires_at="2030-01-01T00:00Z")
    old.get_model("guardians", "Guardian").objects.create(
        citizen_id=citizen.pk, name="엄마", phone="01022223333", decline_token="d" * 64)
    # The rows an existing database has: its ContentTypes under guardians, a permission granted.
    types = {m: ContentType.objects.get_or_create(app_label="guardians", model=m)[0].pk for m in MOVED}
    view = Permission.objects.get_or_create(
        content_type_id=types["citizen"], codename="view_citizen", defaults={"name": "Can view app user"})[0]
    group = Group.objects.create(name="감독")
    group.permissions.add(view)

    _migrate()

    moved = Citizen.objects.get(pk=citizen.pk)
    assert (moved.phone, moved.name) == ("01012345678", "홍길동")
    assert AppToken.objects.get(pk=token.pk).citizen == moved
    assert PhoneVerification.objects.filter(phone="01012345678").count() == 1
    assert Guardian.objects.get(citizen=moved).name == "엄마"
    for model in MOVED:  # the same rows, relabelled: nothing pointing at them is lost
        assert ContentType.objects.get(pk=types[model]).app_label == "citizens"
    assert not ContentType.objects.filter(app_label="guardians", model__in=MOVED).exists()
    assert ContentType.objects.get_for_model(Citizen).pk == types["citizen"]
    assert list(group.permissions.all()) == [view]
    assert Permission.objects.get(pk=view.pk).content_type.app_label == "citizens"


def test_going_back_relabels_the_content_types() -> None:
    citizen_type = ContentType.objects.get_for_model(Citizen)
    try:
        _migrate([("citizens", None)])
        citizen_type.refresh_from_db()
        assert citizen_type.app_label == "guardians"
    finally:
        _migrate()
    citizen_type.refresh_from_db()
    assert citizen_type.app_label == "citizens"
