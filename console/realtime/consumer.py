"""The operator console's websocket (docs/console-protocol.md): one consumer per open console.

Connect: refuse anyone but center staff (session auth only), join the groups of the centers the
user watches, then send a snapshot from the database, so a reconnect misses nothing.

Alert events do not come to each console from Redis: the process's hub (console/realtime/hub.py)
reads and encodes each one once and hands it to every console of the process (``deliver``), which
filters it for its user (console/realtime/push.py). A user who lost their role is cut off at the
hub's next re-check, or at once when the user is saved (``staff_changed``); a socket whose session
ended (logout, expiry, deleted) the same way, at once on logout.

Every message out goes through the console's own bounded queue (console/realtime/outbox.py): a
console that stops reading never holds the others. Whatever ends the socket (a close, an error in a
handler, a malformed frame), ``_cleanup`` runs: nobody stays "on duty" on a dead socket.
"""

from __future__ import annotations

import asyncio
import logging

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone

from alerts.publish import ALL_CENTERS_GROUP, center_group
from console.api.serializers import ConsoleAlertSerializer
from console.realtime import presence
from console.realtime.hub import hub, presence_of, read_db, view_presence_codes
from console.realtime.outbox import Outbox
from console.realtime.push import ALL_VIEW, Built, Viewer, encode
from console.realtime.sessions import LiveSession, live_sessions, session_digest, session_holds
from console.visibility import console_alerts_queryset, may_open_console, open_queue, sees_all_centers
from hwaseong_safety.fastpath.channels_dispatch import DirectDispatch
from operators.models import User

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_LAGGING = 4408  # fell too far behind: reconnect at once (a snapshot brings it up to date)


