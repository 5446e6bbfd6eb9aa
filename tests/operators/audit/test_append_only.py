"""The access log is append-only in the database itself, and record_access fills it right."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from operators.audit import client_ip, record_access
from operators.models import AccessAction, AccessRecord
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def record() -> AccessRecord:
    user = make_staff("auditor")
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Firefox/140")
    request.user = user
    return record_access(request, AccessAction.ALERT_VIEW, subject_citizen_id=42, target="alert:1",
                         detail={"event": 3})


def test_record_access_takes_account_time_ip_agent_subject(record: AccessRecord) -> None:
    stored = AccessRecord.objects.get(pk=record.pk)
    assert (stored.account.username, stored.username, stored.ip) == ("auditor", "auditor", "198.51.100.7")
    assert (stored.user_agent, stored.subject_citizen_id, stored.target) == ("Firefox/140", 42, "alert:1")
    assert stored.detail == {"event": 3} and stored.at is not None


def test_a_bare_user_is_recorded_without_ip() -> None:
    user = make_staff("batch")
    stored = record_access(user, AccessAction.CAMERA_IMPORT, subject_citizen_id=None, target="cameras.camera")
    assert (stored.account, stored.ip, stored.user_agent) == (user, None, "")


@pytest.mark.parametrize(("proxies", "expected"), [(0, "10.0.0.1"), (None, "10.0.0.1"),
                                                   (1, "203.0.113.9"), (2, "192.0.2.1")])
def test_forwarded_for_is_trusted_only_through_our_proxies(settings, proxies, expected) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1",
                                   HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9")
    assert client_ip(request) == expected


@pytest.mark.parametrize("sql", [
    "UPDATE operators_accessrecord SET target = 'forged' WHERE id = %s",
    "DELETE FROM operators_accessrecord WHERE id = %s",
])
def test_the_database_refuses_update_and_delete(record: AccessRecord, sql: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [record.pk])
    assert AccessRecord.objects.get(pk=record.pk).target == "alert:1"


def test_the_orm_cannot_delete_or_change_either(record: AccessRecord) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).update(username="someone else")
    record.username = "someone else"
    with pytest.raises(DatabaseError), transaction.atomic():
        record.save()
    assert AccessRecord.objects.get(pk=record.pk).username == "auditor"


def test_appending_still_works_after_a_refusal(record: AccessRecord) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessRecord.objects.all().delete()
    record_access(record.account, AccessAction.ALERT_VIEW, subject_citizen_id=None, target="alert:2")
    assert AccessRecord.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_truncate_still_works_for_test_flushes() -> None:
    # pytest-django empties tables with TRUNCATE between transactional tests: the trigger is
    # row-level, so it must let that through.
    record_access(make_staff("t"), AccessAction.ALERT_VIEW, subject_citizen_id=None, target="alert:3")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE operators_accessrecord")
    assert not AccessRecord.objects.exists()
