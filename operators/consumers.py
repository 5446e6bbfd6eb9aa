"""The operator console's websocket (docs/console-protocol.md): one consumer per open console.

Connect: refuse anyone but center staff (session auth only), join the groups of the centers the
user watches, then send a snapshot from the database, so a reconnect misses nothing. Every push
is re-checked against the database before it is sent: an alert transferred away stops reaching
the old center (except the message saying it left), and a user who lost their role is cut off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone

from alerts.console_serializers import (
    ConsoleAlertSerializer,
    TimelineEventSerializer,
    console_alerts_queryset,
    user_brief,
)
from alerts.events import ALL_CENTERS_GROUP, center_group
from alerts.models import Alert, AlertEvent
from alerts.visibility import (
    may_open_console,
    open_queue,
    sees_all_centers,
    visible_alert,
    watched_center_codes,
)
from operators import presence
from operators.models import Center, User

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    user: User | None = None
    joined: tuple[str, ...] = ()
    presence_code: str | None = None
    heartbeat: asyncio.Task | None = None
    cut_off = False

    async def connect(self) -> None:
        # Accept first, then close with our code: a refused handshake shows browsers only 1006.
        await self.accept()
        scope_user = self.scope.get("user")
        if not getattr(scope_user, "is_authenticated", False):
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = await database_sync_to_async(_fresh_user)(scope_user.pk)
        if self.user is None or not may_open_console(self.user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        codes = watched_center_codes(self.user)
        # Join before reading the snapshot: a change in between then arrives as a push too.
        self.joined = (ALL_CENTERS_GROUP,) if codes is None else tuple(center_group(c) for c in codes)
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        self.presence_code = self.user.center.code if self.user.center_id else presence.NO_CENTER
        await presence.touch(self.presence_code, self.user.pk, self.channel_name)
        await self.send_snapshot()
        await self._announce_presence()
        self.heartbeat = asyncio.create_task(self._beat())

    async def disconnect(self, code: int) -> None:
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        await self._leave_groups()
        if self.presence_code is not None and self.user is not None:
            try:
                await presence.leave(self.presence_code, self.user.pk, self.channel_name)
                await self._announce_presence()
            except Exception:  # Redis gone: the entry expires by itself
                logger.exception("console presence: could not record %s leaving", self.user.pk)

    async def receive_json(self, content: object, **kwargs: object) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if self.user is None:
            return
        if kind == "ping":
            await presence.touch(self.presence_code, self.user.pk, self.channel_name)
            await self.push("pong", server_time=timezone.now().isoformat())
        elif kind == "resync":
            await self.send_snapshot()

    # --- server -> client -------------------------------------------------------------------

    async def push(self, kind: str, **payload: object) -> None:
        """The one way out: every message is {"type": ..., **payload}."""
        if not self.cut_off:
            await self.send_json({"type": kind, **payload})

    async def send_snapshot(self) -> None:
        alerts, people = await database_sync_to_async(_snapshot)(self.user)
        await self.push("snapshot", alerts=alerts, presence=await self._presence(people),
                        server_time=timezone.now().isoformat())

    # --- group messages ---------------------------------------------------------------------

    async def alert_event(self, message: dict) -> None:
        """alerts.events.publish_alert_event: re-read, re-check, then one handler per kind."""
        if self.cut_off:
            return
        out = await database_sync_to_async(_push_for)(self.user.pk, message)
        if out is _CUT_OFF:
            # Messages already queued for this channel must not get out either.
            self.cut_off = True
            await self._leave_groups()
            await self.close(code=CLOSE_FORBIDDEN)
        elif out is not None:
            await self.push(out.pop("type"), **out)

    async def presence_changed(self, message: dict) -> None:
        if sees_all_centers(self.user) or message.get("center") == self.presence_code:
            await self.push("presence", presence=await self._presence())

    # --- presence ---------------------------------------------------------------------------

    async def _presence(self, codes: list[str] | None = None) -> dict:
        codes = codes if codes is not None else await database_sync_to_async(_presence_codes)(self.user)
        ids = await presence.present_user_ids(codes)
        return await database_sync_to_async(_presence_people)(ids)

    async def _announce_presence(self) -> None:
        message = {"type": "presence.changed", "center": self.presence_code}
        groups = [ALL_CENTERS_GROUP]
        if self.presence_code != presence.NO_CENTER:
            groups.append(center_group(self.presence_code))
        for group in groups:
            await self.channel_layer.group_send(group, message)

    async def _leave_groups(self) -> None:
        joined, self.joined = self.joined, ()
        for group in joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(presence.HEARTBEAT_S)
            with contextlib.suppress(Exception):  # a Redis blip: try again next beat
                await presence.touch(self.presence_code, self.user.pk, self.channel_name)


_CUT_OFF = object()


def _fresh_user(pk: int) -> User | None:
    return User.objects.select_related("center").filter(pk=pk).first()


def _snapshot(user: User) -> tuple[list[dict], list[str]]:
    alerts = ConsoleAlertSerializer(console_alerts_queryset(open_queue(user)), many=True).data
    return list(alerts), _presence_codes(user)


def _presence_codes(user: User) -> list[str]:
    if sees_all_centers(user):
        return [*Center.objects.values_list("code", flat=True), presence.NO_CENTER]
    return [user.center.code] if user.center_id else []


def _presence_people(ids: dict[str, list[int]]) -> dict[str, list[dict]]:
    wanted = {pk for pks in ids.values() for pk in pks}
    users = {u.pk: u for u in User.objects.filter(pk__in=wanted, is_active=True)}
    return {
        code: [user_brief(users[pk]) | {"role": users[pk].role} for pk in pks if pk in users]
        for code, pks in ids.items()
    }


def _push_for(user_id: int, message: dict) -> dict | object | None:
    """What this user's console gets for one published event, read now from the database."""
    user = _fresh_user(user_id)
    if user is None or not may_open_console(user):
        return _CUT_OFF
    kind, pk = message["event"], message["alert"]["id"]
    alert, handler = visible_alert(user, pk), HANDLERS.get(kind, _on_updated)
    # Only the message saying an alert left may reach a console that can no longer see it.
    if alert is None and handler is not _on_moved:
        return None
    event = _timeline_event(pk, kind, message.get("timeline_event_id"))
    return handler(Push(user, pk, alert, event, message.get("moved")))


