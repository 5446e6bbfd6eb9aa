"""Trips and alerts for the tracking and notify tests (real rows; the alerts app owns the logic)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.gis.geos import Point
from django.utils import timezone

from alerts.models import Alert, Trip
from guardians.models import Citizen, Guardian, decline_digest


def make_guardian(citizen: Citizen, phone: str = "01022223333", name: str = "보호자") -> Guardian:
    return Guardian.objects.create(citizen=citizen, name=name, phone=phone,
                                   decline_token=decline_digest(f"tok-{phone}"))


def decline_path(guardian: Guardian) -> str:
    """The link in the guardian's SMS (``make_guardian``'s token; only its digest is stored)."""
    return f"/g/decline/tok-{guardian.phone}/"


def make_trip(citizen: Citizen, **fields: object) -> Trip:
    fields.setdefault("destination", Point(126.8313, 37.1995, srid=4326))
    fields.setdefault("expected_arrival", timezone.now() + timedelta(minutes=30))
    return Trip.objects.create(citizen=citizen, **fields)


def make_alert(citizen: Citizen, **fields: object) -> Alert:
    return Alert.objects.create(citizen=citizen, **fields)
