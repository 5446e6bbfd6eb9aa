"""The alert and the timeline entry of a console push, in one statement (issue 7).

Every SOS costs one push build per web process, and the ORM's way of reading them (the alert with
its center, citizen, claimer and trip joined, its border centers prefetched, then the timeline
entry: three queries) took about 8 of the build's 10 ms of CPU, most of it building the SQL.
Here one statement reads the same rows and ``hwaseong_safety.fastpath`` turns them into the same
model instances (the ORM's converters, related objects and the border-center prefetch cache set as
the ORM would), so ConsoleAlertSerializer and TimelineEventSerializer give the same output. With
``FASTPATH`` off the ORM reads them (``orm_read``). ``tests/console/test_console_read.py`` holds
the two ways to the same answer.
"""

from __future__ import annotations

import json
from functools import cache

from django.db import connection

from alerts.models import Alert, AlertEvent, Trip
from citizens.models import Citizen
from console.visibility import console_alerts_queryset
from hwaseong_safety import fastpath
from operators.models import Center, User

CENTER_FIELDS = ["id", "code", "name"]  # what the console shows of a center; never the boundary


@cache
def _sql() -> str:
    # The timeline entry: the one the publisher named, else the newest of the event's kind.
    return f"""
SELECT {fastpath.columns(Alert, "a")}, ce.id, ce.code, ce.name, {fastpath.columns(Citizen, "ci")},
       {fastpath.columns(User, "cu")}, {fastpath.columns(Trip, "t")},
       (SELECT json_agg(json_build_array(b.id, b.code, b.name) ORDER BY b.code)
          FROM alerts_alert_border_centers AS ab JOIN operators_center AS b ON b.id = ab.center_id
         WHERE ab.alert_id = a.id),
       {fastpath.columns(AlertEvent, "ev")}, {fastpath.columns(User, "eu")}
FROM alerts_alert AS a
JOIN guardians_citizen AS ci ON ci.id = a.citizen_id
LEFT JOIN operators_center AS ce ON ce.id = a.center_id
LEFT JOIN operators_user AS cu ON cu.id = a.claimed_by_id
LEFT JOIN alerts_trip AS t ON t.id = a.trip_id
LEFT JOIN LATERAL (
    SELECT {fastpath.columns(AlertEvent, "e")} FROM alerts_alertevent AS e
    WHERE e.alert_id = a.id
      AND CASE WHEN %(event_id)s::bigint IS NULL THEN e.kind = %(kind)s ELSE e.id = %(event_id)s END
    ORDER BY e.created_at DESC, e.id DESC LIMIT 1
) AS ev ON true
LEFT JOIN operators_user AS eu ON eu.id = ev.actor_id
WHERE a.id = %(pk)s
"""


def _center(values: list) -> Center | None:
    return Center.from_db(connection.alias, CENTER_FIELDS, values) if values[0] is not None else None


def _take(row: list, model: type, start: int) -> tuple[object | None, int]:
    end = start + fastpath.width(model)
    values = row[start:end]
    return (fastpath.build(model, values) if values[0] is not None else None), end


def read_for_push(pk: int, kind: str, event_id: int | None) -> tuple[Alert | None, AlertEvent | None]:
    """(the alert as console_alerts_queryset reads it, its timeline entry) or (None, None)."""
    if not fastpath.enabled():
        return orm_read(pk, kind, event_id)
    with connection.cursor() as cursor:
        cursor.execute(_sql(), {"pk": pk, "kind": kind, "event_id": event_id})
        row = cursor.fetchone()
    if row is None:
        return None, None
    row = list(row)
    alert, at = _take(row, Alert, 0)
    center, at = _center(row[at:at + len(CENTER_FIELDS)]), at + len(CENTER_FIELDS)
    citizen, at = _take(row, Citizen, at)
    claimed_by, at = _take(row, User, at)
    trip, at = _take(row, Trip, at)
    border = row[at]
    event, at = _take(row, AlertEvent, at + 1)
    actor, _ = _take(row, User, at)
    alert.center, alert.citizen, alert.claimed_by, alert.trip = center, citizen, claimed_by, trip
    if isinstance(border, str):  # json comes back as text when the connection keeps it so
        border = json.loads(border)
    centers = [_center(list(values)) for values in border or []]
    fastpath.prefill(alert, "border_centers", centers)  # as prefetch_related("border_centers")
    if event is not None:
        event.actor = actor
    return alert, event


def orm_read(pk: int, kind: str, event_id: int | None) -> tuple[Alert | None, AlertEvent | None]:
    """The same through the ORM: three queries (the alert with its joins, its border centers, the
    timeline entry)."""
    alert = console_alerts_queryset(Alert.objects.filter(pk=pk)).first()
    if alert is None:
        return None, None
    events = AlertEvent.objects.select_related("actor").filter(alert_id=pk)
    event = (events.filter(pk=event_id).first() if event_id is not None
             else events.filter(kind=kind).order_by("-created_at", "-id").first())
    return alert, event
