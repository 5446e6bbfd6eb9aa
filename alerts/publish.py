"""How alerts tell the consoles: one function publishes every alert event to the Channels groups
(only alerts.actions and the alerts tasks call it); console/realtime listens.

Groups: ``center.<code>`` for each center concerned, and ``centers.all`` for consoles that watch
every center (supervisors). The message carries ids and non-personal fields only; each web process
re-reads the alert from the database once per event and each console checks that its user may see
it (console/realtime/hub.py, docs/console-protocol.md).

Every message carries ``seq``: for each center it goes to (and ``*`` for ``centers.all``) the next
number of that center's counter in Redis, so a console that sees a number skipped knows it missed
a push and asks for a snapshot.

Publishing happens after commit and never fails the caller: the alert is already stored, and an
operator console that missed a push still finds it by polling. If Redis is down we log and go on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alerts.models import Alert, AlertEvent
from alerts.status import is_stale, location_age_s

logger = logging.getLogger(__name__)

# A hung Redis must not hold a request thread (and its SOS response) for long.
PUBLISH_TIMEOUT_S = 2.0


ALL_CENTERS_GROUP = "centers.all"
ALL_SEQ = "*"  # the counter of the centers.all group (supervisors' consoles)


def _layer_config() -> dict:
    return settings.CHANNEL_LAYERS["default"].get("CONFIG", {})


def layer_redis_url() -> str:
    host = (_layer_config().get("hosts") or [settings.REDIS_URL])[0]
    if isinstance(host, (list, tuple)):  # channels_redis also takes (host, port)
        return f"redis://{host[0]}:{host[1]}"
    return host if isinstance(host, str) else host.get("address", settings.REDIS_URL)


def layer_prefix() -> str:
    return _layer_config().get("prefix", "asgi")


def seq_key(code: str) -> str:
    return f"{layer_prefix()}:console-seq:{code}"


def center_group(code: str) -> str:
    return f"center.{code}"


def publish_alert_event(
    alert: Alert, kind: str, *, also_centers: Iterable[str] = (), event: AlertEvent | None = None,
    moved: tuple[str | None, str] | None = None, border_codes: Iterable[str] | None = None,
) -> None:
    """Tell the alert's center (and its border centers, and ``also_centers``, e.g. the center an
    alert was transferred from) once the current transaction commits. ``event`` is the timeline
    entry the change made; ``moved`` is (from code, to code) of a transfer.

    ``border_codes``: the caller knows the alert's final state in this transaction (a new SOS), so
    the message is built now and the publish does not read the alert again after commit."""
    alert_id, extra = alert.pk, tuple(also_centers)
    meta = {"timeline_event_id": event.pk if event else None, "moved": list(moved) if moved else None}
    built = None if border_codes is None else alert_payload(alert, kind, border_codes=border_codes)
    transaction.on_commit(lambda: _publish(alert_id, kind, extra, meta, built))


def alert_payload(alert: Alert, kind: str, *, border_codes: Iterable[str] | None = None) -> dict:
    """What the console needs to raise the alarm; no name or phone number goes through Redis."""
    location = alert.location
    if border_codes is None:
        border_codes = (c.code for c in alert.border_centers.all())
    return {
        "type": "alert.event",
        "event": kind,
        "alert": {
            "id": alert.pk,
            "kind": alert.kind,
            "status": alert.status,
            "is_duress": alert.is_duress,
            "priority": alert.operator_priority,
            "center": alert.center.code if alert.center else None,
            "out_of_area": alert.out_of_area,
            "border_centers": sorted(border_codes),
            "latitude": location.y if location else None,
            "longitude": location.x if location else None,
            "accuracy": alert.accuracy,
            "location_age_s": location_age_s(alert),
            "location_stale": is_stale(alert),
            "created_at": alert.created_at.isoformat(),
            "sent_at": timezone.now().isoformat(),
        },
    }


def _publish(alert_id: int, kind: str, also_centers: tuple[str, ...], meta: dict | None = None,
             built: dict | None = None) -> None:
    try:
        if built is None:
            alert = (Alert.objects.select_related("center").defer("center__boundary")
                     .prefetch_related("border_centers").get(pk=alert_id))
            built = alert_payload(alert, kind)
        else:
            built["alert"]["sent_at"] = timezone.now().isoformat()
        payload = built | (meta or {})
        codes = {payload["alert"]["center"], *payload["alert"]["border_centers"], *also_centers} - {None}
        layer = get_channel_layer()
        if layer is None:
            return
        payload["centers"] = sorted(codes)  # the center groups it goes to (besides centers.all)
        payload["seq"] = _take_numbers([*sorted(codes), ALL_SEQ])
        groups = [center_group(code) for code in sorted(codes)] + [ALL_CENTERS_GROUP]
        async_to_sync(_send_all)(layer, groups, payload)
    # Anything at all (Redis refused, timeout, a bad layer config): the SOS is stored and answered.
    except Exception:
        logger.exception("could not publish alert %s event %r to the live console", alert_id, kind)


async def _send_all(layer: object, groups: list[str], payload: dict) -> None:
    for group in groups:
        await asyncio.wait_for(layer.group_send(group, payload), timeout=PUBLISH_TIMEOUT_S)


_clients: dict[str, redis.Redis] = {}


def _take_numbers(codes: list[str]) -> dict[str, int] | None:
    """The next number of each center's counter, in one round trip. None when Redis refuses: the
    push still goes out (a console then sees no number and cannot tell a gap, as before)."""
    url = layer_redis_url()
    client = _clients.get(url)
    if client is None:  # one client (and connection pool) per process, thread-safe
        client = _clients[url] = redis.Redis.from_url(
            url, socket_timeout=PUBLISH_TIMEOUT_S, socket_connect_timeout=PUBLISH_TIMEOUT_S)
    try:
        with client.pipeline(transaction=False) as pipe:
            for code in codes:
                pipe.incr(seq_key(code))
            return dict(zip(codes, (int(n) for n in pipe.execute()), strict=True))
    except redis.RedisError:
        logger.warning("console sequence numbers unavailable for %s", codes, exc_info=True)
        return None
