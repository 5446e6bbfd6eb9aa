"""Escalation tells the truth: a request to 112/119 that did not reach the agency is an alarm
until the operator phones the agency and records it (docs/dispatch.md, "When a request does not
get through").

A request alarms when it is ``not_linked`` (no webhook: at once), ``failed`` (every attempt
failed), or still ``pending`` DISPATCH_PENDING_ALARM_SECONDS after it was made ("overdue", raised
server-side by ``do_alarm_overdue_escalation`` from a Celery timer and beat, so every console sees
it, whatever its browser clock). The alarm is kept on the alert row (``Alert.dispatch_alarm``),
recomputed under the alert's row lock by every change that can move it, so that queue rows and
pushes carry it with no extra query. It ends when the request is delivered or the operator
records the phone call (``console_actions.do_record_phone_call``).

The alert's status (and so the app's and the guardian page's "dispatched") becomes ``dispatched``
only once an agency was reached: delivered, an agency callback, or a recorded phone call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.dispatch import config
from alerts.models import Alert, AlertEvent, AlertStatus, DeliveryStatus, Escalation
from alerts.publish import publish_alert_event
from alerts.status import location_age_s
from alerts.timeline import record_event

NOT_LINKED, FAILED, OVERDUE = "not_linked", "failed", "overdue"
# Statuses a reached agency moves on to "dispatched"; a finished alert is never reopened by one.
BEFORE_DISPATCH = (AlertStatus.RECEIVED, AlertStatus.CLAIMED, AlertStatus.ACKNOWLEDGED)


def problem(escalation: Escalation) -> str | None:
    """Why the operator must phone the agency for this request, or None."""
    if escalation.phoned_at is not None or escalation.delivery_status == DeliveryStatus.DELIVERED:
        return None
    if escalation.delivery_status == DeliveryStatus.NOT_LINKED:
        return NOT_LINKED
    if escalation.delivery_status == DeliveryStatus.FAILED:
        return FAILED
    return OVERDUE if escalation.alarm_at is not None else None


def refresh_dispatch_alarm(alert: Alert) -> bool:
    """Recompute ``alert.dispatch_alarm`` from its escalations; the caller holds the alert's row
    lock. Saves and returns True when it changed."""
    alarm = [{"escalation": e.pk, "agency": e.agency, "problem": p}
             for e in Escalation.objects.filter(alert_id=alert.pk).order_by("created_at", "id")
             if (p := problem(e)) is not None]
    if alarm == alert.dispatch_alarm:
        return False
    alert.dispatch_alarm = alarm
    alert.save(update_fields=["dispatch_alarm", "updated_at"])
    return True


def mark_reached(alert: Alert) -> None:
    """An agency has the case: the app and the guardian page may now say "dispatched"."""
    if alert.status in BEFORE_DISPATCH:
        alert.status = AlertStatus.DISPATCHED
        alert.save(update_fields=["status", "updated_at"])


# --- the pending bound, driven by the server ---------------------------------------------------

def overdue_escalations(now: datetime | None = None) -> QuerySet[Escalation]:
    cutoff = (now or timezone.now()) - timedelta(seconds=config.pending_alarm_s())
    return Escalation.objects.filter(delivery_status=DeliveryStatus.PENDING, alarm_at__isnull=True,
                                     phoned_at__isnull=True, created_at__lte=cutoff)


def do_alarm_overdue_escalation(escalation_id: int) -> AlertEvent | None:
    """Raise "no answer from the agency's system: phone it now" once, if the request is still
    pending past the bound. Re-checked under the alert's and the escalation's row locks (the
    alert first, like every action), so a delivery racing the timer wins or loses cleanly."""
    alert_id = Escalation.objects.filter(pk=escalation_id).values_list("alert_id", flat=True).first()
    if alert_id is None:
        return None
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert_id)
        escalation = overdue_escalations().select_for_update().filter(pk=escalation_id).first()
        if escalation is None:
            return None
        now = timezone.now()
        escalation.alarm_at = now
        escalation.save(update_fields=["alarm_at"])
        refresh_dispatch_alarm(alert)
        event = record_event(alert, "escalation_overdue", data={
            "escalation_id": escalation.pk, "agency": escalation.agency, "attempts": escalation.attempts,
            "pending_s": int((now - escalation.created_at).total_seconds()), "error": escalation.last_error,
        })
        publish_alert_event(alert, "escalation_overdue", event=event)
    return event


# --- what to read out on the phone -------------------------------------------------------------

def call_sheet(alert: Alert) -> list[dict[str, str]]:
    """The facts a 112/119 call-taker asks for, in the order they ask, as (label, value) rows in
    the request's language: where, who, how to call back, what was seen."""
    rows: list[tuple[str, str]] = []
    address = getattr(alert, "address", "") or ""  # the place's human address, when known
    if address:
        rows.append((_("Address"), str(address)))
    if alert.location is not None:
        where = f"{alert.location.y:.5f}, {alert.location.x:.5f}"
        if alert.accuracy is not None:
            where += f" (±{round(alert.accuracy)} m)"
        age = location_age_s(alert)
        if age is not None:
            where += " · " + _("measured %(s)s s ago") % {"s": age}
        rows.append((_("Position (lat, lon)"), where))
    else:
        rows.append((_("Position (lat, lon)"), _("No location")))
    citizen = alert.citizen
    rows.append((_("Person"), f"{citizen.name} {citizen.phone}"))
    if alert.is_duress:
        rows.append((_("Warning"), _("Duress PIN used: do not call the person's phone")))
    center = alert.center
    if center is not None:
        rows.append((_("Call back"), f"{center.name} {center.phone or '-'}"))
    seen = [e.reason for e in alert.escalations.order_by("-created_at", "-id")[:1]]
    notes = alert.events.filter(kind="note").order_by("-created_at", "-id")[:3]
    seen += [e.data.get("text", "") for e in notes]
    seen = [text for text in seen if text]
    if seen:
        rows.append((_("What was seen"), " / ".join(seen)))
    received = timezone.localtime(alert.created_at).strftime("%H:%M:%S")
    rows.append((_("Received"), f"{received} · #{alert.pk}"))
    return [{"label": str(label), "value": value} for label, value in rows]
