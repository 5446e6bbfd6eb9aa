"""Read-mostly admin of alerts and trips: the console is where alerts are worked, this is for
looking things up. Positions are shown as coordinates, not edited."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from alerts import timeline
from alerts.admin_holds import hold_view, may_manage_holds
from alerts.holds import hold_reasons, holding_alerts, release_takes_effect_at
from alerts.models import Alert, AlertEvent, Escalation, RetentionRun, Trip
from alerts.status import location_age_s
from alerts.timeline_display import describe
from operators.audit import PersonalDataAdminMixin


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    verbose_name = _("timeline entry")
    verbose_name_plural = _("timeline")
    fields = ["created_at", "event", "by", "details"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the timeline is append-only, written by actions

    @admin.display(description=_("event"))
    def event(self, event: AlertEvent) -> str:
        return timeline.label(event.kind)  # the registry's name, never the raw key

    @admin.display(description=_("by"))
    def by(self, event: AlertEvent) -> str:
        actor = event.actor
        return (actor.get_full_name() or actor.username) if actor else str(_("System"))

    @admin.display(description=_("details"))
    def details(self, event: AlertEvent) -> str:
        rows = describe(event.data)
        return format_html_join(mark_safe("<br>"), "{}: {}", rows) if rows else "-"


class EscalationInline(admin.TabularInline):
    model = Escalation
    verbose_name_plural = _("requests to police and fire")
    fields = ["created_at", "agency", "reason", "requested_by", "delivery_status", "attempts", "last_error",
              "delivered_at", "status", "status_at", "external_reference", "alarm_at", "phoned_at",
              "phoned_by", "phone_reference"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # made from the console only


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _coordinates(point: object) -> str:
    return f"{point.y:.6f}, {point.x:.6f}" if point is not None else "-"


class RetentionHoldFilter(admin.SimpleListFilter):
    title = _("retention hold")
    parameter_name = "hold"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("held", _("held")), ("released", _("released")), ("none", _("no hold"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Alert]) -> QuerySet[Alert] | None:
        holding = holding_alerts().values("pk")
        if self.value() == "held":
            return queryset.filter(pk__in=holding, hold_released_at__isnull=True)
        if self.value() == "released":
            return queryset.filter(pk__in=holding, hold_released_at__isnull=False)
        if self.value() == "none":
            return queryset.exclude(pk__in=holding)
        return None


@admin.register(Alert)
class AlertAdmin(PersonalDataAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "kind", "status", "is_duress", "priority", "center", "out_of_area", "citizen",
                    "created_at"]
    list_filter = ["kind", "status", "is_duress", "out_of_area", "center", RetentionHoldFilter]
    list_select_related = ["center", "citizen"]
    date_hierarchy = "created_at"
    inlines = [EscalationInline, AlertEventInline]
    fields = ["citizen", "client_id", "kind", "trigger", "status", "is_duress", "priority", "trip", "center",
              "out_of_area", "border_centers", "position", "accuracy", "location_source",
              "location_recorded_at", "location_age", "claimed_by", "claimed_at", "closed_at", "disposition",
              "cancelled_at", "retention_hold", "reduced_at", "created_at", "updated_at"]
    readonly_fields = fields

    def audit_subject(self, alert: Alert) -> int | None:
        return alert.citizen_id

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.hold_view)
        return [path("<int:pk>/hold/", view, name="alerts_alert_hold"), *super().get_urls()]

    def hold_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return hold_view(self, request, pk)

    @admin.display(description=_("retention hold"))
    def retention_hold(self, alert: Alert) -> str:
        reasons = hold_reasons(alert)
        if not reasons:
            return str(_("none"))
        if alert.hold_released_at is not None:
            at = formats.date_format(timezone.localtime(release_takes_effect_at(alert)), "DATETIME_FORMAT")
            return str(_("released; takes effect %(at)s") % {"at": at})
        return str(_("held: %(why)s") % {"why": ", ".join(reasons)})

    def render_change_form(self, request: HttpRequest, context: dict, *args: object,
                           **kwargs: object) -> TemplateResponse:
        # The "Retention hold" button (change_form.html) only for those who may use its page.
        context["may_manage_holds"] = may_manage_holds(request)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description=_("priority"))
    def priority(self, alert: Alert) -> int:
        return alert.operator_priority

    @admin.display(description=_("position (lat, lon)"))
    def position(self, alert: Alert) -> str:
        return _coordinates(alert.location)

    @admin.display(description=_("location age (s)"))
    def location_age(self, alert: Alert) -> int | None:
        return location_age_s(alert)


@admin.register(Trip)
class TripAdmin(PersonalDataAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "citizen", "status", "destination_name", "expected_arrival", "started_at",
                    "arrived_at"]
    list_filter = ["status"]
    list_select_related = ["citizen"]
    fields = ["citizen", "status", "destination_point", "destination_name", "expected_arrival", "started_at",
              "arrived_at", "ended_at", "overdue_at", "last_position", "last_location_at"]
    readonly_fields = fields

    def audit_subject(self, trip: Trip) -> int | None:
        return trip.citizen_id

    @admin.display(description=_("destination (lat, lon)"))
    def destination_point(self, trip: Trip) -> str:
        return _coordinates(trip.destination)

    @admin.display(description=_("last location (lat, lon)"))
    def last_position(self, trip: Trip) -> str:
        return _coordinates(trip.last_location)


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """What each daily retention run did (counts only, never whose): docs/retention.md."""

    list_display = ["started_at", "finished_at", "cutoff", "alert_fixes_deleted", "trip_fixes_deleted",
                    "alerts_reduced", "trips_reduced", "alerts_held", "last_locations_cleared"]
    fields = list_display
    readonly_fields = fields
    date_hierarchy = "started_at"
