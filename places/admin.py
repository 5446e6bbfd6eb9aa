"""Admin of the reference places: browse, search, and import the public layer files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from operators.audit import AuditedAdminMixin
from places.importing import PlacesFileError, PlacesReport, import_places_file
from places.models import AdminArea, Facility

MAX_BYTES = 50 * 1024 * 1024


class PlacesImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("시군구 or 읍면동 boundaries (GeoJSON), police stations, 119 safety centers or "
                    "child-protection zones (CSV, UTF-8 or CP949), as published: see docs/places.md."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        if not upload.name.lower().endswith((".csv", ".geojson", ".json", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .geojson file."))
        return upload


class ImportMixin:
    """An "import" page beside the change list (both place admins share the one importer)."""

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name=name)]
        return extra + super().get_urls()  # before "<path:object_id>/", which would swallow it

    def can_import(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None,
                        ) -> HttpResponse:
        extra = {**(extra_context or {}), "can_import": self.can_import(request)}
        return super().changelist_view(request, extra)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.can_import(request):
            raise PermissionDenied
        report: PlacesReport | None = None
        form = PlacesImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_places_file(upload.name, upload.read())
            except PlacesFileError as exc:
                form.add_error("file", str(exc))
        context = {**self.admin_site.each_context(request), "title": _("Import reference places"),
                   "opts": self.model._meta, "form": form, "report": report}
        return render(request, "admin/places/import_form.html", context)


@admin.register(AdminArea)
class AdminAreaAdmin(ImportMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "level", "kind", "code"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "code"]
    change_list_template = "admin/places/change_list.html"


@admin.register(Facility)
class FacilityAdmin(ImportMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "detail", "address", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "detail", "address"]
    change_list_template = "admin/places/change_list.html"
