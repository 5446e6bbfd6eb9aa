"""What the app may see of an alert, and how urgent it is for operators.

The app sees five coarse states. A duress alert (cancelled with the duress PIN) shows "cancelled"
forever, whatever the center does behind it: whoever holds the phone must not be able to tell.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from alerts.models import Alert, AlertStatus

APP_STATUSES = ("received", "in_progress", "dispatched", "closed", "cancelled")

_APP_STATUS = {
    AlertStatus.RECEIVED: "received",
    AlertStatus.CLAIMED: "in_progress",
    AlertStatus.ACKNOWLEDGED: "in_progress",
    AlertStatus.DISPATCHED: "dispatched",
    AlertStatus.CLOSED: "closed",
    AlertStatus.CANCELLED: "cancelled",
}

# Shown as is by the app (a Korean-only service); not translated on purpose.
STATUS_LABELS = {
    "received": "접수",
    "in_progress": "처리 중",
    "dispatched": "출동",
    "closed": "종결",
    "cancelled": "취소",
}

# A fix older than this when it reaches us is kept, but flagged stale for operators.
STALE_AFTER_S = 120


def app_status(alert: Alert) -> str:
    if alert.is_duress:
        return "cancelled"
    return _APP_STATUS[AlertStatus(alert.status)]


def status_label(alert: Alert) -> str:
    return STATUS_LABELS[app_status(alert)]


def app_updated_at(alert: Alert) -> datetime:
    """Frozen at the cancel time once the app sees "cancelled": operators working a duress alert
    (claims, notes, transfers) must not show through as a moving timestamp."""
    if app_status(alert) == "cancelled" and alert.cancelled_at is not None:
        return alert.cancelled_at
    return alert.updated_at


def location_age_s(alert: Alert, now: datetime | None = None) -> int | None:
    """Seconds since the alert's position was measured (operators: how much to trust the dot)."""
    if alert.location_recorded_at is None:
        return None
    return max(0, int(((now or timezone.now()) - alert.location_recorded_at).total_seconds()))


def is_stale(alert: Alert, now: datetime | None = None) -> bool:
    age = location_age_s(alert, now)
    return age is not None and age > STALE_AFTER_S