@dataclass(frozen=True)
class Push:
    user: User
    alert_id: int
    alert: Alert | None  # None: not (or no longer) visible to this user
    event: AlertEvent | None
    moved: list | None

    def alert_data(self) -> dict | None:
        return ConsoleAlertSerializer(self.alert).data if self.alert is not None else None

    def event_data(self) -> dict | None:
        return TimelineEventSerializer(self.event).data if self.event is not None else None


def _on_created(push: Push) -> dict:
    return {"type": "alert.created", "alert": push.alert_data(), "event": push.event_data()}


def _on_updated(push: Push) -> dict:
    return {"type": "alert.updated", "alert": push.alert_data(), "event": push.event_data()}


def _on_claimed(push: Push) -> dict:
    return {"type": "alert.claimed", "alert": push.alert_data(),
            "claimed_by": user_brief(push.alert.claimed_by), "event": push.event_data()}


def _on_timeline(push: Push) -> dict:
    return {"type": "alert.timeline", "alert_id": push.alert_id, "event": push.event_data()}


def _on_moved(push: Push) -> dict | None:
    event = push.event
    codes = push.moved or ([event.data.get("from"), event.data.get("to")] if event else [None, None])
    user = push.user
    if push.alert is None and (user.center_id is None or user.center.code != codes[0]):
        return None  # never ours: nothing to say
    centers = {c.code: {"code": c.code, "name": c.name} for c in Center.objects.filter(code__in=codes)}
    return {
        "type": "alert.moved", "alert_id": push.alert_id, "alert": push.alert_data(),
        "from": centers.get(codes[0]), "to": centers.get(codes[1]),
        "by": user_brief(event.actor) if event else None, "visible": push.alert is not None,
        "event": push.event_data(),
    }


# One handler per published kind; any other kind (location, acknowledged, escalated, closed,
# cancelled, duress, routed, trip_arrived, ...) is an "alert.updated".
HANDLERS = {"created": _on_created, "claimed": _on_claimed, "note": _on_timeline,
            "transfer": _on_moved, "transferred": _on_moved}


def _timeline_event(alert_id: int, kind: str, event_id: int | None) -> AlertEvent | None:
    events = AlertEvent.objects.select_related("actor").filter(alert_id=alert_id)
    if event_id is not None:
        return events.filter(pk=event_id).first()
    # Publishers that predate the console send no event id: their kind names the event.
    return events.filter(kind=kind).order_by("-created_at", "-id").first()
