from __future__ import annotations

from django.contrib.gis.db import models
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cameras.choices import Purpose, Status
from cameras.querysets import CameraQuerySet

__all__ = ["Camera", "Purpose", "Status"]


stream_url_validator = URLValidator(schemes=["http", "https"])
rtsp_url_validator = URLValidator(schemes=["rtsp", "rtsps"])


class Camera(models.Model):
    """A camera site as the national CCTV standard data (전국CCTV표준데이터) describes it, plus what
    the control center needs to operate it."""

    # --- Standard data --------------------------------------------------------------------------
    agency_code = models.CharField(_("local government code"), max_length=10, blank=True)
    agency = models.CharField(_("managing agency"), max_length=100, db_index=True)
    management_number = models.CharField(_("management number"), max_length=60, blank=True)
    road_address = models.CharField(_("road address"), max_length=255, blank=True)
    lot_address = models.CharField(_("lot address"), max_length=255, blank=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, blank=True)
    camera_count = models.PositiveSmallIntegerField(_("number of cameras"), null=True, blank=True)
    pixels = models.PositiveIntegerField(_("pixels (10k)"), null=True, blank=True)
    view_direction = models.CharField(_("view direction"), max_length=255, blank=True)
    # Parsed from ``view_direction`` when it names one (e.g. 북측, 360도); null when it does not.
    bearing = models.FloatField(_("bearing (°)"), null=True, blank=True)
    field_of_view = models.FloatField(_("field of view (°)"), null=True, blank=True)
    retention_days = models.PositiveSmallIntegerField(_("retention days"), null=True, blank=True)
    installed_on = models.DateField(_("installed (year-month)"), null=True, blank=True)
    phone = models.CharField(_("agency phone"), max_length=30, blank=True)
    data_date = models.DateField(_("data reference date"), null=True, blank=True)
    location = models.PointField(_("location"), geography=True, srid=4326)

    # --- Operations -----------------------------------------------------------------------------
    center = models.ForeignKey(
        "operators.Center", verbose_name=_("center"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="cameras",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    has_ptz = models.BooleanField(_("PTZ"), default=False)
    has_ai = models.BooleanField(_("AI selective monitoring"), default=False)
    has_recognition = models.BooleanField(_("face/plate recognition"), default=False)
    hls_url = models.CharField(_("HLS URL"), max_length=500, blank=True, validators=[stream_url_validator])
    mjpeg_url = models.CharField(
        _("MJPEG URL"), max_length=500, blank=True, validators=[stream_url_validator]
    )
    snapshot_url = models.CharField(
        _("snapshot URL"), max_length=500, blank=True, validators=[stream_url_validator]
    )
    rtsp_url = models.CharField(_("RTSP URL"), max_length=500, blank=True, validators=[rtsp_url_validator])

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CameraQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "management_number"],
                condition=~Q(management_number=""),
                name="camera_unique_management_number_per_agency",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "road_address"], name="camera_agency_address"),
        ]

    def __str__(self) -> str:
        label = self.management_number or f"#{self.pk}"
        return f"{label} {self.road_address or self.lot_address}".strip()

    @property
    def address(self) -> str:
        return self.road_address or self.lot_address


class EventKind(models.TextChoices):
    INSTALLED = "installed", _("installed")
    UPGRADED = "upgraded", _("upgraded")
    REPLACED = "replaced", _("replaced")
    RETIRED = "retired", _("retired")


class CameraEvent(models.Model):
    """Lifecycle history of a camera site, for tracking the replacement plan year by year."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="events",
                               verbose_name=_("camera"))
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    occurred_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        "operators.User", verbose_name=_("recorded by"), on_delete=models.SET_NULL,
        null=True, blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("camera lifecycle event")
        verbose_name_plural = _("camera lifecycle events")
        indexes = [models.Index(fields=["kind", "occurred_on"], name="camera_event_kind_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"