class ConsoleConsumer(DirectDispatch, AsyncJsonWebsocketConsumer):
    """DirectDispatch: no connection clean-up hop per message (fastpath/channels_dispatch.py)."""

    user: User | None = None
    viewer: Viewer | None = None
    presence_code: str | None = None
    heartbeat: asyncio.Task | None = None
    outbox: Outbox | None = None
    session_key: str | None = None
    holds = 0  # staff changes being re-read (hold, staff_changed)
    closer: asyncio.Task | None = None
    cut_off = False
    cleaned = False
    held: list[str] | None = None  # pushes waiting for a re-check under way (staff_changed)

    async def __call__(self, scope: dict, receive: object, send: object) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Also after an exception in a handler, when Channels never calls disconnect().
            await asyncio.shield(self._cleanup())

    async def connect(self) -> None:
        # Accept first, then close with our code: a refused handshake shows browsers only 1006.
        await self.accept()
        scope_user = self.scope.get("user")
        if not getattr(scope_user, "is_authenticated", False):
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None)
        self.outbox = Outbox(lambda text: self.send(text_data=text), self._lagging)
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
        await self._cleanup()

    async def _cleanup(self) -> None:
        """Idempotent: the socket is gone or cut off; it leaves the hub, its groups and presence."""
        if self.cleaned:
            return
        self.cleaned = True
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        if self.outbox is not None:
            self.outbox.close()
        try:
            await self._leave_groups()
        except Exception:  # Redis gone: memberships expire; the hub has forgotten us anyway
            logger.warning("console: could not leave the groups of %s", self.channel_name, exc_info=True)
        if self.presence_code is not None and self.user is not None:
            try:
                await presence.leave(self.presence_code, self.user.pk, self.channel_name)
                hub().announce(self.channel_layer, self.presence_code)
            except Exception:  # Redis gone: the entry expires by itself
                logger.exception("console presence: could not record %s leaving", self.user.pk)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None,
                      **kwargs: object) -> None:
        """Frames that are not JSON text (binary, malformed, too deep) are ignored, not a crash."""
        if text_data is None:
            return
        try:
            content = await self.decode_json(text_data)
        except (ValueError, RecursionError):
            return
        await self.receive_json(content)

    async def receive_json(self, content: object, **kwargs: object) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if self.user is None or self.cut_off:
            return
        if kind == "ping":
            try:
                await presence.touch(self.presence_code, self.user.pk, self.channel_name)
            except Exception:  # a Redis blip: the heartbeat tries again
                logger.warning("console presence: ping of %s not recorded", self.user.pk, exc_info=True)
            await self.push("pong", server_time=timezone.now().isoformat())
        elif kind == "resync":
            await self.send_snapshot()

    # --- server -> client -------------------------------------------------------------------

    async def push(self, kind: str, **payload: object) -> None:
        """Every message is {"type": ..., **payload}."""
        await self.send_text({"type": kind, **payload})

    async def send_text(self, text: str | dict) -> None:
        """The one way out, through this console's own queue: never waits on the socket. ``text``
        is usually encoded once for every console of the process."""
        if self.cut_off or self.outbox is None:
            return
        text = text if isinstance(text, str) else encode(text)
        if self.held is not None:
            self.held.append(text)
        else:
            self.outbox.put(text)

    def _lagging(self, why: str) -> None:
        """The outbox gave up on this socket: cut it off now and close it without waiting."""
        logger.warning("console of user %s cut off: %s", getattr(self.user, "pk", None), why)
        self._cut_off(CLOSE_LAGGING)

    def _cut_off(self, code: int) -> None:
        """Nothing more gets out; the close frame waits for the socket in a task of its own (a
        socket nobody reads takes it only when read again, or when the server's ping times out)."""
        if self.cut_off:
            return
        self.cut_off = True
        if self.outbox is not None:
            self.outbox.close()

        async def close() -> None:
            await self._cleanup()
            try:
                await self.close(code=code)
            except Exception:  # already gone
                logger.debug("console close after cut-off failed", exc_info=True)

        self.closer = asyncio.get_running_loop().create_task(close())

    async def send_snapshot(self) -> None:
        # The numbers first: a push numbered up to them was committed before the read below.
        seq = await presence.current_seq(self.viewer.seq_codes)
        alerts, people = await read_db(_snapshot)(self.user)
        await self.push("snapshot", alerts=alerts, presence=await presence_of(people),
                        server_time=timezone.now().isoformat(), seq=seq)

    # --- group messages ---------------------------------------------------------------------

    async def deliver(self, built: Built) -> None:
        """One alert event, built once for the process (Hub.alert_event), filtered for this user."""
        text = built.text_for(self.viewer) if self.viewer is not None else None
        if text is not None:
            await self.send_text(text)

    def hold(self) -> None:
        """Keep pushes back until staff_changed has re-read the user: each hold is released by
        the staff_changed it was taken for (the hub takes it when the change is read)."""
        self.holds += 1
        if self.held is None:
            self.held = []

    async def staff_changed(self, message: dict) -> None:
        """console.realtime.signals: this user was saved, or logged out somewhere; re-read them now, not
        at the next re-check. A logout names the session it ended (a digest, not the key)."""
        # Pushes wait until the user is re-read: one for someone who just lost their role must not
        # get out while the read is under way.
        if self.holds == 0:
            self.hold()
        try:
            if self.cut_off or self.user is None:
                return
            if self.session_key and message.get("session") == session_digest(self.session_key):
                self._cut_off(CLOSE_UNAUTHENTICATED)
                return
            user, session = await read_db(_user_and_session)(self.user.pk, self.session_key)
            await self.recheck(user, session)
        finally:
            self.holds -= 1
            if self.holds == 0:
                held, self.held = self.held, None
                for text in held or ():
                    await self.send_text(text)

    async def recheck(self, user: User | None, session: LiveSession | None) -> None:
        """Cut off a user who may no longer open the console or whose session ended (logout,
        expiry, deleted, password changed); follow one who changed center."""
        if self.cut_off or self.user is None:
            return
        if self.outbox is not None and self.outbox.stalled():
            self._lagging("its socket takes nothing")
            return
        if user is None or not may_open_console(user):
            # Messages already queued for this channel must not get out either.
            self._cut_off(CLOSE_FORBIDDEN)
            return
        if not session_holds(session, user):
            self._cut_off(CLOSE_UNAUTHENTICATED)
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
        # The alert groups and the user's staff group are joined by the process's hub, once for all
        # its consoles: a staff change is then read in order with the alert events.
        await hub().join(self, self.channel_layer)

    async def _leave_groups(self) -> None:
        await hub().leave(self)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(presence.HEARTBEAT_S)
            try:
                await presence.touch(self.presence_code, self.user.pk, self.channel_name)
            except Exception:  # a Redis blip: try again next beat
                logger.warning("console presence: heartbeat of %s failed", self.user.pk, exc_info=True)




# --- database reads (in worker threads) -----------------------------------------------------


def _fresh_user(pk: int) -> User | None:
    return User.objects.select_related("center").defer("center__boundary").filter(pk=pk).first()


def _user_and_session(pk: int, session_key: str | None) -> tuple[User | None, LiveSession | None]:
    return _fresh_user(pk), live_sessions([session_key] if session_key else []).get(session_key)



def _snapshot(user: User) -> tuple[list[dict], list[str]]:
    alerts = ConsoleAlertSerializer(console_alerts_queryset(open_queue(user)), many=True).data
    return list(alerts), _presence_codes(user)



def _presence_codes(user: User) -> list[str]:
    return view_presence_codes(ALL_VIEW if sees_all_centers(user) else
                                user.center.code if user.center_id else "")


