"""Shapes of the operator console (docs/console-protocol.md): one Alert object for pushes,
snapshot, queue, detail and action answers; request bodies of the actions."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from alerts import timeline
from alerts.api.serializers import CenterBriefSerializer
from alerts.dispatch import config as dispatch_config
from alerts.dispatch.alarm import call_sheet, problem
from alerts.models import Alert, AlertEvent, AlertStatus, Escalation, EscalationAgency, Trip, TripStatus
from alerts.status import app_status, is_stale, location_age_s
from cameras.api import NearbyCameraSerializer
from cameras.nearby import nearest_camera_rows
from hwaseong_safety.phones import mask
from operators.models import User

UNKNOWN_CENTER = _("No linked center has this code.")
DISPOSITIONS = ("false_alarm", "safe", "crime", "fire_disaster", "medical", "other")


def user_brief(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.username}


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LatLonSerializer(serializers.Serializer):
    latitude = serializers.FloatField(source="y")
    longitude = serializers.FloatField(source="x")


class CitizenBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()


class TripSummarySerializer(serializers.ModelSerializer):
    # Plain strings, not model enums: several "status" enums would collide in the OpenAPI document.
    status = serializers.CharField(help_text="active, arrived, overdue, ended")
    destination = LatLonSerializer()

    class Meta:
        model = Trip
        fields = ["id", "status", "destination_name", "destination", "expected_arrival", "overdue_at"]


class ConsoleAlertSerializer(serializers.ModelSerializer):
    """Staff-only: carries the citizen's name and phone, so it is built per socket, never in Redis."""

    status = serializers.SerializerMethodField()
    app_status = serializers.SerializerMethodField()
    priority = serializers.SerializerMethodField()
    is_open = serializers.BooleanField(read_only=True, help_text=(
        "In the operators' queue (Alert.is_open): false once it leaves it; the console drops it then"))
    center = CenterBriefSerializer(allow_null=True)
    border_centers = CenterBriefSerializer(many=True)
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    location_age_s = serializers.SerializerMethodField()
    location_stale = serializers.SerializerMethodField()
    address = serializers.CharField(read_only=True, help_text=(
        "시·구·읍면동 and the nearest known road address with its distance, e.g. "
        "\"화성시 남양읍 · 시청로201번길 5-14 부근 40 m\"; empty without a position"))
    received_at = serializers.DateTimeField(source="created_at")
    claimed_by = serializers.SerializerMethodField()
    citizen = CitizenBriefSerializer()
    trip = TripSummarySerializer(allow_null=True)

    class Meta:
        model = Alert
        fields = [
            "id", "kind", "trigger", "status", "app_status", "is_duress", "priority", "is_open", "center",
            "out_of_area", "border_centers", "latitude", "longitude", "accuracy", "location_age_s",
            "location_stale", "address",
            "received_at", "updated_at", "claimed_by", "claimed_at", "closed_at", "disposition", "citizen",
            "trip", "dispatch_alarm",
        ]

    def get_status(self, alert: Alert) -> str:
        # Staff must always see that a duress alert is live, whatever the app shows.
        if alert.is_duress and alert.status == AlertStatus.CANCELLED:
            return AlertStatus.RECEIVED
        return alert.status

    def get_app_status(self, alert: Alert) -> str:
        return app_status(alert)

    def get_priority(self, alert: Alert) -> int:
        return alert.operator_priority

    def get_latitude(self, alert: Alert) -> float | None:
        return alert.location.y if alert.location else None

    def get_longitude(self, alert: Alert) -> float | None:
        return alert.location.x if alert.location else None

    def get_location_age_s(self, alert: Alert) -> int | None:
        return location_age_s(alert)

    def get_location_stale(self, alert: Alert) -> bool:
        return is_stale(alert)

    def get_claimed_by(self, alert: Alert) -> dict | None:
        return user_brief(alert.claimed_by)


class TimelineEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField(help_text="The kind's name in the request's language.")
    alarms = serializers.SerializerMethodField(help_text="Whether the kind is an alarm (alerts.timeline).")

    class Meta:
        model = AlertEvent
        fields = ["id", "kind", "label", "alarms", "actor", "data", "created_at"]

    def get_label(self, event: AlertEvent) -> str:
        return timeline.label(event.kind)

    def get_alarms(self, event: AlertEvent) -> bool:
        kind = timeline.KINDS.get(event.kind)
        return bool(kind and kind.alarms)

    def get_actor(self, event: AlertEvent) -> dict | None:
        return user_brief(event.actor)


class EscalationSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(help_text="police or fire")
    status = serializers.CharField(
        help_text="the agency's status: requested, received, dispatched, on_scene, closed"
    )
    delivery_status = serializers.CharField(help_text="pending, delivered, failed or not_linked")
    requested_by = serializers.SerializerMethodField()
    phoned_by = serializers.SerializerMethodField()
    problem = serializers.SerializerMethodField(
        help_text="null, or why the operator must phone the agency: not_linked, failed, overdue")

    class Meta:
        model = Escalation
        fields = ["id", "agency", "reason", "repeat_reason", "status", "delivery_status", "attempts",
                  "last_error", "delivered_at", "external_reference", "status_at", "requested_by",
                  "created_at", "problem", "alarm_at", "phoned_at", "phoned_by", "phone_reference"]

    def get_requested_by(self, escalation: Escalation) -> dict | None:
        return user_brief(escalation.requested_by)

    def get_phoned_by(self, escalation: Escalation) -> dict | None:
        return user_brief(escalation.phoned_by)

    def get_problem(self, escalation: Escalation) -> str | None:
        return problem(escalation)


