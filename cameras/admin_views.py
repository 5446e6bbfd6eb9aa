"""Views for the camera admin: import a standard-data CSV, export cameras as one.

Wired into the camera ModelAdmin elsewhere (get_urls / an action); kept here so they can be
built and tested while the admin itself is being written.
"""

from __future__ import annotations

import io

from django import forms
from django.conf import settings
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cameras.exporting import write_standard_csv
from cameras.importing import ImportFileError, ImportReport, import_cameras
from cameras.models import Camera
from operators.audit import record_access
from operators.models import AccessAction

TEMPLATE = "admin/cameras/camera/import_form.html"
EXPORT_ENCODINGS = {"utf-8": "utf-8-sig", "cp949": "cp949"}  # utf-8 gets a BOM for Excel
# Signatures of files people upload by mistake: xlsx/zip, legacy xls (OLE2), PDF.
_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")


class CameraImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8 or CP949, as downloaded from data.go.kr."))
    dry_run = forms.BooleanField(
        label=_("Dry run"), required=False,
        help_text=_("Check the file and show what would change, without saving anything."),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.CAMERA_IMPORT_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        head = upload.read(8192)
        upload.seek(0)
        if not upload.name.lower().endswith((".csv", ".txt")) or _looks_binary(head):
            raise forms.ValidationError(_("Upload a CSV file (save the sheet as CSV first)."))
        return upload


def _looks_binary(head: bytes) -> bool:
    # No text encoding we accept has NUL bytes.
    return head.startswith(_BINARY_MAGIC) or b"\x00" in head


def import_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: run the import and show its report on the same page."""
    user = request.user
    if not (user.has_perm("cameras.add_camera") and user.has_perm("cameras.change_camera")):
        raise PermissionDenied
    report: ImportReport | None = None
    if request.method == "POST":
        form = CameraImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = _run(form)
            if report is not None:
                _record(request, report)
    else:
        form = CameraImportForm()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import CCTV standard data"),
        "opts": model_admin.model._meta,
        "form": form,
        "report": report,
        "max_size": settings.CAMERA_IMPORT_MAX_BYTES,
    }
    return render(request, TEMPLATE, context, status=400 if form.errors else 200)


def _run(form: CameraImportForm) -> ImportReport | None:
    try:
        return import_cameras(form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"])
    except ImportFileError as exc:
        form.add_error("file", str(exc))
        return None


def _record(request: HttpRequest, report: ImportReport) -> None:
    # Counts only: the file's rows are public camera data, the log needs who and how much.
    counts = {"total": report.total, "created": report.created, "updated": report.updated,
              "unchanged": report.unchanged, "skipped": report.skipped_total}
    record_access(request, AccessAction.CAMERA_IMPORT, subject_citizen_id=None, target="cameras.camera",
                  detail={"dry_run": report.dry_run, **counts})


def export_response(queryset: QuerySet[Camera], encoding: str = "utf-8") -> HttpResponse:
    """The cameras as a standard-layout CSV attachment, cctv_standard_YYYYMMDD.csv."""
    if encoding not in EXPORT_ENCODINGS:
        raise ValueError(f"unsupported export encoding {encoding!r}")
    text = io.StringIO()
    write_standard_csv(queryset, text)
    filename = f"cctv_standard_{timezone.localdate():%Y%m%d}.csv"
    response = HttpResponse(
        text.getvalue().encode(EXPORT_ENCODINGS[encoding], errors="replace"),
        content_type=f"text/csv; charset={encoding}",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
