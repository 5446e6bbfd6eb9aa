"""The monthly review of the access log (개인정보의 안전성 확보조치 기준 §8: access records are
checked at least monthly for misuse): which accounts looked at people's data in unusual ways.

Two rules, computed in SQL over the month (Seoul time), thresholds in settings:
- night-time bulk views: one account viewed people's data at least ``AUDIT_NIGHT_BULK_VIEWS``
  times in one night (22:00 to 06:00; a night is named by the date it starts);
- many subjects: one account viewed the data of at least ``AUDIT_MANY_SUBJECTS_PER_DAY``
  different people in one day.
A finding is a question for the supervisor, not a verdict: a busy night shift can trip rule 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection
from django.utils import timezone

from operators.models import AccessAction

# Accesses that show a person's data or location.
PERSONAL_VIEWS = (AccessAction.ALERT_VIEW, AccessAction.ALERT_CLAIM, AccessAction.CAMERA_OPENED,
                  AccessAction.ADMIN_VIEW, AccessAction.ADMIN_LIST, AccessAction.ALERT_HISTORY)


@dataclass(frozen=True)
class Finding:
    rule: str  # "night_bulk" or "many_subjects"
    username: str
    day: date  # the night's first date, or the day
    views: int
    subjects: int


def last_month() -> tuple[int, int]:
    today = timezone.localdate()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    return start, date(year + (month == 12), month % 12 + 1, 1)


# A night is named by its first date: shifting Seoul time back 6 hours puts 22:00-06:00 on one date.
# Nights that start inside the month are counted, so the last one runs into the next month.
NIGHT_SQL = """
SELECT * FROM (
    SELECT username, (at AT TIME ZONE %(tz)s - interval '6 hours')::date AS night,
           count(*) AS views, count(DISTINCT subject_citizen_id) AS subjects
    FROM operators_accessrecord
    WHERE action = ANY(%(actions)s)
      AND at >= (%(start)s::timestamp AT TIME ZONE %(tz)s) - interval '2 hours'
      AND at < (%(end)s::timestamp AT TIME ZONE %(tz)s) + interval '6 hours'
      AND (extract(hour FROM at AT TIME ZONE %(tz)s) >= 22 OR extract(hour FROM at AT TIME ZONE %(tz)s) < 6)
    GROUP BY username, night
    HAVING count(*) >= %(threshold)s
) AS found
WHERE night >= %(start)s AND night < %(end)s
ORDER BY night, username
"""

DAY_SQL = """
SELECT username, (at AT TIME ZONE %(tz)s)::date AS day,
       count(*) AS views, count(DISTINCT subject_citizen_id) AS subjects
FROM operators_accessrecord
WHERE action = ANY(%(actions)s) AND subject_citizen_id IS NOT NULL
  AND at >= (%(start)s::timestamp AT TIME ZONE %(tz)s)
  AND at < (%(end)s::timestamp AT TIME ZONE %(tz)s)
GROUP BY username, day
HAVING count(DISTINCT subject_citizen_id) >= %(threshold)s
ORDER BY day, username
"""


def monthly_review(year: int, month: int) -> list[Finding]:
    start, end = _month_bounds(year, month)
    actions = [str(a) for a in PERSONAL_VIEWS]
    tz = timezone.get_current_timezone_name()  # nights and days in the center's time (Seoul)
    findings: list[Finding] = []
    with connection.cursor() as cursor:
        cursor.execute(NIGHT_SQL, {"actions": actions, "start": start, "end": end, "tz": tz,
                               "threshold": settings.AUDIT_NIGHT_BULK_VIEWS})
        findings += [Finding("night_bulk", *row) for row in cursor.fetchall()]
        cursor.execute(DAY_SQL, {"actions": actions, "start": start, "end": end, "tz": tz,
                                 "threshold": settings.AUDIT_MANY_SUBJECTS_PER_DAY})
        findings += [Finding("many_subjects", *row) for row in cursor.fetchall()]
    return findings
