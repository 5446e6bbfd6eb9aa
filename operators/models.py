from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.gis.db import models
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
