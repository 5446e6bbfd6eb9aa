"""The one registry of timeline kinds: what each AlertEvent ``kind`` is called (English msgid,
Korean in the catalog), which console push it makes, and whether it alarms the operator.

Every timeline entry is written through ``record_event``, which refuses a kind that is not
registered here: a new kind cannot reach the console or the admin as a raw key. The console gets
the labels from the server (``event_labels`` in its config, ``label`` on each entry), never from a
copy in JavaScript. tests/alerts/test_timeline_registry.py checks every kind has a Korean label.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert, AlertEvent

# The console message types (docs/console-protocol.md) a published kind can make.
CREATED, UPDATED, CLAIMED, TIMELINE, MOVED = (
    "alert.created", "alert.updated", "alert.claimed", "alert.timeline", "alert.moved")


@dataclass(frozen=True)
class TimelineKind:
    key: str
    label: Promise
    push: str = UPDATED  # the console message its publish makes
    alarms: bool = False  # shown as an alarm (colour, sound) until dealt with


_KINDS = (
    TimelineKind("created", _("Received"), CREATED, alarms=True),
    TimelineKind("routed", _("Routed")),
    TimelineKind("transferred", _("Followed the position to another center"), MOVED),
    TimelineKind("cancelled", _("Cancelled by the citizen")),
    TimelineKind("duress", _("Duress PIN used"), alarms=True),
    TimelineKind("trip_arrived", _("Trip arrived")),
    TimelineKind("guardians_not_notified", _("Guardians not notified"), alarms=True),
    TimelineKind("unclaimed_alarm", _("Unclaimed: supervisors alarmed"), alarms=True),
    TimelineKind("claimed", _("Claimed"), CLAIMED),
    TimelineKind("acknowledged", _("Acknowledged")),
    TimelineKind("note", _("Note"), TIMELINE),
    TimelineKind("escalated", _("Escalation requested")),
    TimelineKind("escalation_not_linked", _("Agency not linked: phone it now"), alarms=True),
    TimelineKind("escalation_overdue", _("No answer from the agency's system: phone it now"), alarms=True),
    TimelineKind("escalation_failed", _("Request to the agency failed: phone it now"), alarms=True),
    TimelineKind("escalation_delivered", _("Request delivered to the agency")),
    TimelineKind("agency_phoned", _("Reported to the agency by phone")),
    TimelineKind("dispatch_status", _("Agency status")),
    TimelineKind("transfer", _("Transferred"), MOVED),
    TimelineKind("closed", _("Closed")),
    TimelineKind("hold_released", _("Retention hold released")),
    TimelineKind("hold_restored", _("Retention hold restored")),
)
KINDS: dict[str, TimelineKind] = {kind.key: kind for kind in _KINDS}


class UnknownTimelineKind(ValueError):
    """A timeline entry of a kind the registry does not know: a programming error."""


def kind_of(key: str) -> TimelineKind:
    try:
        return KINDS[key]
    except KeyError:
        raise UnknownTimelineKind(f"timeline kind {key!r} is not in alerts.timeline.KINDS") from None


def record_event(alert: Alert | int, kind: str, *, actor: object = None,
                 data: dict | None = None) -> AlertEvent:
    """Append one entry to the alert's timeline (in the caller's transaction)."""
    kind_of(kind)
    target = {"alert_id": alert} if isinstance(alert, int) else {"alert": alert}
    return AlertEvent.objects.create(kind=kind, actor=actor, data=data or {}, **target)


def label(key: str) -> str:
    """The kind's label in the active language; an unknown key (an old row) shows as is."""
    kind = KINDS.get(key)
    return str(kind.label) if kind else key


def event_labels() -> dict[str, str]:
    return {key: str(kind.label) for key, kind in KINDS.items()}


def alarming_kinds() -> list[str]:
    return [key for key, kind in KINDS.items() if kind.alarms]
