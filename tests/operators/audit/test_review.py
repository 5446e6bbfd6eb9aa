"""The monthly review flags exactly the accounts that crossed a rule, in Seoul time."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from operators.audit_review import monthly_review
from operators.models import AccessAction, AccessRecord

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture(autouse=True)
def thresholds(settings):
    settings.AUDIT_NIGHT_BULK_VIEWS = 5
    settings.AUDIT_MANY_SUBJECTS_PER_DAY = 4


def views(username: str, start: datetime, n: int, *, subjects: int = 1,
          every: timedelta = timedelta(minutes=1), action: str = AccessAction.ALERT_VIEW) -> None:
    AccessRecord.objects.bulk_create(
        AccessRecord(username=username, at=start + i * every, action=action, target=f"alert:{i}",
                     subject_citizen_id=1000 + i % subjects)
        for i in range(n))


def found(year: int = 2026, month: int = 10) -> set[tuple[str, str, str]]:
    return {(f.rule, f.username, f.day.isoformat()) for f in monthly_review(year, month)}


def test_night_bulk_views_are_counted_across_midnight_in_seoul_time() -> None:
    # 23:58 to 00:02 KST: five views in one night, named by the date it started.
    views("night-owl", datetime(2026, 10, 14, 23, 58, tzinfo=SEOUL), 5)
    views("just-under", datetime(2026, 10, 14, 23, 0, tzinfo=SEOUL), 4)
    # Five views at 21:00-21:04 KST (12:00 UTC, "night" in UTC terms is not ours): not night.
    views("evening", datetime(2026, 10, 14, 21, 0, tzinfo=SEOUL), 5)
    # Camera admin work is not a view of people's data.
    views("cameras", datetime(2026, 10, 14, 23, 0, tzinfo=SEOUL), 9, action=AccessAction.CAMERA_EXPORT)
    assert found() == {("night_bulk", "night-owl", "2026-10-14")}


def test_many_people_in_one_day() -> None:
    views("curious", datetime(2026, 10, 3, 10, 0, tzinfo=SEOUL), 4, subjects=4)
    views("one-case", datetime(2026, 10, 3, 10, 0, tzinfo=SEOUL), 12, subjects=1)
    assert found() == {("many_subjects", "curious", "2026-10-03")}


def test_the_month_is_seoul_time_and_nights_start_inside_it() -> None:
    # 2026-10-31 23:30 KST night belongs to October; 2026-11-01 01:00 KST day view belongs to November.
    views("late", datetime(2026, 10, 31, 23, 30, tzinfo=SEOUL), 6, every=timedelta(minutes=10))
    views("november", datetime(2026, 11, 1, 1, 0, tzinfo=SEOUL), 4, subjects=4)
    assert found(2026, 10) == {("night_bulk", "late", "2026-10-31")}
    assert ("many_subjects", "november", "2026-11-01") in found(2026, 11)
    assert ("night_bulk", "late", "2026-10-31") not in found(2026, 11)


def test_the_command_prints_the_findings(english) -> None:
    views("night-owl", datetime(2026, 10, 14, 23, 58, tzinfo=SEOUL), 5)
    out = StringIO()
    call_command("access_review", "--month", "2026-10", stdout=out)
    assert "1 findings" in out.getvalue() and "night_bulk\t2026-10-14\tnight-owl\t5\t1" in out.getvalue()
