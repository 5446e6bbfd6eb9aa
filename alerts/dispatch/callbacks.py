"""An agency's signed status update (received → dispatched → on_scene → closed) applied to its
Escalation. Idempotent: a status the escalation already has (or has passed) changes nothing, so
agencies may repeat callbacks freely and a replay inside the signature window is harmless."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from alerts.dispatch.alarm import mark_reached, refresh_dispatch_alarm
from alerts.models import Alert, AlertEvent, DeliveryStatus, Escalation
from alerts.publish import publish_alert_event
from alerts.timeline import record_event

CALLBACK_STATUSES = ("received", "dispatched", "on_scene", "closed")
_RANK = {status: rank for rank, status in enumerate(("requested", *CALLBACK_STATUSES))}


class UnknownEscalation(Exception):
    """No escalation of this alert to this agency (HTTP 404)."""


@dataclass(frozen=True)
class Update:
    alert_id: int
    agency: str
    status: str
    reference: str = ""
    note: str = ""
    at: datetime | None = None
    idempotency_key: str = ""


def _escalation(alert: Alert, update: Update) -> Escalation:
    rows = Escalation.objects.select_for_update().filter(alert=alert, agency=update.agency)
    key = update.idempotency_key
    if key:  # names one escalation when an alert was escalated to the same agency twice
        pk = key.removeprefix("esc-")
        rows = rows.filter(pk=int(pk)) if pk.isdigit() else rows.none()
    escalation = rows.order_by("-created_at", "-id").first()
    if escalation is None:
        raise UnknownEscalation
    return escalation


def apply_update(update: Update) -> tuple[Escalation, AlertEvent | None]:
    """Record ``update``; the timeline event it made, or None when it was nothing new."""
    with transaction.atomic():
        # The alert row first, like every console action: serialised with operators' changes.
        alert = Alert.objects.select_for_update().filter(pk=update.alert_id).first()
        if alert is None:
            raise UnknownEscalation
        escalation = _escalation(alert, update)
        fields = _mark_delivered(escalation, update.reference)
        moves_on = _RANK[update.status] > _RANK.get(escalation.status, 0)
        if moves_on:
            escalation.status, escalation.status_at = update.status, update.at or timezone.now()
            fields += ["status", "status_at"]
        if fields:
            escalation.save(update_fields=fields)
        alarm_changed = refresh_dispatch_alarm(alert)  # the agency has it: no need to phone
        if not moves_on:
            if alarm_changed:
                publish_alert_event(alert, "dispatch_status")
            return escalation, None
        event = record_event(alert, "dispatch_status", data={
            "escalation_id": escalation.pk, "agency": escalation.agency, "status": update.status,
            "reference": escalation.external_reference, "note": update.note,
            "at": (update.at or escalation.status_at).isoformat(),
        })
        mark_reached(alert)
        publish_alert_event(alert, "dispatch_status", event=event)
    return escalation, event


def _mark_delivered(escalation: Escalation, reference: str) -> list[str]:
    """A valid callback proves the agency has the request, whatever our attempts concluded."""
    fields = []
    if escalation.delivery_status != DeliveryStatus.DELIVERED:
        escalation.delivery_status, escalation.delivered_at = DeliveryStatus.DELIVERED, timezone.now()
        escalation.last_error, escalation.next_attempt_at = "", None
        fields += ["delivery_status", "delivered_at", "last_error", "next_attempt_at"]
    if reference and not escalation.external_reference:
        escalation.external_reference = reference[:100]
        fields.append("external_reference")
    return fields
