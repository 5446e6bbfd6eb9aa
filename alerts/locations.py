"""The Location object used everywhere in the app API (after AML / PIDF-LO: point, radius, method,
time). Bad input is a 400 that names the field and stores nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from alerts.models import LocationSource

MAX_FUTURE = timedelta(minutes=5)
# Older fixes are no position to act on, and a date before 1908 would come back in Seoul's
# local mean time (+08:27:52), which is no RFC 3339 offset.
MAX_AGE = timedelta(hours=24)
MAX_ACCURACY_M = 100_000


@dataclass(frozen=True)
class Fix:
    point: Point
    accuracy: float | None
    source: str
    recorded_at: datetime

    @property
    def latitude(self) -> float:
        return self.point.y

    @property
    def longitude(self) -> float:
        return self.point.x


class FiniteFloatField(serializers.FloatField):
    def to_internal_value(self, data: object) -> float:
        if isinstance(data, bool):  # JSON true would otherwise become 1.0
            self.fail("invalid")
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            raise serializers.ValidationError(_("A finite number is required."))
        return value


class LocationSerializer(serializers.Serializer):
    latitude = FiniteFloatField(min_value=-90, max_value=90)
    longitude = FiniteFloatField(min_value=-180, max_value=180)
    accuracy = FiniteFloatField(min_value=0, max_value=MAX_ACCURACY_M, required=False, allow_null=True)
    source = serializers.ChoiceField(choices=LocationSource.choices, default=LocationSource.UNKNOWN)
    recorded_at = serializers.DateTimeField(required=False)

    def validate_recorded_at(self, value: datetime) -> datetime:
        now = timezone.now()
        if value > now + MAX_FUTURE:
            raise serializers.ValidationError(_("Must not be more than 5 minutes in the future."))
        if value < now - MAX_AGE:
            raise serializers.ValidationError(_("Must be within the last 24 hours."))
        return value

    def to_internal_value(self, data: object) -> Fix:  # type: ignore[override]
        values = super().to_internal_value(data)
        return Fix(
            point=Point(values["longitude"], values["latitude"], srid=4326),
            accuracy=values.get("accuracy"),
            source=values["source"],
            recorded_at=values.get("recorded_at") or timezone.now(),
        )

    def to_representation(self, fix: Fix) -> dict:
        return {
            "latitude": fix.latitude,
            "longitude": fix.longitude,
            "accuracy": fix.accuracy,
            "source": fix.source,
            "recorded_at": serializers.DateTimeField().to_representation(fix.recorded_at),
        }


class LocationBatchSerializer(serializers.Serializer):
    """1–100 fixes at once, for phones that batch on flaky networks."""

    locations = LocationSerializer(many=True, min_length=1, max_length=100)
