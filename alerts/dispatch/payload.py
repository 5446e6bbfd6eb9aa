"""What the police or fire dispatch system receives: everything needed to send a unit, in one
JSON document (docs/dispatch.md). Rebuilt on each attempt, so a retry carries the newest position;
the Idempotency-Key, not the body, identifies the request."""

from __future__ import annotations

import math

from django.conf import settings
from django.utils import timezone

from alerts.dispatch import config
from alerts.models import Alert, AlertKind, Escalation
from alerts.status import location_age_s
from cameras.describe import readable_name
from cameras.models import Camera

PAYLOAD_VERSION = 1
MAX_NOTES = 20


def alert_type(alert: Alert) -> str:
    """sos, duress or overdue: duress first, since it is the one where the caller is not free."""
    if alert.is_duress:
        return "duress"
    return "overdue" if alert.kind == AlertKind.OVERDUE_TRIP else "sos"


def _name(user: object) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _location(alert: Alert) -> dict | None:
    if alert.location is None:
        return None
    return {
        "latitude": alert.location.y, "longitude": alert.location.x,
        "accuracy_m": alert.accuracy, "source": alert.location_source or "unknown",
        "recorded_at": alert.location_recorded_at.isoformat() if alert.location_recorded_at else None,
        "age_s": location_age_s(alert),
    }


def _cameras(alert: Alert) -> list[Camera]:
    if alert.location is None:
        return []
    # No center join: the payload does not name it, and a center brings its whole boundary.
    return Camera.objects.nearest(
        alert.location, limit=config.nearest_cameras(), radius=settings.NEAREST_CAMERAS_RADIUS_METERS)


def _ranks(cameras: list[Camera]) -> dict[int, int]:
    """Each unnumbered camera's rank among the unnumbered cameras of its agency at its address,
    by id: the rank the console names it by (cameras/nearby.py, cameras.describe.readable_name)."""
    keys = {(c.agency, c.road_address, c.lot_address) for c in cameras if not c.management_number}
    if not keys:
        return {}
    rows = (Camera.objects.filter(management_number="", agency__in={k[0] for k in keys},
                                  road_address__in={k[1] for k in keys}, lot_address__in={k[2] for k in keys})
            .order_by("pk").values_list("pk", "agency", "road_address", "lot_address"))
    ranks: dict[int, int] = {}
    counts: dict[tuple, int] = {}
    for pk, *key in rows:
        counts[tuple(key)] = counts.get(tuple(key), 0) + 1
        ranks[pk] = counts[tuple(key)]
    return ranks


def _camera(camera: Camera, ranks: dict[int, int]) -> dict:
    # RTSP stays out: its URLs often carry the recorder's credentials, and agencies view HLS/MJPEG.
    bearing = None if camera.azimuth is None else round(math.degrees(camera.azimuth) % 360, 1)
    return {
        "id": camera.pk, "management_number": camera.management_number, "address": camera.address,
        "name": readable_name(camera.management_number, camera.address, ranks.get(camera.pk),
                              camera.agency, camera.pk),
        "latitude": camera.location.y, "longitude": camera.location.x,
        "distance_m": round(camera.distance.m, 1), "bearing_deg": bearing, "status": camera.status,
        "has_ptz": camera.has_ptz,
        "streams": {"hls": camera.hls_url or None, "mjpeg": camera.mjpeg_url or None,
                    "snapshot": camera.snapshot_url or None},
    }


def _address(alert: Alert, cameras: list[Camera], center: object) -> dict:
    """A place a dispatcher can read out: the alert's own address (places/address.py: the
    시·구·읍면동 and the nearest known road address), else the nearest camera's, else the city."""
    if alert.address:
        return {"text": alert.address, "basis": "places", "area": alert.address_area,
                "nearest_address": alert.address_road or None, "distance_m": alert.address_road_m}
    for camera in cameras:
        if camera.address:
            distance = round(camera.distance.m, 1)
            return {"text": camera.address, "basis": "nearest_camera", "distance_m": distance}
    return {"text": center.name if center is not None else "", "basis": "center", "distance_m": None}


def _notes(alert: Alert) -> list[dict]:
    notes = alert.events.filter(kind="note").select_related("actor").order_by("-created_at", "-id")
    return [{"text": n.data.get("text", ""), "by": _name(n.actor), "at": n.created_at.isoformat()}
            for n in notes[:MAX_NOTES]][::-1]


def build_payload(escalation: Escalation) -> dict:
    alert = escalation.alert
    citizen, operator = alert.citizen, escalation.requested_by
    # An alert outside every linked city has no center: the operator's own center is the sender.
    center = alert.center or getattr(operator, "center", None)
    cameras = _cameras(alert)
    ranks = _ranks(cameras)
    return {
        "version": PAYLOAD_VERSION,
        "escalation_id": escalation.pk,
        "idempotency_key": escalation.idempotency_key,
        "agency": escalation.agency,
        "alert": {
            "id": alert.pk, "type": alert_type(alert), "trigger": alert.trigger,
            "received_at": alert.created_at.isoformat(), "out_of_area": alert.out_of_area,
        },
        "location": _location(alert),
        "address": _address(alert, cameras, center),
        # A duress alert: whoever forced the cancel may hold the phone. Units must not call it.
        "person": {"name": citizen.name, "phone": citizen.phone, "do_not_call": alert.is_duress},
        "reason": escalation.reason,
        "notes": _notes(alert),
        "cameras": [_camera(camera, ranks) for camera in cameras],
        "center": {"code": center.code, "name": center.name, "phone": center.phone} if center else None,
        "operator": {"name": _name(operator)},
        "requested_at": escalation.created_at.isoformat(),
        "callback_url": config.callback_url(),
        "sent_at": timezone.now().isoformat(),
    }
