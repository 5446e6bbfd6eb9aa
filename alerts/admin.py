"""Read-mostly admin of alerts and trips: the console is where alerts are worked, this is for
looking things up. Positions are shown as coordinates, not edited."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert, AlertEvent, Trip
from alerts.status import location_age_s, operator_priority


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    fields = ["created_at", "kind", "actor", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the timeline is append-only, written by actions


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _coordinates(point: object) -> str:
    return f"{point.y:.6f}, {point.x:.6f}" if point is not None else "-"


@admin.register(Alert)
class AlertAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "kind", "status", "is_duress", "priority", "center", "out_of_area", "citizen",
                    "created_at"]
    list_filter = ["kind", "status", "is_duress", "out_of_area", "center"]
    list_select_related = ["center", "citizen"]
    date_hierarchy = "created_at"
    inlines = [AlertEventInline]
    fields = ["citizen", "client_id", "kind", "trigger", "status", "is_duress", "priority", "trip", "center",
              "out_of_area", "border_centers", "position", "accuracy", "location_source",
              "location_recorded_at", "location_age", "claimed_by", "claimed_at", "closed_at", "disposition",
              "cancelled_at", "created_at", "updated_at"]
    readonly_fields = fields

    @admin.display(description=_("priority"))
    def priority(self, alert: Alert) -> int:
        return operator_priority(alert)

    @admin.display(description=_("position (lat, lon)"))
    def position(self, alert: Alert) -> str:
        return _coordinates(alert.location)

    @admin.display(description=_("location age (s)"))
    def location_age(self, alert: Alert) -> int | None:
        return location_age_s(alert)


@admin.register(Trip)
class TripAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "citizen", "status", "destination_name", "expected_arrival", "started_at",
                    "arrived_at"]
    list_filter = ["status"]
    list_select_related = ["citizen"]
    fields = ["citizen", "status", "destination_point", "destination_name", "expected_arrival", "started_at",
              "arrived_at", "ended_at", "overdue_at", "last_position", "last_location_at"]
    readonly_fields = fields

    @admin.display(description=_("destination (lat, lon)"))
    def destination_point(self, trip: Trip) -> str:
        return _coordinates(trip.destination)

    @admin.display(description=_("last location (lat, lon)"))
    def last_position(self, trip: Trip) -> str:
        return _coordinates(trip.last_location)
