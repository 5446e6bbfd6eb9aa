"""The operator console's websocket (docs/console-protocol.md): one consumer per open console.

Connect: refuse anyone but center staff (session auth only), join the groups of the centers the
user watches, then send a snapshot from the database, so a reconnect misses nothing.

Pushes are handled once per event per web process, not once per console (issue 7: 100 consoles
a process each re-reading the alert put the last one ~800 ms behind). The process's Hub has one
channel in the alert groups its consoles watch; for each ``alert.event`` it reads the alert from
the database once and encodes the JSON text once (Builds), then hands it to each console, which
decides from that one read and its own user's center whether the push is for it: an alert
transferred away stops reaching the old center (except the message saying it left). The user
itself is re-read once per process every USER_RECHECK_S (one query for all its consoles) and at
once when the user is saved (operators/signals.py): a user who lost their role is cut off.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from alerts.console_serializers import (
    ConsoleAlertSerializer,
    TimelineEventSerializer,
    console_alerts_queryset,
    user_brief,
)
from alerts.events import ALL_CENTERS_GROUP, center_group
from alerts.models import Alert, AlertEvent
from alerts.visibility import may_open_console, open_queue, sees_all_centers, watched_center_codes
from operators import presence
from operators.models import Center, User
from operators.signals import staff_group

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
USER_RECHECK_S = 5.0  # the longest a console of a user changed without a signal stays open
BUILD_TTL_S = 30.0  # how long a built push is kept for consumers of the process that are behind
PRESENCE_EVERY_S = 1.0  # at most one presence announce / push per center per process this often
# Group memberships live in Redis: they expire (channels_redis's group_expiry, a day) and a Redis
# restarted empty has none. Each process joins its groups again this often, and at once after Redis
# failed it: a center runs its consoles for days, and make chaos restarts Redis under them.
GROUP_REFRESH_S = 60.0
ALL_VIEW = "*"  # the presence view (and sequence counter) of consoles that watch every center

# On the one sync thread the process's consumers share (thread_sensitive). thread_sensitive=False
# was tried: its executor threads' pooled connections were not all returned (the pool of 8 ran dry
# within a few tests); with one build per event per process the shared thread is not the limit.
def read_db(fn: Callable) -> Callable[..., Awaitable]:
    return database_sync_to_async(fn)


def _encode(content: dict) -> str:
    return json.dumps(content, ensure_ascii=False, cls=DjangoJSONEncoder)


@dataclass(frozen=True)
class Viewer:
    """What a console knows of its user between re-checks: whether it watches every center, else
    its one center. The role rules are alerts.visibility's (sees_all_centers, watched_center_codes)."""

    sees_all: bool
    center: str | None

    @classmethod
    def of(cls, user: User) -> Viewer:
        codes = watched_center_codes(user)
        return cls(sees_all_centers(user), codes[0] if codes else None)

    @property
    def seq_codes(self) -> list[str]:
        return [presence.ALL_SEQ] if self.sees_all else [self.center] if self.center else []

    @property
    def presence_view(self) -> str:
        return ALL_VIEW if self.sees_all else self.center or ""


