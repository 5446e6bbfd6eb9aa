"""Guardian SMS texts (Korean, short: one LMS at most). Times are Seoul time."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from alerts.models import Alert, Trip
from operators.models import Center
from sms.outbox import SMS_PREFIX as PREFIX


def seoul_time(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%m/%d %H:%M")


def center_contact(center: Center | None) -> str:
    """"관제센터 화성시 031-369-1234": whom guardians call back (the number is set in the admin)."""
    if center is None:
        return "관제센터"
    return " ".join(part for part in ("관제센터", center.name, center.phone) if part)


def sos_body(alert: Alert, url: str) -> str:
    name = alert.citizen.name
    # The place in words too: a guardian who cannot open the link still knows where to go.
    where = f"위치: {alert.address} {url}" if alert.address else f"위치: {url}"
    return (f"{PREFIX} [긴급] {name}님이 {seoul_time(alert.created_at)}에 긴급신고(SOS)를 했습니다. "
            f"{where} {center_contact(alert.center)} / 위급 시 112")


def trip_started_body(trip: Trip, url: str) -> str:
    where = f" {trip.destination_name}(으)로" if trip.destination_name else ""
    return (f"{PREFIX} {trip.citizen.name}님이{where} 귀가를 시작했습니다. "
            f"도착 예정 {seoul_time(trip.expected_arrival)}. 위치 보기: {url}")


def trip_arrived_body(trip: Trip) -> str:
    where = f" {trip.destination_name}에" if trip.destination_name else ""
    return f"{PREFIX} {trip.citizen.name}님이{where} 안전하게 도착했습니다."


def trip_overdue_body(trip: Trip, url: str, center: Center | None = None) -> str:
    return (f"{PREFIX} {trip.citizen.name}님이 도착 예정 시각({seoul_time(trip.expected_arrival)})이 "
            f"지나도록 도착하지 않아 관제센터에 알렸습니다. 위치: {url} {center_contact(center)}")


# Only outcomes that reassure are named; a crime, fire or medical outcome is for the center to
# tell in person (by phone), not in a one-line SMS.
CLOSED_DISPOSITIONS = {"safe": "안전 확인", "false_alarm": "오인 신고"}
# With their subject particle (가/이 follows the last syllable).
CLOSED_SUBJECTS = {"sos": "긴급신고가", "overdue_trip": "귀가 지연 알림이"}


def alert_closed_body(alert: Alert) -> str:
    """No link and no place: it discloses no location (and so records no Disclosure)."""
    subject = CLOSED_SUBJECTS.get(alert.kind, "긴급신고가")
    detail = CLOSED_DISPOSITIONS.get(alert.disposition)
    outcome = f"({detail})" if detail else ""
    return (f"{PREFIX} {alert.citizen.name}님의 {subject} 관제센터에서 종결되었습니다{outcome}. "
            f"문의: {center_contact(alert.center)}")


# With their object particle (을/를).
CANCELLED_OBJECTS = {"sos": "긴급신고를", "overdue_trip": "귀가 지연 알림을"}


def alert_cancelled_body(alert: Alert) -> str:
    """After the citizen's own cancel (never a duress one: alerts.actions.sos). No link, no place."""
    what = CANCELLED_OBJECTS.get(alert.kind, "긴급신고를")
    at = seoul_time(alert.cancelled_at or alert.updated_at)
    return (f"{PREFIX} {alert.citizen.name}님이 {at}에 앱에서 {what} 직접 취소했습니다. "
            f"문의: {center_contact(alert.center)}")
