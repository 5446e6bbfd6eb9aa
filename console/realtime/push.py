"""An alert event as the operator consoles get it (console/realtime/hub.py builds it once per web
process): the alert read now from the database, encoded once, and the rule each console applies
to it for its own user (``Viewer``, ``may_see``). Carries what staff may see (names, phones): it
goes to websockets, never to Redis."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import serializers

from alerts import timeline
from alerts.models import Alert, AlertEvent
from alerts.publish import ALL_SEQ
from console.api.serializers import (
    ConsoleAlertSerializer,
    TimelineEventSerializer,
    user_brief,
)
from console.realtime.read import read_for_push
from console.visibility import may_see_codes, sees_all_centers, watched_center_codes
from operators.models import Center, User

ALL_VIEW = "*"  # the presence view (and sequence counter) of consoles that watch every center


def encode(content: dict) -> str:
    return json.dumps(content, ensure_ascii=False, cls=DjangoJSONEncoder)


@dataclass(frozen=True)
class Viewer:
    """What a console knows of its user between re-checks: whether it watches every center, else
    its one center. The role rules are console.visibility's (sees_all_centers, watched_center_codes)."""

    sees_all: bool
    center: str | None

    @classmethod
    def of(cls, user: User) -> Viewer:
        codes = watched_center_codes(user)
        return cls(sees_all_centers(user), codes[0] if codes else None)

    @property
    def seq_codes(self) -> list[str]:
        return [ALL_SEQ] if self.sees_all else [self.center] if self.center else []

    @property
    def presence_view(self) -> str:
        return ALL_VIEW if self.sees_all else self.center or ""


def may_see(viewer: Viewer, center: str | None, border_centers: frozenset[str] | set[str]) -> bool:
    return may_see_codes(viewer.sees_all, viewer.center, center, border_centers)



@dataclass(frozen=True)
class Built:
    """One event's push as every console of the process may get it, encoded once."""

    center: str | None = None  # the alert's center and border band as read now
    border: frozenset[str] = frozenset()
    seen: str | None = None  # for consoles that may see the alert
    left: str | None = None  # alert.moved, visible false: for the center the alert left
    left_center: str | None = None
    skip: str | None = None  # for the others: only the numbers, so they see no false gap

    def text_for(self, viewer: Viewer) -> str | None:
        if self.seen is not None and may_see(viewer, self.center, self.border):
            return self.seen
        if self.left is not None and viewer.center is not None and viewer.center == self.left_center:
            return self.left
        return self.skip



def message_centers(message: dict) -> set[str]:
    """The center groups an alert.event was published to: alerts.publish says so ("centers");
    older publishers (and the bench) name the alert's centers and a transfer's two ends."""
    if message.get("centers") is not None:
        return set(message["centers"])
    alert = message.get("alert") or {}
    codes = {alert.get("center"), *(alert.get("border_centers") or ()), *(message.get("moved") or ())}
    return {c for c in codes if c}


def build_push(message: dict) -> Built:
    """One published event as the consoles get it, read now from the database (one read per
    process). Carries what staff may see (names, phones): it goes to websockets, never to Redis."""
    kind, pk = message["event"], message["alert"]["id"]
    seq = message.get("seq")
    skip = encode({"type": "seq", "seq": seq}) if seq else None
    alert, event = read_for_push(pk, kind, message.get("timeline_event_id"))  # one statement
    handler = HANDLERS.get(kind, _on_updated)
    if alert is None and handler is not _on_moved:
        return Built(skip=skip)
    extra = {"seq": seq} if seq else {}
    push = Push(pk, alert, event, message.get("moved"))
    built = Built(
        center=alert.center.code if alert is not None and alert.center_id else None,
        border=frozenset(c.code for c in alert.border_centers.all()) if alert is not None else frozenset(),
        seen=encode(handler(push) | extra) if alert is not None else None, skip=skip,
    )
    if handler is _on_moved:
        gone = Push(pk, None, event, message.get("moved"))
        built = Built(built.center, built.border, built.seen, encode(_on_moved(gone) | extra),
                      gone.codes[0], skip)
    return built


@cache
def _shared(serializer: type[serializers.Serializer]) -> serializers.Serializer:
    """One serializer per class and process. DRF builds a ModelSerializer's fields again for every
    instance (half of a push build's CPU); these two keep no state between representations (no
    context, no request), so their fields are built once."""
    return serializer()


def prepare() -> None:
    """Builds the shared serializers' fields now (a worker's warm-up), not in the first push."""
    for serializer in (ConsoleAlertSerializer, TimelineEventSerializer):
        _shared(serializer).fields  # noqa: B018


@dataclass(frozen=True)
class Push:
    alert_id: int
    alert: Alert | None  # None: the message for consoles that can no longer see it
    event: AlertEvent | None
    moved: list | None

    def alert_data(self) -> dict | None:
        alert = self.alert
        return None if alert is None else _shared(ConsoleAlertSerializer).to_representation(alert)

    def event_data(self) -> dict | None:
        event = self.event
        return None if event is None else _shared(TimelineEventSerializer).to_representation(event)

    @property
    def codes(self) -> list:
        event = self.event
        return self.moved or ([event.data.get("from"), event.data.get("to")] if event else [None, None])


def _on_created(push: Push) -> dict:
    return {"type": "alert.created", "alert": push.alert_data(), "event": push.event_data()}


def _on_updated(push: Push) -> dict:
    return {"type": "alert.updated", "alert": push.alert_data(), "event": push.event_data()}


def _on_claimed(push: Push) -> dict:
    return {"type": "alert.claimed", "alert": push.alert_data(),
            "claimed_by": user_brief(push.alert.claimed_by), "event": push.event_data()}


def _on_timeline(push: Push) -> dict:
    return {"type": "alert.timeline", "alert_id": push.alert_id, "event": push.event_data()}


def _on_moved(push: Push) -> dict:
    codes, event = push.codes, push.event
    centers = {c.code: {"code": c.code, "name": c.name}
               for c in Center.objects.filter(code__in=[c for c in codes if c]).only("code", "name")}
    return {
        "type": "alert.moved", "alert_id": push.alert_id, "alert": push.alert_data(),
        "from": centers.get(codes[0]), "to": centers.get(codes[1]),
        "by": user_brief(event.actor) if event else None, "visible": push.alert is not None,
        "event": push.event_data(),
    }


# One handler per published kind, from the registry's push type (alerts.timeline); a kind that
# writes no timeline entry (location) is an "alert.updated".
_BY_PUSH = {timeline.CREATED: _on_created, timeline.CLAIMED: _on_claimed, timeline.TIMELINE: _on_timeline,
            timeline.MOVED: _on_moved, timeline.UPDATED: _on_updated}
HANDLERS = {key: _BY_PUSH[kind.push] for key, kind in timeline.KINDS.items()}