class ActionResultSerializer(serializers.Serializer):
    alert = ConsoleAlertSerializer()
    event = TimelineEventSerializer(allow_null=True)


class EscalateResultSerializer(ActionResultSerializer):
    escalations = EscalationSerializer(many=True)


class NoteResultSerializer(serializers.Serializer):
    event = TimelineEventSerializer()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["claimed", "finished", "same_center", "already_requested",
                                            "not_requested"])
    claimed_by = UserBriefSerializer(allow_null=True)
    status = serializers.CharField()


class EmptySerializer(serializers.Serializer):
    pass


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, trim_whitespace=True)


class EscalateSerializer(serializers.Serializer):
    agencies = serializers.ListField(child=serializers.ChoiceField(choices=EscalationAgency.choices),
                                     min_length=1, max_length=2)
    reason = serializers.CharField(max_length=500)
    repeat_reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", trim_whitespace=True,
        help_text="Required to ask an agency already asked for this alert: why a new request.")

    def validate_agencies(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError(_("Each agency may be named once."))
        return value


class PhonedSerializer(serializers.Serializer):
    # The callback's choice set: one "agency" enum in the OpenAPI document.
    agency = serializers.ChoiceField(choices=dispatch_config.AGENCIES)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                      help_text="The agency's case number or call-taker, if given.")
    called_at = serializers.DateTimeField(required=False, help_text="When the call was made; default now.")

    def validate_called_at(self, value: datetime) -> datetime:
        if value > timezone.now() + timedelta(minutes=1):
            raise serializers.ValidationError(_("The call cannot be in the future."))
        if value < timezone.now() - timedelta(days=1):
            raise serializers.ValidationError(_("The call must be within the last day."))
        return value


class TransferSerializer(serializers.Serializer):
    center = serializers.CharField(max_length=10, help_text=_("Code of the center to hand the alert to."))


class CloseSerializer(serializers.Serializer):
    disposition = serializers.ChoiceField(choices=DISPOSITIONS)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class GuardianBriefSerializer(serializers.Serializer):
    name = serializers.CharField()
    relation = serializers.CharField()
    phone = serializers.SerializerMethodField()

    def get_phone(self, guardian: object) -> str:
        return mask(guardian.phone)


class EarlierAlertSerializer(serializers.ModelSerializer):
    kind = serializers.CharField()
    status = serializers.CharField()
    received_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Alert
        fields = ["id", "kind", "status", "is_duress", "received_at", "disposition"]


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    guardians = GuardianBriefSerializer(many=True)
    active_trip = TripSummarySerializer(allow_null=True)
    earlier_alerts = EarlierAlertSerializer(many=True)


class TrailPointSerializer(serializers.Serializer):
    latitude = serializers.FloatField(source="location.y")
    longitude = serializers.FloatField(source="location.x")
    accuracy = serializers.FloatField(allow_null=True)
    source = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class CallSheetRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class AlertDetailSerializer(serializers.Serializer):
    """GET alerts/{id}/: everything an operator needs on one screen. Built by ``alert_detail``."""

    alert = ConsoleAlertSerializer()
    person = PersonSerializer()
    trail = TrailPointSerializer(many=True)
    timeline = TimelineEventSerializer(many=True)
    escalations = EscalationSerializer(many=True)
    call_sheet = CallSheetRowSerializer(many=True, help_text="What to read out when phoning 112/119.")
    cameras = NearbyCameraSerializer(many=True)


TRAIL_POINTS = 200
EARLIER_ALERTS = 20


def alert_detail(alert: Alert) -> dict:
    citizen = alert.citizen
    trail = list(alert.locations.order_by("-recorded_at", "-id")[:TRAIL_POINTS])[::-1]
    person = {
        "name": citizen.name, "phone": citizen.phone,
        "guardians": citizen.guardians.filter(declined_at__isnull=True),
        "active_trip": citizen.trips.filter(status=TripStatus.ACTIVE).first(),
        "earlier_alerts": citizen.alerts.exclude(pk=alert.pk).order_by("-created_at", "-id")[:EARLIER_ALERTS],
    }
    data = AlertDetailSerializer({
        "alert": alert, "person": person, "trail": trail,
        "timeline": alert.events.select_related("actor"),
        "escalations": alert.escalations.select_related("requested_by", "phoned_by"),
        "call_sheet": call_sheet(alert),
        "cameras": [],
    }).data
    # The nearest-camera API's own rows (one SQL statement), not Camera objects re-serialised.
    if alert.location is not None:
        data["cameras"] = nearest_camera_rows(
            alert.location.x, alert.location.y, limit=settings.NEAREST_CAMERAS_DEFAULT,
            radius=settings.NEAREST_CAMERAS_RADIUS_METERS)
    return data
