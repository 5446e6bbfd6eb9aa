"""Access records are kept two years, then purged only through the audited SQL function."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from operators.audit_purge import purge_old_access_records
from operators.models import AccessAction, AccessRecord
from operators.tasks import purge_access_log

pytestmark = pytest.mark.django_db


def aged(days: int, target: str) -> AccessRecord:
    return AccessRecord.objects.create(at=timezone.now() - timedelta(days=days), username="op",
                                       action=AccessAction.ALERT_VIEW, target=target)


def refused() -> pytest.RaisesExc:
    return pytest.raises(DatabaseError, match="append-only")


def runs() -> list[AccessRecord]:
    return list(AccessRecord.objects.filter(action=AccessAction.ACCESS_LOG_PURGE).order_by("id"))


def test_records_past_two_years_go_and_the_purge_records_itself() -> None:
    old, older, recent = aged(731, "old"), aged(1500, "older"), aged(700, "recent")
    assert purge_old_access_records() == 2
    left = AccessRecord.objects.exclude(action=AccessAction.ACCESS_LOG_PURGE)
    left = set(left.values_list("target", flat=True))
    assert left == {"recent"}
    [run] = runs()
    assert run.detail["purged"] == 2 and run.username == "system" and run.account is None
    assert not AccessRecord.objects.filter(pk__in=[old.pk, older.pk]).exists()
    assert AccessRecord.objects.filter(pk=recent.pk).exists()


def test_a_second_run_purges_nothing_and_still_records_its_run() -> None:
    aged(800, "old")
    assert purge_access_log.delay().get() == 1
    assert purge_access_log.delay().get() == 0
    assert [run.detail["purged"] for run in runs()] == [1, 0]


def test_a_longer_retention_keeps_more(settings) -> None:
    settings.ACCESS_LOG_RETENTION_DAYS = 1000
    aged(800, "kept"), aged(1200, "gone")
    assert purge_old_access_records() == 1
    assert AccessRecord.objects.filter(target="kept").exists()


def test_the_function_never_goes_below_two_years() -> None:
    aged(100, "recent")
    with connection.cursor() as cursor:
        cursor.execute("SELECT purge_access_records(now())")  # asks for everything
        assert cursor.fetchone()[0] == 0
    assert AccessRecord.objects.filter(target="recent").exists()


@pytest.mark.parametrize("days", [800, 10])
def test_the_orm_and_raw_sql_still_cannot_delete_even_old_records(days: int) -> None:
    record = aged(days, "x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).delete()
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM operators_accessrecord WHERE id = %s", [record.pk])
    assert AccessRecord.objects.filter(pk=record.pk).exists()


def test_setting_the_variable_by_hand_reaches_only_records_past_retention() -> None:
    """The documented limit: a session that can run SQL may set the variable itself, but the
    trigger still refuses every record younger than two years."""
    recent, old = aged(10, "recent"), aged(800, "old")
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('hwaseong.purge_before', %s, true)",
                       [(timezone.now() + timedelta(days=1)).isoformat()])
        cursor.execute("DELETE FROM operators_accessrecord WHERE id = %s", [recent.pk])
    assert AccessRecord.objects.filter(pk=recent.pk).exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE operators_accessrecord SET target = 'forged' WHERE id = %s", [old.pk])