def may_see(viewer: Viewer, center: str | None, border_centers: frozenset[str] | set[str]) -> bool:
    """alerts.visibility.visible_alerts for one alert, without a query: its center or border band,
    or every alert for those who watch every center."""
    if viewer.sees_all:
        return True
    return viewer.center is not None and (viewer.center == center or viewer.center in border_centers)


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    user: User | None = None
    viewer: Viewer | None = None
    joined: tuple[str, ...] = ()
    presence_code: str | None = None
    heartbeat: asyncio.Task | None = None
    cut_off = False

    async def dispatch(self, message: dict) -> None:
        """As channels' own, without its ``aclose_old_connections()`` before every handler: that is
        a hop onto the one sync thread per message per console (20 SOS/s to 50 consoles: 1,000 a
        second, queued behind every snapshot), and our handlers reach the database only through
        database_sync_to_async, which closes old connections itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        # Accept first, then close with our code: a refused handshake shows browsers only 1006.
        await self.accept()
        scope_user = self.scope.get("user")
        if not getattr(scope_user, "is_authenticated", False):
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = await read_db(_fresh_user)(scope_user.pk)
        if self.user is None or not may_open_console(self.user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.viewer = Viewer.of(self.user)
        # Join before reading the snapshot: a change in between then arrives as a push too.
        await self._join()
        self.presence_code = self.user.center.code if self.user.center_id else presence.NO_CENTER
        await presence.touch(self.presence_code, self.user.pk, self.channel_name)
        await self.send_snapshot()
        hub().announce(self.channel_layer, self.presence_code)
        self.heartbeat = asyncio.create_task(self._beat())

    async def disconnect(self, code: int) -> None:
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        await self._leave_groups()
        if self.presence_code is not None and self.user is not None:
            try:
                await presence.leave(self.presence_code, self.user.pk, self.channel_name)
                hub().announce(self.channel_layer, self.presence_code)
            except Exception:  # Redis gone: the entry expires by itself
                logger.exception("console presence: could not record %s leaving", self.user.pk)

    async def receive_json(self, content: object, **kwargs: object) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if self.user is None or self.cut_off:
            return
        if kind == "ping":
            await presence.touch(self.presence_code, self.user.pk, self.channel_name)
            await self.push("pong", server_time=timezone.now().isoformat())
        elif kind == "resync":
            await self.send_snapshot()

    # --- server -> client -------------------------------------------------------------------

    async def push(self, kind: str, **payload: object) -> None:
        """Every message is {"type": ..., **payload}."""
        await self.send_text({"type": kind, **payload})

    async def send_text(self, text: str | dict) -> None:
        """The one way out; ``text`` is usually encoded once for every console of the process."""
        if not self.cut_off:
            await self.send(text_data=text if isinstance(text, str) else _encode(text))

    async def send_snapshot(self) -> None:
        # The numbers first: a push numbered up to them was committed before the read below.
        seq = await presence.current_seq(self.viewer.seq_codes)
        alerts, people = await read_db(_snapshot)(self.user)
        await self.push("snapshot", alerts=alerts, presence=await _presence(people),
                        server_time=timezone.now().isoformat(), seq=seq)

    # --- group messages ---------------------------------------------------------------------

    async def deliver(self, built: Built) -> None:
        """One alert event, built once for the process (Hub.alert_event), filtered for this user."""
        text = built.text_for(self.viewer) if self.viewer is not None else None
        if text is not None:
            await self.send_text(text)

    async def staff_changed(self, message: dict) -> None:
        """operators.signals: this user was saved; re-read them now, not at the next re-check."""
        if not self.cut_off and self.user is not None:
            await self.recheck(await read_db(_fresh_user)(self.user.pk))

    async def recheck(self, user: User | None) -> None:
        """Cut off a user who may no longer open the console; follow one who changed center."""
        if self.cut_off or self.user is None:
            return
        if user is None or not may_open_console(user):
            # Messages already queued for this channel must not get out either.
            self.cut_off = True
            await self._leave_groups()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user, viewer = user, Viewer.of(user)
        if viewer != self.viewer:
            await self._leave_groups()
            self.viewer = viewer
            await self._join()
            await self.send_snapshot()

    # --- groups -----------------------------------------------------------------------------

    @property
    def alert_groups(self) -> list[str]:
        viewer = self.viewer
        return [ALL_CENTERS_GROUP] if viewer.sees_all else [center_group(c) for c in viewer.seq_codes]

    async def _join(self) -> None:
        # The alert groups are joined by the process's hub, once for all its consoles; the socket's
        # own channel hears only what is for this user.
        self.joined = (staff_group(self.user.pk),)
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await hub().join(self, self.channel_layer)

    async def _leave_groups(self) -> None:
        joined, self.joined = self.joined, ()
        await hub().leave(self)
        for group in joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(presence.HEARTBEAT_S)
            try:
                await presence.touch(self.presence_code, self.user.pk, self.channel_name)
                for group in self.joined:  # see GROUP_REFRESH_S
                    await self.channel_layer.group_add(group, self.channel_name)
            except Exception:  # a Redis blip: try again next beat
                logger.warning("console presence: heartbeat of %s failed", self.user.pk, exc_info=True)


# --- once per process -----------------------------------------------------------------------


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


class Builds:
    """Per process: (alert, event, publish) -> the task building its push. The first consumer to
    ask starts it; the others await the same task."""

    def __init__(self) -> None:
        self._tasks: dict[tuple, asyncio.Task] = {}
        self._born: deque[tuple[float, tuple]] = deque()

    @staticmethod
    def key(message: dict) -> tuple:
        alert = message.get("alert") or {}
        return (alert.get("id"), message.get("event"), message.get("timeline_event_id"),
                alert.get("sent_at"), json.dumps(message.get("seq"), sort_keys=True))

    async def get(self, message: dict) -> Built:
        loop = asyncio.get_running_loop()
        now = loop.time()
        while self._born and self._born[0][0] < now - BUILD_TTL_S:
            self._tasks.pop(self._born.popleft()[1], None)
        key = self.key(message)
        task = self._tasks.get(key)
        if task is None:
            task = self._tasks[key] = loop.create_task(read_db(build_push)(message))
            self._born.append((now, key))
        # shield: a console closing while it waits must not cancel the others' build.
        return await asyncio.shield(task)


class Hub:
    """Per process (per event loop): the consoles, their shared builds, coalesced presence and the
    periodic re-check of their users."""

    def __init__(self) -> None:
        self.builds = Builds()
        self.consumers: set[ConsoleConsumer] = set()
        self.throttle = presence.Throttle(PRESENCE_EVERY_S)
        self.checker: asyncio.Task | None = None
        # One channel of the process in every alert group one of its consoles watches: an event
        # costs Redis one message per process, not one per console, and is handed out here.
        self.groups: dict[str, set[ConsoleConsumer]] = {}
        self.layer: object | None = None
        self.channel: str | None = None
        self.reader: asyncio.Task | None = None
        self.lock = asyncio.Lock()
        self.seen: dict[tuple, float] = {}  # events already handed out (one copy per group arrives)
        self.joined_at = 0.0  # loop time the groups were last joined (GROUP_REFRESH_S)
        self.rejoin = False  # Redis failed: join the groups again as soon as it answers

    async def join(self, consumer: ConsoleConsumer, layer: object) -> None:
        self.consumers.add(consumer)
        loop = asyncio.get_running_loop()
        if self.checker is None or self.checker.done():
            self.checker = loop.create_task(self._recheck_users())
        async with self.lock:
            if self.channel is None or self.layer is not layer:
                # The default prefix: channels_redis reads every process-local channel of one prefix
                # in one loop; a prefix of our own would block the consumers' receive (tried).
                self.layer, self.channel, self.groups = layer, await layer.new_channel(), {}
            for group in consumer.alert_groups:
                if not self.groups.get(group):
                    await layer.group_add(group, self.channel)
                self.groups.setdefault(group, set()).add(consumer)
            if self.reader is None or self.reader.done():
                self.reader = loop.create_task(self._read(layer, self.channel))

    async def leave(self, consumer: ConsoleConsumer) -> None:
        self.consumers.discard(consumer)
        async with self.lock:
            for group, members in list(self.groups.items()):
                if consumer in members:
                    members.discard(consumer)
                    if not members:
                        del self.groups[group]
                        await self.layer.group_discard(group, self.channel)
            if not self.groups and self.reader is not None:
                self.reader.cancel()
                self.reader = None

    async def _read(self, layer: object, channel: str) -> None:
        failures = 0
        while True:
            try:
                message = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis gone: keep trying; its groups may be gone with it
                failures += 1
                self.rejoin = True
                logger.warning("console hub: receive failed (%d in a row)", failures, exc_info=True)
                await asyncio.sleep(min(0.25 * 2**failures, 5.0))
                await self.refresh_groups()
                continue
            failures = 0
            try:
                if message.get("type") == "alert.event":
                    await self.alert_event(message)
                elif message.get("type") == "presence.changed":
                    self.presence_changed(message.get("center"))
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad event must not stop the process's pushes
                logger.exception("console hub: could not hand out %r", message.get("type"))

    async def alert_event(self, message: dict) -> None:
        """alerts.events.publish_alert_event: built once, then to every console of the process in
        the groups it was published to (each console filters it for its user)."""
        key = Builds.key(message)
        now = asyncio.get_running_loop().time()
        if key in self.seen:
            return  # the same event through a second group
        self.seen[key] = now
        if len(self.seen) > 1000:
            self.seen = {k: t for k, t in self.seen.items() if t > now - BUILD_TTL_S}
        targets = {ALL_CENTERS_GROUP, *(center_group(c) for c in _message_centers(message))}
        consumers = {c for g in targets for c in self.groups.get(g, ()) if not c.cut_off}
        if not consumers:
            return
        try:
            built = await self.builds.get(message)
        except Exception:  # the consoles see a gap in the numbers at the next push and resync
            logger.exception("console push of alert event %r could not be built", message.get("event"))
            return
        results = await asyncio.gather(*(c.deliver(built) for c in consumers), return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):  # a socket closing meanwhile
                logger.debug("console push not delivered: %r", result)

    def announce(self, layer: object, code: str) -> None:
        """Tell the consoles that see ``code`` that presence changed: at most once a second per
        center from this process, however many consoles connect (a restart reconnects them all)."""
        groups = [ALL_CENTERS_GROUP] + ([center_group(code)] if code != presence.NO_CENTER else [])

        async def send() -> None:
            for group in groups:
                await layer.group_send(group, {"type": "presence.changed", "center": code})

        self.throttle.poke(f"announce:{code}", send)

    def presence_changed(self, code: str | None) -> None:
        """One presence read and one encoded push per view and process, for all its consoles."""
        views = {c.viewer.presence_view for c in self.consumers if c.viewer is not None}
        for view in {ALL_VIEW, code} & views:
            self.throttle.poke(f"push:{view}", lambda view=view: self._push_presence(view))

    async def _push_presence(self, view: str) -> None:
        codes = await read_db(_view_presence_codes)(view)
        text = _encode({"type": "presence", "presence": await _presence(codes)})
        for consumer in [c for c in self.consumers if c.viewer and c.viewer.presence_view == view]:
            await consumer.send_text(text)

    async def refresh_groups(self) -> None:
        """Join every group of the process again (an idempotent ZADD each)."""
        async with self.lock:
            if self.layer is None or self.channel is None:
                return
            try:
                for group in list(self.groups):
                    await self.layer.group_add(group, self.channel)
            except Exception:
                self.rejoin = True
                logger.warning("console hub: could not join its groups again", exc_info=True)
                return
            self.rejoin, self.joined_at = False, asyncio.get_running_loop().time()

    async def _recheck_users(self) -> None:
        while self.consumers:
            await asyncio.sleep(USER_RECHECK_S)
            if self.rejoin or asyncio.get_running_loop().time() - self.joined_at > GROUP_REFRESH_S:
                await self.refresh_groups()
            consumers = [c for c in self.consumers if c.user is not None]
            try:
                users = await read_db(_users_by_pk)({c.user.pk for c in consumers})
            except Exception:  # the database is away: keep what we know, try again
                logger.warning("console: could not re-check %d users", len(consumers), exc_info=True)
                continue
            for consumer in consumers:
                try:
                    await consumer.recheck(users.get(consumer.user.pk))
                except Exception:
                    logger.exception("console: re-check of user %s failed", consumer.user.pk)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = Hub()
    return _hubs[loop]


# --- database reads (in worker threads) -----------------------------------------------------


def _fresh_user(pk: int) -> User | None:
    return User.objects.select_related("center").defer("center__boundary").filter(pk=pk).first()


def _users_by_pk(pks: set[int]) -> dict[int, User]:
    users = User.objects.select_related("center").defer("center__boundary").filter(pk__in=pks)
    return {u.pk: u for u in users}


def _snapshot(user: User) -> tuple[list[dict], list[str]]:
    alerts = ConsoleAlertSerializer(console_alerts_queryset(open_queue(user)), many=True).data
    return list(alerts), _presence_codes(user)


def _presence_codes(user: User) -> list[str]:
    return _view_presence_codes(ALL_VIEW if sees_all_centers(user) else
                                user.center.code if user.center_id else "")


def _view_presence_codes(view: str) -> list[str]:
    if view == ALL_VIEW:
        return [*Center.objects.values_list("code", flat=True), presence.NO_CENTER]
    return [view] if view else []


async def _presence(codes: list[str]) -> dict:
    ids = await presence.present_user_ids(codes)
    return await read_db(_presence_people)(ids)


def _presence_people(ids: dict[str, list[int]]) -> dict[str, list[dict]]:
    wanted = {pk for pks in ids.values() for pk in pks}
    users = {u.pk: u for u in User.objects.filter(pk__in=wanted, is_active=True)}
    return {
        code: [user_brief(users[pk]) | {"role": users[pk].role} for pk in pks if pk in users]
        for code, pks in ids.items()
    }


def _message_centers(message: dict) -> set[str]:
    """The center groups an alert.event was published to: alerts.events says so ("centers");
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
    skip = _encode({"type": "seq", "seq": seq}) if seq else None
    alert = console_alerts_queryset(Alert.objects.filter(pk=pk)).first()
    handler = HANDLERS.get(kind, _on_updated)
    if alert is None and handler is not _on_moved:
        return Built(skip=skip)
    event = _timeline_event(pk, kind, message.get("timeline_event_id"))
    extra = {"seq": seq} if seq else {}
    push = Push(pk, alert, event, message.get("moved"))
    built = Built(
        center=alert.center.code if alert is not None and alert.center_id else None,
        border=frozenset(c.code for c in alert.border_centers.all()) if alert is not None else frozenset(),
        seen=_encode(handler(push) | extra) if alert is not None else None, skip=skip,
    )
    if handler is _on_moved:
        gone = Push(pk, None, event, message.get("moved"))
        built = Built(built.center, built.border, built.seen, _encode(_on_moved(gone) | extra),
                      gone.codes[0], skip)
    return built


@dataclass(frozen=True)
class Push:
    alert_id: int
    alert: Alert | None  # None: the message for consoles that can no longer see it
    event: AlertEvent | None
    moved: list | None

    def alert_data(self) -> dict | None:
        return ConsoleAlertSerializer(self.alert).data if self.alert is not None else None

    def event_data(self) -> dict | None:
        return TimelineEventSerializer(self.event).data if self.event is not None else None

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
