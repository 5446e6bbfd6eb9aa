"""Retention holds: an alert handed to the police or the fire service, or closed as a crime or a
fire/disaster, keeps its location trail past the retention period (alerts/retention.py), since an
investigation may need it. When the case is over the hold has no purpose left (위치정보법: destroy
once the purpose is met), and a supervisor releases it here, with a reason.

A release takes effect ``LOCATION_HOLD_RELEASE_GRACE_DAYS`` later: until then it can be undone
(a release on the wrong alert, a case reopened), and the trail is still whole. After that the next
daily retention run reduces the alert like any other ended one. Each release and restore is a
timeline entry (with the reason) and an access-log record (ids only, as every record there).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert, AlertStatus, Escalation
from alerts.publish import publish_alert_event
from alerts.timeline import record_event
from operators.audit import model_target, record_access
from operators.models import AccessAction

# Closing dispositions that hold the alert's trail (console/api/serializers.py DISPOSITIONS).
HOLD_DISPOSITIONS = ("crime", "fire_disaster")
ENDED = (AlertStatus.CLOSED, AlertStatus.CANCELLED)
REASON_MIN, REASON_MAX = 5, 500


class HoldError(Exception):
    """``code`` says which rule refused (for callers and tests), ``message`` says it to people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def release_effective_before(now: datetime | None = None) -> datetime:
    """A release made before this time has taken effect."""
    return (now or timezone.now()) - timedelta(days=settings.LOCATION_HOLD_RELEASE_GRACE_DAYS)


def release_takes_effect_at(alert: Alert) -> datetime | None:
    if alert.hold_released_at is None:
        return None
    return alert.hold_released_at + timedelta(days=settings.LOCATION_HOLD_RELEASE_GRACE_DAYS)


def holding_alerts() -> QuerySet[Alert]:
    """Alerts a hold applies to, released or not: escalated, or closed as crime or fire/disaster."""
    escalated = Exists(Escalation.objects.filter(alert=OuterRef("pk")))
    return Alert.objects.filter(escalated | Q(disposition__in=HOLD_DISPOSITIONS))


def held_alerts(now: datetime | None = None) -> QuerySet[Alert]:
    """Alerts whose trail retention must keep: a hold applies and no release has taken effect."""
    return holding_alerts().exclude(hold_released_at__lt=release_effective_before(now))


def hold_reasons(alert: Alert) -> list[str]:
    """Why a hold applies, in words (empty: none)."""
    reasons = []
    if alert.escalations.exists():
        reasons.append(str(_("handed to the police or fire service")))
    if alert.disposition in HOLD_DISPOSITIONS:
        reasons.append(str(_("closed as a crime or a fire/disaster")))
    return reasons


def may_restore(alert: Alert) -> bool:
    """A release can be undone until it takes effect, and never once the trail is gone."""
    return (alert.hold_released_at is not None and alert.reduced_at is None
            and alert.hold_released_at >= release_effective_before())


def do_release_hold(alert_id: int, actor: object, reason: str, request: object = None) -> Alert:
    """Release the retention hold of an ended alert; ``reason`` (the case number, who asked) goes to
    the alert's timeline. Raises HoldError when there is nothing to release."""
    reason = " ".join(reason.split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise HoldError("reason", str(_("Give a reason of %(min)d to %(max)d characters.")
                                      % {"min": REASON_MIN, "max": REASON_MAX}))
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert_id)
        if alert.status not in ENDED:
            raise HoldError("open", str(_("The alert is still open: close it first.")))
        if not hold_reasons(alert):
            raise HoldError("not_held", str(_("This alert is not held.")))
        if alert.hold_released_at is not None:
            raise HoldError("released", str(_("The hold of this alert has already been released.")))
        _set_release(alert, timezone.now(), actor, reason)
        event = record_event(alert, "hold_released", actor=actor,
                                          data={"reason": reason})
        _audit(request or actor, alert, released=True)
        publish_alert_event(alert, "hold_released", event=event)  # a console showing it sees the entry
    return alert


def do_restore_hold(alert_id: int, actor: object, request: object = None) -> Alert:
    """Undo a release that has not taken effect yet."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert_id)
        if not may_restore(alert):
            if alert.hold_released_at is None:
                raise HoldError("not_released", str(_("The hold of this alert is not released.")))
            raise HoldError("in_effect", str(_("The release can no longer be undone: it has taken effect.")))
        _set_release(alert, None, None, "")
        event = record_event(alert, "hold_restored", actor=actor)
        _audit(request or actor, alert, released=False)
        publish_alert_event(alert, "hold_restored", event=event)
    return alert


def _set_release(alert: Alert, at: datetime | None, actor: object, reason: str) -> None:
    alert.hold_released_at, alert.hold_released_by, alert.hold_release_reason = at, actor, reason
    alert.save(update_fields=["hold_released_at", "hold_released_by", "hold_release_reason", "updated_at"])


def _audit(request_or_user: object, alert: Alert, *, released: bool) -> None:
    # The reason stays in the timeline: the access log holds ids and codes, never free text.
    record_access(request_or_user, AccessAction.RETENTION_HOLD, subject_citizen_id=alert.citizen_id,
                  target=model_target(alert), detail={"released": released})
