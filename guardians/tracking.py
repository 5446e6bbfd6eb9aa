"""Signed tracking links for guardians: ``/t/<token>/`` shows one trip or alert of one citizen.

The token is ``django.core.signing`` output (HMAC with SECRET_KEY and our salt) carrying the
guardian id and the trip or alert id: it can't be guessed or edited. It stops working when the
guardian declines, and an hour after the trip or alert has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertStatus, Trip, TripStatus
from guardians.models import Citizen, Guardian

SALT = "guardians.tracking.v1"
GRACE_AFTER_END = timedelta(hours=1)

TRIP_STATUS_KO = {
    TripStatus.ACTIVE: "귀가 중",
    TripStatus.ARRIVED: "도착 완료",
    TripStatus.OVERDUE: "도착 예정 시간 초과",
    TripStatus.ENDED: "귀가 종료",
}
ALERT_STATUS_KO = {
    AlertStatus.RECEIVED: "긴급 신고 접수",
    AlertStatus.CLAIMED: "관제센터 확인 중",
    AlertStatus.ACKNOWLEDGED: "관제센터 확인",
    AlertStatus.DISPATCHED: "출동 요청",
    AlertStatus.CLOSED: "상황 종료",
    AlertStatus.CANCELLED: "신고 취소",
}


def tracking_token(guardian: Guardian, *, trip: Trip | None = None, alert: Alert | None = None) -> str:
    if (trip is None) == (alert is None):
        raise ValueError("give exactly one of trip or alert")
    payload = {"g": guardian.pk, "t": trip.pk} if trip is not None else {"g": guardian.pk, "a": alert.pk}
    return signing.dumps(payload, salt=SALT, compress=True)


def tracking_url(guardian: Guardian, *, trip: Trip | None = None, alert: Alert | None = None) -> str:
    """Absolute link (``settings.SITE_URL``) to the guardian's tracking page."""
    token = tracking_token(guardian, trip=trip, alert=alert)
    return settings.SITE_URL + reverse("guardian-tracking", args=[token])


@dataclass(frozen=True)
class Position:
    point: Point
    recorded_at: datetime


@dataclass(frozen=True)
class TrackingTarget:
    guardian: Guardian
    trip: Trip | None = None
    alert: Alert | None = None

    @property
    def citizen(self) -> Citizen:
        return self.guardian.citizen

    @property
    def kind(self) -> str:
        return "trip" if self.trip is not None else "alert"

    @property
    def status_ko(self) -> str:
        if self.trip is not None:
            return TRIP_STATUS_KO.get(self.trip.status, self.trip.status)
        return ALERT_STATUS_KO.get(self.alert.status, self.alert.status)

    @property
    def ended_at(self) -> datetime | None:
        """When the trip or alert ended; None while it goes on."""
        if self.trip is not None:
            trip = self.trip
            if trip.status == TripStatus.ARRIVED:
                return trip.arrived_at or trip.ended_at or trip.started_at
            if trip.status == TripStatus.ENDED:
                return trip.ended_at or trip.arrived_at or trip.started_at
            return None
        alert = self.alert
        if alert.status == AlertStatus.CLOSED:
            return alert.closed_at or alert.updated_at
        if alert.status == AlertStatus.CANCELLED:
            return alert.cancelled_at or alert.updated_at
        return None

    def is_expired(self, now: datetime | None = None) -> bool:
        ended = self.ended_at
        return ended is not None and (now or timezone.now()) >= ended + GRACE_AFTER_END

    def last_position(self) -> Position | None:
        """The newest of the object's own last position and its newest trail row."""
        if self.trip is not None:
            own = _position(self.trip.last_location, self.trip.last_location_at)
            row = self.trip.locations.order_by("-recorded_at", "-id").first()
        else:
            own = _position(self.alert.location, self.alert.location_recorded_at)
            row = self.alert.locations.order_by("-recorded_at", "-id").first()
        trail = _position(row.location, row.recorded_at) if row is not None else None
        candidates = [p for p in (own, trail) if p is not None]
        return max(candidates, key=lambda p: p.recorded_at) if candidates else None


def _position(point: Point | None, at: datetime | None) -> Position | None:
    return Position(point, at) if point is not None and at is not None else None


def resolve_tracking_token(token: str) -> TrackingTarget | None:
    """The target of a live link, or None: bad signature, declined guardian, gone, or expired."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("g"), int):
        return None
    guardian = (
        Guardian.objects.select_related("citizen")
        .filter(pk=payload["g"], declined_at__isnull=True, citizen__is_active=True).first()
    )
    if guardian is None:
        return None
    # Scoped to the guardian's own citizen: a link can only ever show that person.
    if isinstance(payload.get("t"), int):
        trip = Trip.objects.filter(pk=payload["t"], citizen_id=guardian.citizen_id).first()
        target = TrackingTarget(guardian, trip=trip) if trip is not None else None
    elif isinstance(payload.get("a"), int):
        alert = Alert.objects.filter(pk=payload["a"], citizen_id=guardian.citizen_id).first()
        target = TrackingTarget(guardian, alert=alert) if alert is not None else None
    else:
        return None
    if target is None or target.is_expired():
        return None
    return target
