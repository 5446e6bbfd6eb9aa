"""Request and response shapes of the app's trip and SOS endpoints."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.locations import FiniteFloatField, Fix, LocationSerializer
from alerts.models import Alert, AlertTrigger, Trip
from alerts.status import APP_STATUSES, app_status, app_updated_at, status_label

TRIP_MAX_DURATION = timedelta(hours=12)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class CenterBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PointSerializer(serializers.Serializer):
    latitude = FiniteFloatField(min_value=-90, max_value=90)
    longitude = FiniteFloatField(min_value=-180, max_value=180)

    def to_internal_value(self, data: object) -> Point:  # type: ignore[override]
        values = super().to_internal_value(data)
        return Point(values["longitude"], values["latitude"], srid=4326)

    def to_representation(self, point: Point) -> dict:
        return {"latitude": point.y, "longitude": point.x}


class ClockFixedLocation:
    """A fix whose time could not be believed: the point is kept, received now."""

    def __init__(self, fix: Fix, errors: object) -> None:
        self.fix, self.errors = fix, errors


class RejectedLocation:
    """A location the SOS came with but that did not validate: the SOS is kept all the same."""

    def __init__(self, errors: object) -> None:
        self.errors = errors


@extend_schema_field(LocationSerializer(allow_null=True))
class LenientLocationField(serializers.Field):
    """An SOS is never refused for its location: a malformed one counts as no fix (its errors are
    kept on the alert's timeline so the app's bug can be found)."""

    def to_internal_value(self, data: object) -> Fix | RejectedLocation:
        location = LocationSerializer(data=data)
        if location.is_valid():
            return location.validated_data
        # A phone whose clock is wrong (stuck in 1970, hours ahead) still knows where it is: keep
        # the point, timed when we received it, and the clock error on the timeline.
        if set(location.errors) == {"recorded_at"} and isinstance(data, Mapping):
            untimed = LocationSerializer(data={k: v for k, v in data.items() if k != "recorded_at"})
            if untimed.is_valid():
                return ClockFixedLocation(untimed.validated_data, location.errors)
        return RejectedLocation(location.errors)

    def to_representation(self, value: object) -> None:
        return None


class SosCreateSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(help_text=_("Made by the app per SOS; a retry sends the same one."))
    trigger = serializers.ChoiceField(
        choices=[c for c in AlertTrigger.choices if c[0] != AlertTrigger.TIMER], default=AlertTrigger.OTHER)
    location = LenientLocationField(
        required=False, allow_null=True, default=None,
        help_text=_("Where the phone is, or null without a fix. A malformed location is treated as none: "
                    "the SOS is accepted all the same."))
    trip = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                    help_text=_("The active trip, if any; an unknown id is ignored."))

    def to_internal_value(self, data: object) -> dict:
        # Like the location, a malformed trip id (0, "abc", 1.5) must not cost the SOS: no trip.
        if isinstance(data, Mapping) and "trip" in data:
            try:
                self.fields["trip"].run_validation(data["trip"])
            except serializers.ValidationError:
                data = {key: data[key] for key in data if key != "trip"}
        return super().to_internal_value(data)


# Wrapped in allOf so drf-spectacular keeps it inline: as a shared "status" enum component it would
# collide with the models' status enums (a schema warning, which fails ``check --deploy``).
@extend_schema_field({"allOf": [{"type": "string", "enum": list(APP_STATUSES)}],
                      "description": "received, in_progress (claimed or acknowledged, or police/fire asked "
                                     "but not reached yet), dispatched (police or fire has the case: the "
                                     "request was delivered or the center phoned them), closed, cancelled. "
                                     "A duress alert is always cancelled."})
class AppStatusField(serializers.CharField):
    """The app's coarse status, not the model's."""


class SosCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = AppStatusField()
    center = CenterBriefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()

    def to_representation(self, alert: Alert) -> dict:
        return {
            "id": alert.pk,
            "status": app_status(alert),
            "center": {"code": alert.center.code, "name": alert.center.name} if alert.center else None,
            "created_at": serializers.DateTimeField().to_representation(alert.created_at),
        }


class AlertSerializer(SosCreatedSerializer):
    """The app's view of an alert. Built only from what a real cancel and a duress cancel share."""

    status_label = serializers.CharField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, alert: Alert) -> dict:
        body = super().to_representation(alert)
        return {
            "id": body["id"], "status": body["status"], "status_label": status_label(alert),
            "center": body["center"], "created_at": body["created_at"],
            "updated_at": serializers.DateTimeField().to_representation(app_updated_at(alert)),
        }


class CancelSerializer(serializers.Serializer):
    pin = serializers.CharField(required=False, allow_blank=True, default="", max_length=32,
                                trim_whitespace=False,
                                help_text=_("The cancel PIN; not needed if the user has none."))


class AcceptedSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text=_("How many locations were received."))


class TripCreateSerializer(serializers.Serializer):
    location = LocationSerializer()
    destination = PointSerializer()
    destination_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    expected_arrival = serializers.DateTimeField()

    def validate_expected_arrival(self, value: object) -> object:
        now = timezone.now()
        if value <= now:
            raise serializers.ValidationError(_("Must be in the future."))
        if value > now + TRIP_MAX_DURATION:
            raise serializers.ValidationError(_("Must be within 12 hours."))
        return value


class TripSerializer(serializers.ModelSerializer):
    destination = PointSerializer()
    last_location = PointSerializer(allow_null=True)

    class Meta:
        model = Trip
        fields = ["id", "status", "destination", "destination_name", "expected_arrival", "started_at",
                  "arrived_at", "last_location", "last_location_at"]
        read_only_fields = fields
