"""A timeline entry's data as a person reads it (the admin's alert page): translated names for the
keys the actions write, agencies and dispositions by name, lists joined; never raw JSON."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from alerts.models import DeliveryStatus, EscalationAgency, EscalationStatus

FIELD_LABELS = {
    "text": _("text"), "reason": _("reason"), "note": _("note"), "agencies": _("agency"),
    "agency": _("agency"), "delivery": _("delivery"), "disposition": _("disposition"),
    "from": _("from"), "to": _("to"), "status": _("status"), "reference": _("agency reference"),
    "attempts": _("delivery attempts"), "error": _("last delivery error"),
    "routed_by": _("routed by"), "out_of_area": _("out of area"), "border_centers": _("border centers"),
    "trip": _("safe-return trip"), "reopened": _("reopened"), "timeout_s": _("claim timeout (s)"),
    "waited_s": _("waited (s)"), "purpose": _("purpose of the message"), "at": _("time"),
    "escalation_id": _("escalation"), "location_age_s": _("location age (s)"),
    "location_stale": _("stale"), "pending_s": _("waited (s)"),
    "expected_arrival": _("expected arrival"), "escalation_ids": _("escalation"),
    "repeat_reason": _("reason for a new request"), "called_at": _("call time"),
    "distance_outside_m": _("distance outside (m)"),
}
_VALUES = {**dict(EscalationAgency.choices), **dict(DeliveryStatus.choices),
           **dict(EscalationStatus.choices)}


def _value(value: object) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{_value(k)}: {_value(v)}" for k, v in value.items())
    if value is None or value == "":
        return "-"
    return str(_VALUES.get(value, value)) if isinstance(value, str) else str(value)


def describe(data: dict) -> list[tuple[str, str]]:
    """(label, value) pairs, in the order written."""
    return [(str(FIELD_LABELS.get(key, key)), _value(value)) for key, value in (data or {}).items()]
