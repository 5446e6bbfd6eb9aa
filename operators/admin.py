"""Admin of control centers and their staff."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cameras.forms import MapWidget, boundary_feature, map_labels
from operators.models import Center, User


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "phone", "is_linked", "camera_count"]
    list_display_links = ["code", "name"]
    list_filter = ["is_linked"]
    search_fields = ["code", "name", "name_en"]
    # The boundary is shown on a map, never as an editable field: GeoDjango's stock widget loads
    # OpenLayers from the internet, and boundaries come from the official dataset, not by hand.
    fields = ["code", "name", "name_en", "phone", "is_linked", "boundary_map"]
    readonly_fields = ["boundary_map"]

    class Media:
        css = MapWidget.Media.css
        js = MapWidget.Media.js

    def get_queryset(self, request: HttpRequest) -> QuerySet[Center]:
        return super().get_queryset(request).annotate(camera_count=Count("cameras"))

    @admin.display(description=_("cameras"), ordering="camera_count")
    def camera_count(self, center: Center) -> int:
        return center.camera_count

    @admin.display(description=_("boundary"))
    def boundary_map(self, center: Center) -> str:
        if center.pk is None:
            return "-"
        features = [boundary_feature(center, own=True)]
        config = {"mode": "center", "labels": map_labels(), "boundaries": features}
        return MapWidget(config=config).render("boundary_map", None, {"id": "id_boundary_map"})

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A center cannot exist without its boundary, which the admin does not edit: centers are
        # loaded from the administrative-boundary data by a management command.
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Control center"), {"fields": ("role", "center")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Control center"), {"classes": ("wide",), "fields": ("role", "center")}),
    )
    list_display = ("username", "last_name", "first_name", "role", "center", "is_active", "is_staff")
    list_filter = ("role", "center", "is_active", "is_staff", "is_superuser", "groups")
    list_select_related = ("center",)
