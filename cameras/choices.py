"""A camera's purpose and status: the words the model, its querysets and the importers share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """설치목적구분 of the national CCTV standard data. Values are the standard's own words."""

    CRIME_PREVENTION = "생활방범", _("crime prevention")
    CHILD_PROTECTION = "어린이보호", _("child protection")
    TRAFFIC_ENFORCEMENT = "교통단속", _("traffic enforcement")
    TRAFFIC_INFO = "교통정보수집", _("traffic information")
    FACILITY = "시설물관리", _("facility management")
    DISASTER = "재난재해", _("disaster")
    VEHICLE_CRIME = "차량방범", _("vehicle crime prevention")
    LITTERING = "쓰레기단속", _("littering enforcement")
    OTHER = "기타", _("other")


class Status(models.TextChoices):
    ACTIVE = "active", _("active")
    OFFLINE = "offline", _("offline")
    MAINTENANCE = "maintenance", _("maintenance")
    RETIRED = "retired", _("retired")
