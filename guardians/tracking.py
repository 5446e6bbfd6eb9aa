"""Signed tracking links for guardians: ``/t/<token>/`` shows one trip or alert of one citizen.

The token is ``django.core.signing`` output (HMAC with SECRET_KEY and our salt) carrying the
guardian id and the trip or alert id: it can't be guessed or edited. It stops working when the
guardian declines or is deleted, when staff revoke the guardian's links (only links signed before
``Guardian.tracking_revoked_at``: the signer's timestamp says when a link was made), and an hour
after the trip or alert has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core import signing
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertStatus, Disclosure, DisclosureRecipient, Trip, TripStatus
from citizens.models import Citizen
from guardians.models import Guardian, TrackingView
from hwaseong_safety.phones import mask
from operators.models import Center

SALT = "guardians.tracking.v1"
VIEW_PURPOSE = "tracking_view"  # Disclosure.purpose of one opening of the page
GRACE_AFTER_END = timedelta(hours=1)
TRAIL_POINTS = 50  # the recent trail drawn on the guardian's map
# Openings of one link with no more than this between them (the page polls every few seconds
# while open) are one viewing session: one disclosure, not one per reload.
VIEW_SESSION_GAP = timedelta(minutes=30)

TRIP_STATUS_KO = {
    TripStatus.ACTIVE: "귀가 중",
    TripStatus.ARRIVED: "도착 완료",
    TripStatus.OVERDUE: "도착 예정 시간 초과",
    TripStatus.ENDED: "귀가 종료",
}
ALERT_STATUS_KO = {  # "dispatched" only once an agency has the case (alerts/dispatch/alarm.py)
    AlertStatus.RECEIVED: "긴급 신고 접수",
    AlertStatus.CLAIMED: "관제센터 확인 중",
    AlertStatus.ACKNOWLEDGED: "관제센터 확인",
    AlertStatus.DISPATCHED: "경찰·소방 출동 요청됨",
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
    accuracy: float | None = None


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

    def center(self) -> Center | None:
        """The center watching: the alert's, else (a trip) the citizen's home center. Name and
        phone only: a center's boundary is thousands of vertices."""
        center_id = self.alert.center_id if self.alert is not None else self.citizen.home_center_id
        return Center.objects.only("name", "phone").filter(pk=center_id).first() if center_id else None

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
        else:
            own = _position(self.alert.location, self.alert.location_recorded_at, self.alert.accuracy)
        row = self._trail_rows().order_by("-recorded_at", "-id").first()
        trail = _position(row.location, row.recorded_at, row.accuracy) if row is not None else None
        # The trail row first: on a tie it wins, as it carries the accuracy (a trip's own copy doesn't).
        candidates = [p for p in (trail, own) if p is not None]
        return max(candidates, key=lambda p: p.recorded_at) if candidates else None

    def trail(self, limit: int = TRAIL_POINTS) -> list[Point]:
        """The newest ``limit`` trail points, oldest first (the order a line is drawn in)."""
        rows = self._trail_rows().order_by("-recorded_at", "-id").values_list("location", flat=True)[:limit]
        return list(reversed(rows))

    def destination(self) -> tuple[Point, str] | None:
        """The trip's destination; an alert raised during a trip shows that trip's."""
        trip = self.trip if self.trip is not None else self.alert.trip
        return (trip.destination, trip.destination_name) if trip is not None else None

    def _trail_rows(self) -> QuerySet:  # of TripLocation or AlertLocation
        return self.trip.locations.all() if self.trip is not None else self.alert.locations.all()


def _position(point: Point | None, at: datetime | None, accuracy: float | None = None) -> Position | None:
    return Position(point, at, accuracy) if point is not None and at is not None else None


def _signed_at(token: str) -> datetime:
    """When the (already verified) token was made: ``signing.dumps`` is a TimestampSigner, whose
    output ends ``:<base62 seconds>:<signature>``."""
    return datetime.fromtimestamp(signing.b62_decode(token.rsplit(":", 2)[-2]), tz=UTC)


def resolve_tracking_token(token: str) -> TrackingTarget | None:
    """The target of a live link, or None: bad signature, declined, deleted or revoked guardian, gone,
    or expired."""
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
    # Revocation wins ties (both are whole seconds in the token): a link made in the very second
    # of the revocation is dead too.
    revoked = guardian.tracking_revoked_at
    if revoked is not None and _signed_at(token) <= revoked:
        return None
    # Scoped to the guardian's own citizen: a link can only ever show that person.
    if isinstance(payload.get("t"), int):
        trip = Trip.objects.filter(pk=payload["t"], citizen_id=guardian.citizen_id).first()
        target = TrackingTarget(guardian, trip=trip) if trip is not None else None
    elif isinstance(payload.get("a"), int):
        alert = (
            Alert.objects.select_related("trip")
            .filter(pk=payload["a"], citizen_id=guardian.citizen_id).first()
        )
        target = TrackingTarget(guardian, alert=alert) if alert is not None else None
    else:
        return None
    if target is None or target.is_expired():
        return None
    return target


# --- the disclosure log ------------------------------------------------------------------------

def record_opening(target: TrackingTarget) -> TrackingView:
    """An opening of the page shows the location to the guardian: a Disclosure (위치정보 제3자 제공
    기록, the citizen sees it in the app), with the TrackingView that counts the polls after it."""
    guardian = target.guardian
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            citizen=target.citizen,
            recipient_kind=DisclosureRecipient.GUARDIAN,
            recipient=f"{guardian.name} {mask(guardian.phone)}"[:100],
            purpose=VIEW_PURPOSE,
            trip=target.trip,
            alert=target.alert,
        )
        return TrackingView.objects.create(disclosure=disclosure, guardian=guardian)


def _views_of(target: TrackingTarget) -> QuerySet[TrackingView]:
    return TrackingView.objects.filter(
        guardian=target.guardian, disclosure__trip=target.trip, disclosure__alert=target.alert
    )


def open_view(target: TrackingTarget) -> TrackingView:
    """The page opened: the viewing session's TrackingView. A reload (or a second tab) while the
    link's last opening is still active (opened or polled within VIEW_SESSION_GAP) continues it,
    so reloading the page can't write a disclosure row per request; after a pause it is a new
    opening with its own disclosure."""
    latest = _views_of(target).order_by("-opened_at", "-id").first()
    if latest is not None:
        last_seen = max(latest.opened_at, latest.last_poll_at or latest.opened_at)
        if last_seen >= timezone.now() - VIEW_SESSION_GAP:
            return latest
    return record_opening(target)


def record_poll(target: TrackingTarget, view_id: int | None) -> None:
    """Count one JSON poll on the opening it came from (the page sends its view id), else on the
    newest opening of this link's guardian and target. A poll with no opening at all (the JSON
    fetched by hand) did disclose the location, so it is recorded as an opening first."""
    views = _views_of(target)
    counted = {"polls": F("polls") + 1, "last_poll_at": timezone.now()}
    if view_id is not None and views.filter(pk=view_id).update(**counted):
        return
    latest = views.order_by("-opened_at", "-id").values_list("pk", flat=True).first()
    if latest is None:
        latest = record_opening(target).pk
    TrackingView.objects.filter(pk=latest).update(**counted)
