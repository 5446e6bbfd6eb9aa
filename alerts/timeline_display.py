"""A timeline entry's data as a person reads it (the admin's alert page): translated names for the
keys the actions write, agencies and dispositions by name, lists joined; never raw JSON."""

from __future__ import annotations

import re
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.models import DeliveryStatus, EscalationAgency, EscalationStatus
from operators.models import Center

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
# How the center was chosen (alerts.placement.Placement.routed_by).
ROUTED_BY = {"fix": _("the position"), "last_location": _("the last known position"),
             "home_center": _("the home center"), "host_center": _("the host center"), "none": _("none")}
CENTER_KEYS = {"from", "to", "border_centers"}


def _value(value: object) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{_value(k)}: {_value(v)}" for k, v in value.items())
    if value is None or value == "":
        return "-"
    if isinstance(value, str) and _ISO.match(value):  # a time: Seoul's, to the second
        try:
            return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            return value
    return str(_VALUES.get(value, value)) if isinstance(value, str) else str(value)


_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def describe(data: dict) -> list[tuple[str, str]]:
    """(label, value) pairs, in the order written; centers by name, times in Seoul time."""
    data = dict(data or {})
    if "routed_by" in data:
        data["routed_by"] = str(ROUTED_BY.get(data["routed_by"], data["routed_by"]))
    keys = CENTER_KEYS & set(data)
    codes = [c for k in keys for c in (data[k] if isinstance(data[k], list) else [data[k]])]
    if codes:
        names = dict(Center.objects.filter(code__in=[c for c in codes if isinstance(c, str)])
                     .values_list("code", "name"))
        for key in keys:
            value = data[key]
            data[key] = ([names.get(c, c) for c in value] if isinstance(value, list)
                         else names.get(value, value))
    return [(str(FIELD_LABELS.get(key, key)), _value(value)) for key, value in data.items()]
