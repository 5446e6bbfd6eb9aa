"""Admin of the camera inventory: standard data, operations, lifecycle history, import/export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cameras.admin_views import export_response, import_view
from cameras.forms import CameraAdminForm
from cameras.models import Camera, CameraEvent, EventKind, Status
from operators.audit import AuditedAdminMixin, record_access
from operators.models import AccessAction


class CapabilityFilter(admin.SimpleListFilter):
    title = _("capability")
    parameter_name = "capability"
    FIELDS = {"ptz": "has_ptz", "ai": "has_ai", "recognition": "has_recognition"}

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [
            ("ptz", _("PTZ")),
            ("ai", _("AI selective monitoring")),
            ("recognition", _("face/plate recognition")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        field = self.FIELDS.get(self.value() or "")
        return queryset.filter(**{field: True}) if field else queryset


def year_filter(field: str, title: Any) -> type[admin.SimpleListFilter]:
    """A list filter offering the years present in a date field (newest first)."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field}_year"

        def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
            dates = model_admin.get_queryset(request).dates(field, "year", order="DESC")
            return [(str(day.year), str(day.year)) for day in dates]

        def has_output(self) -> bool:
            # A year chosen by link must still filter (to nothing) when no row has that year:
            # a filter without output is not applied at all.
            return bool(self.value()) or super().has_output()

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            value = self.value()
            if value and value.isdigit():
                return queryset.filter(**{f"{field}__year": int(value)})
            return queryset

    YearFilter.title = title
    YearFilter.__name__ = f"{field.title().replace('_', '')}YearFilter"
    return YearFilter


InstallYearFilter = year_filter("installed_on", _("install year"))
EventYearFilter = year_filter("occurred_on", _("year"))


class CameraEventInline(admin.TabularInline):
    model = CameraEvent
    extra = 0
    fields = ["kind", "occurred_on", "note", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]
    classes = ["collapse"]


# One msgid per action: translators see whole sentences.
STATUS_ACTION_LABELS = {
    Status.ACTIVE: _("Mark selected cameras as active"),
    Status.OFFLINE: _("Mark selected cameras as offline"),
    Status.MAINTENANCE: _("Mark selected cameras as under maintenance"),
    Status.RETIRED: _("Retire selected cameras (records a lifecycle event)"),
}


def status_action(status: Status) -> Callable[..., None]:
    """A bulk action setting ``status``; retiring also records a lifecycle event per camera."""

    def action(model_admin: CameraAdmin, request: HttpRequest, queryset: QuerySet[Camera]) -> None:
        with transaction.atomic():
            # Only the cameras that change: re-retiring must not write a second RETIRED event.
            # Re-select without the changelist's outer joins, which FOR UPDATE cannot lock.
            selected = Camera.objects.filter(pk__in=queryset.values("pk")).exclude(status=status)
            changing = list(selected.select_for_update().order_by("pk"))
            ids = [camera.pk for camera in changing]
            Camera.objects.filter(pk__in=ids).update(status=status, updated_at=timezone.now())
            if status == Status.RETIRED:
                today = timezone.localdate()
                CameraEvent.objects.bulk_create(
                    CameraEvent(camera=camera, kind=EventKind.RETIRED, occurred_on=today,
                                recorded_by=request.user)
                    for camera in changing
                )
            if ids:
                LogEntry.objects.log_actions(
                    request.user.pk, Camera.objects.filter(pk__in=ids), CHANGE,
                    [{"changed": {"fields": ["status"]}}],
                )
                # A bulk change bypasses log_change, so the access log is written here.
                record_access(request, AccessAction.ADMIN_CHANGE, subject_citizen_id=None,
                              target="cameras.camera", detail={"ids": ids, "status": status.value})
        message = ngettext(
            "%(count)d camera set to “%(status)s”.", "%(count)d cameras set to “%(status)s”.", len(ids)
        ) % {"count": len(ids), "status": status.label}
        model_admin.message_user(request, message, messages.SUCCESS)

    action.__name__ = f"mark_{status.value}"
    return admin.action(description=STATUS_ACTION_LABELS[status], permissions=["change"])(action)


