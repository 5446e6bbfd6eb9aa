from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from operators.querysets import CenterQuerySet


class Center(models.Model):
    """A linked city's smart-city control center (the 18 Gyeonggi centers of the safe-return network).

    ``code`` is the standard administrative code of the city (시군구 코드, 화성시 = 41590); cities
    split into 구 have their districts merged into one boundary.
    """

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), geography=True, srid=4326)
    is_linked = models.BooleanField(
        _("linked"), default=True,
        help_text=_("Whether the center takes part in the linked safe-return network."),
    )

    objects = CenterQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("control center")
        verbose_name_plural = _("control centers")

    def __str__(self) -> str:
        return self.name


class CenterPiece(models.Model):
    """A piece of a center's boundary (PostGIS ST_Subdivide, at most 64 vertices), for routing.

    Routing asks which centers lie within the border band of a point and how far each is. On the
    whole boundary (up to thousands of vertices) that cost PostgreSQL ~4 ms of every SOS; on the
    pieces the index finds the few near the point: ~0.3 ms. The pieces cover exactly the boundary
    (the cuts share their vertices), so the distance to a center is the least distance to its
    pieces, 0 inside. A database trigger (migration 0005) rebuilds a center's pieces whenever its
    boundary is written, by any path: they cannot drift from the boundary.
    """

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    piece = models.GeometryField(geography=True, srid=4326)

    class Meta:
        verbose_name = _("boundary piece")
        verbose_name_plural = _("boundary pieces")


class Role(models.TextChoices):
    OPERATOR = "operator", _("operator")
    SUPERVISOR = "supervisor", _("supervisor")
    POLICE = "police", _("police liaison")
    CAMERA_ADMIN = "camera_admin", _("camera admin")
    SYSTEM_ADMIN = "system_admin", _("system admin")


class User(AbstractUser):
    """A person who works at a center: operators, supervisors, resident police, admins.

    Citizens using the safe-return app are not users of this model: app tokens never open the
    console or the admin.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OPERATOR)
    center = models.ForeignKey(
        Center, verbose_name=_("center"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="staff",
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    @property
    def is_center_staff(self) -> bool:
        return self.is_active and (self.is_superuser or bool(self.role))


class AccessAction(models.TextChoices):
    ALERT_VIEW = "alert_view", _("alert detail viewed")
    ALERT_CLAIM = "alert_claim", _("alert claimed")
    ALERT_ACKNOWLEDGE = "alert_acknowledge", _("alert acknowledged")
    ALERT_NOTE = "alert_note", _("note added to an alert")
    ALERT_ESCALATE = "alert_escalate", _("alert escalated")
    ALERT_TRANSFER = "alert_transfer", _("alert transferred")
    ALERT_CLOSE = "alert_close", _("alert closed")
    CAMERA_OPENED = "camera_opened", _("camera feed opened")
    ADMIN_ADD = "admin_add", _("added in the admin")
    ADMIN_CHANGE = "admin_change", _("changed in the admin")
    ADMIN_DELETE = "admin_delete", _("deleted in the admin")
    CAMERA_EXPORT = "camera_export", _("cameras exported")
    CAMERA_IMPORT = "camera_import", _("camera standard data imported")
    AUDIT_EXPORT = "audit_export", _("access log exported")
    AUDIT_REVIEW = "audit_review", _("monthly access review opened")
    ACCESS_LOG_PURGE = "access_log_purge", _("access records past retention purged")
    RETENTION_HOLD = "retention_hold", _("retention hold of an alert released or restored")
    STAFF_PRIVILEGES = "staff_privileges", _("staff account privileges changed")
    ADMIN_VIEW = "admin_view", _("personal data viewed in the admin")
    ADMIN_LIST = "admin_list", _("personal data listed or searched in the admin")
    LOGIN_ALERT = "login_alert", _("many failed logins for one account")
    ALERT_HISTORY = "alert_history", _("past alerts listed or searched in the console")


class AccessRecord(models.Model):
    """One access to personal data or to the systems holding it (개인정보의 안전성 확보조치 기준 §8):
    account, time, IP, whose data, what was done. Written only through ``operators.audit``.

    Append-only: a database trigger (migration 0002) refuses UPDATE and DELETE of any row, whoever
    connects. Records are kept 2 years; older ones go only through the SQL function
    ``purge_access_records`` (migration 0003), which records its own run (operators/audit_purge.py).
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # PROTECT: a staff account with records is deactivated, never deleted (the trigger would refuse
    # SET_NULL anyway). The username is kept as it was, in case the account is renamed later.
    account = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="access_records",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=AccessAction.choices)
    # An id, not a foreign key: the record outlives the citizen's account and must not block its
    # deletion.
    subject_citizen_id = models.BigIntegerField(_("whose data (app user id)"), null=True, blank=True,
                                                db_index=True)
    target = models.CharField(_("target"), max_length=100, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.target}"
