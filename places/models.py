"""Reference places known offline: administrative areas (시군구, 읍면동) that name where an alert
is, and the facilities drawn on the console map as context (police stations, 119 safety centers,
child-protection zones). Public data (docs/places.md); nothing here is personal.

Geometry, not geography: these are only ever asked "which area covers this point" and "what lies
in this box", which the GiST index answers on planar bounding boxes without spheroid maths.
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    SIGUNGU = "sigungu", _("city / district (시군구)")
    EMD = "emd", _("town / township / neighbourhood (읍면동)")


class AdminArea(models.Model):
    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    # The source's own code: standard 시군구 codes (41590) or SGIS 읍면동 codes (31240150).
    code = models.CharField(_("code"), max_length=12)
    name = models.CharField(_("name"), max_length=50)  # "화성시", "성남시 분당구", "남양읍"
    kind = models.CharField(_("kind"), max_length=10, blank=True)  # 읍, 면, 동 (읍면동 only)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326)

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="admin_area_unique_code")]

    def __str__(self) -> str:
        return self.name


class FacilityKind(models.TextChoices):
    POLICE = "police", _("police station (지구대·파출소)")
    FIRE = "fire", _("119 safety center")
    CHILD_ZONE = "child_zone", _("child protection zone")


class Facility(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=FacilityKind.choices)
    name = models.CharField(_("name"), max_length=100)
    # What the source says besides the name: the 경찰서 and 지구대/파출소, the 시도본부, the type of
    # facility a protection zone surrounds (초등학교, 어린이집, ...).
    detail = models.CharField(_("detail"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    location = models.PointField(_("location"), srid=4326)

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            # Re-importing a file updates rows instead of doubling them.
            models.UniqueConstraint(fields=["kind", "name", "address"], name="facility_unique_per_kind"),
        ]

    def __str__(self) -> str:
        return self.name