@admin.register(Camera)
class CameraAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = CameraAdminForm
    list_display = [
        "management_number", "address", "purpose", "status", "center", "camera_count", "installed",
        "ptz", "ai", "recognition",
    ]
    list_display_links = ["management_number", "address"]
    list_filter = ["center", "purpose", "status", CapabilityFilter, InstallYearFilter]
    search_fields = ["road_address", "lot_address", "management_number"]
    list_select_related = ["center"]
    list_per_page = 50
    readonly_fields = ["created_at", "updated_at", "last_heartbeat_at"]
    inlines = [CameraEventInline]
    fieldsets = [
        (_("Standard data"), {"fields": [
            ("agency", "agency_code"), "management_number", "road_address", "lot_address",
            "purpose", ("camera_count", "pixels"), "view_direction", ("bearing", "field_of_view"),
            "retention_days", "installed_on", "phone", "data_date",
        ]}),
        (_("Location"), {"fields": [("latitude", "longitude"), "map"]}),
        (_("Operations"), {"fields": [
            "center", "status", "last_heartbeat_at", ("has_ptz", "has_ai", "has_recognition"),
            "hls_url", "mjpeg_url", "snapshot_url", "rtsp_url",
        ]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    actions = [
        status_action(Status.ACTIVE), status_action(Status.OFFLINE), status_action(Status.MAINTENANCE),
        status_action(Status.RETIRED), "export_standard_csv", "export_standard_csv_cp949",
    ]

    @admin.display(description=_("address"), ordering="road_address")
    def address(self, camera: Camera) -> str:
        return camera.address

    # Capabilities under short headers: the field names would make the list wider than a screen.
    @admin.display(description=_("PTZ"), boolean=True, ordering="has_ptz")
    def ptz(self, camera: Camera) -> bool:
        return camera.has_ptz

    @admin.display(description=_("AI"), boolean=True, ordering="has_ai")
    def ai(self, camera: Camera) -> bool:
        return camera.has_ai

    @admin.display(description=_("Recognition"), boolean=True, ordering="has_recognition")
    def recognition(self, camera: Camera) -> bool:
        return camera.has_recognition

    @admin.display(description=_("installed"), ordering="installed_on")
    def installed(self, camera: Camera) -> str:
        # The standard data gives year and month only.
        return camera.installed_on.strftime("%Y-%m") if camera.installed_on else ""

    @admin.action(description=_("Export selected as standard CSV"), permissions=["view"])
    def export_standard_csv(self, request: HttpRequest, queryset: QuerySet[Camera]) -> HttpResponse:
        return self.export(request, queryset, "utf-8")

    @admin.action(description=_("Export selected as standard CSV (CP949, for older systems)"),
                  permissions=["view"])
    def export_standard_csv_cp949(self, request: HttpRequest, queryset: QuerySet[Camera]) -> HttpResponse:
        # The national data portal and many agencies' tools still exchange CP949 files.
        return self.export(request, queryset, "cp949")

    def export(self, request: HttpRequest, queryset: QuerySet[Camera], encoding: str) -> HttpResponse:
        # Imported here so this module loads even where the import/export module is not present.
        ids = sorted(queryset.values_list("pk", flat=True))
        with transaction.atomic():  # no file leaves without its access record
            record_access(request, AccessAction.CAMERA_EXPORT, subject_citizen_id=None,
                          target="cameras.camera", detail={"ids": ids, "encoding": encoding})
            return export_response(queryset, encoding=encoding)

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name=name)]
        # Before the default URLs: "<path:object_id>/" would otherwise swallow "import/".
        return extra + super().get_urls()

    def can_import(self, request: HttpRequest) -> bool:
        # Importing adds and updates cameras, so it needs both permissions.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import": self.can_import(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.can_import(request):
            raise PermissionDenied
        return import_view(self, request)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Lifecycle events entered by hand are signed by whoever entered them.
        for event in formset.save(commit=False):
            if event.pk is None and event.recorded_by_id is None:
                event.recorded_by = request.user
            event.save()
        for event in formset.deleted_objects:
            event.delete()
        formset.save_m2m()


@admin.register(CameraEvent)
class CameraEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_on", "kind", "camera", "note", "recorded_by", "recorded_at"]
    list_filter = ["kind", EventYearFilter, "camera__center"]
    search_fields = ["camera__management_number", "camera__road_address", "camera__lot_address", "note"]
    list_select_related = ["camera", "recorded_by"]
    autocomplete_fields = ["camera"]
    readonly_fields = ["recorded_by", "recorded_at"]
    date_hierarchy = "occurred_on"

    def save_model(self, request: HttpRequest, obj: CameraEvent, form: Any, change: bool) -> None:
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
