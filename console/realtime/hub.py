"""Once per web process (per event loop): the consoles of the process, the one build of each alert
event they share, coalesced presence and the periodic re-check of their users (issue 7: 100
consoles of a process each re-reading the alert put the last one ~800 ms behind).

The Hub has one channel in the alert groups its consoles watch; for each ``alert.event`` it reads
the alert from the database once and encodes the JSON text once (Builds, console_push.build_push),
then hands it to each console, which decides from that one read and its own user whether the push
is for it. The users are re-read once per process every USER_RECHECK_S (one query for all its
consoles) and at once when a user is saved (console/realtime/signals.py)."""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async

from alerts.publish import ALL_CENTERS_GROUP, center_group
from console.api.serializers import user_brief
from console.realtime import presence
from console.realtime.push import ALL_VIEW, Built, build_push, encode, message_centers
from console.realtime.sessions import LiveSession, live_sessions
from console.realtime.signals import staff_group
from operators.models import Center, User

if TYPE_CHECKING:
    from console.realtime.consumer import ConsoleConsumer

logger = logging.getLogger(__name__)

USER_RECHECK_S = 5.0  # the longest a console of a user changed without a signal stays open
BUILD_TTL_S = 30.0  # how long a built push is kept for consumers of the process that are behind
PRESENCE_EVERY_S = 1.0  # at most one presence announce / push per center per process this often
# Group memberships live in Redis: they expire (channels_redis's group_expiry, a day) and a Redis
# restarted empty has none. Each process joins its groups again this often, and at once after Redis
# failed it: a center runs its consoles for days, and make chaos restarts Redis under them.
GROUP_REFRESH_S = 60.0


# On the one sync thread the process's consumers share (thread_sensitive). thread_sensitive=False
# was tried: its executor threads' pooled connections were not all returned (the pool of 8 ran dry
# within a few tests); with one build per event per process the shared thread is not the limit.
def read_db(fn: Callable) -> Callable[..., Awaitable]:
    return database_sync_to_async(fn)



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
        self.rechecks: set[asyncio.Task] = set()  # staff changes being re-read (kept referenced)

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
            # The user's staff group too: a change of the user (deactivated, logged out) then arrives
            # on this channel before any alert event published after it, and holds its pushes.
            for group in [*consumer.alert_groups, staff_group(consumer.user.pk)]:
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
                elif message.get("type") == "staff.changed":
                    self.staff_changed(message)
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad event must not stop the process's pushes
                logger.exception("console hub: could not hand out %r", message.get("type"))

    async def alert_event(self, message: dict) -> None:
        """alerts.publish.publish_alert_event: built once, then to every console of the process in
        the groups it was published to (each console filters it for its user)."""
        key = Builds.key(message)
        now = asyncio.get_running_loop().time()
        if key in self.seen:
            return  # the same event through a second group
        self.seen[key] = now
        if len(self.seen) > 1000:
            self.seen = {k: t for k, t in self.seen.items() if t > now - BUILD_TTL_S}
        targets = {ALL_CENTERS_GROUP, *(center_group(c) for c in message_centers(message))}
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

    def staff_changed(self, message: dict) -> None:
        """console.realtime.signals: a user was saved or logged out. Read here in the order it was sent
        among the alert events: the user's consoles hold their pushes from now until the user is
        re-read, so no push sent after the change reaches a user it cut off. The re-read runs in a
        task of its own: it may leave and join the hub's groups, which can end this reader."""
        user_id = message.get("user")
        consumers = list(self.groups.get(staff_group(user_id), ())) if isinstance(user_id, int) else []
        loop = asyncio.get_running_loop()
        for consumer in consumers:
            consumer.hold()
            task = loop.create_task(consumer.staff_changed(message))
            self.rechecks.add(task)
            task.add_done_callback(self.rechecks.discard)

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
        codes = await read_db(view_presence_codes)(view)
        text = encode({"type": "presence", "presence": await presence_of(codes)})
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
                users, sessions = await read_db(_users_and_sessions)(
                    {c.user.pk for c in consumers}, [c.session_key for c in consumers if c.session_key])
            except Exception:  # the database is away: keep what we know, try again
                logger.warning("console: could not re-check %d users", len(consumers), exc_info=True)
                continue
            for consumer in consumers:
                try:
                    await consumer.recheck(users.get(consumer.user.pk), sessions.get(consumer.session_key))
                except Exception:
                    logger.exception("console: re-check of user %s failed", consumer.user.pk)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = Hub()
    return _hubs[loop]



# --- database reads (in worker threads) -----------------------------------------------------


def _users_and_sessions(pks: set[int], keys: list[str]) -> tuple[dict[int, User], dict[str, LiveSession]]:
    users = User.objects.select_related("center").defer("center__boundary").filter(pk__in=pks)
    return {u.pk: u for u in users}, live_sessions(keys)



def view_presence_codes(view: str) -> list[str]:
    if view == ALL_VIEW:
        return [*Center.objects.values_list("code", flat=True), presence.NO_CENTER]
    return [view] if view else []



async def presence_of(codes: list[str]) -> dict:
    ids = await presence.present_user_ids(codes)
    return await read_db(_presence_people)(ids)



def _presence_people(ids: dict[str, list[int]]) -> dict[str, list[dict]]:
    wanted = {pk for pks in ids.values() for pk in pks}
    users = {u.pk: u for u in User.objects.filter(pk__in=wanted, is_active=True)}
    return {
        code: [user_brief(users[pk]) | {"role": users[pk].role} for pk in pks if pk in users]
        for code, pks in ids.items()
    }


