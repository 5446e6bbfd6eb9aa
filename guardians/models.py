"""Guardians a citizen names (보호자), the openings of their tracking pages, and the SMS outbox."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from citizens.models import Citizen


def decline_digest(token: str) -> str:
    """What is stored of a decline link's token: its SHA-256. The link in the guardian's SMS
    carries the token itself; a copy of the database can't decline anyone."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_decline_token() -> tuple[str, str]:
    """(token for the SMS link, digest to store)."""
    token = secrets.token_urlsafe(32)
    return token, decline_digest(token)


class Guardian(models.Model):
    """Someone a citizen names to be told of trips and SOS alerts (보호자)."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    relation = models.CharField(_("relation"), max_length=30, blank=True)
    decline_token = models.CharField(max_length=64, unique=True)  # decline_digest(token), never the token
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    # Tracking links signed up to this moment stop working (staff action in the admin); links
    # sent later (a new trip or alert) work again. Deleting the guardian kills all their links.
    tracking_revoked_at = models.DateTimeField(_("tracking links revoked"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [
            models.UniqueConstraint(fields=["citizen", "phone"], name="guardian_unique_phone_per_citizen"),
        ]

    def __str__(self) -> str:
        return self.name


class TrackingView(models.Model):
    """One opening of a tracking page (``/t/<token>/``), recorded with its Disclosure; the page's
    JSON polls that follow are counted here rather than as disclosures of their own."""

    disclosure = models.OneToOneField("alerts.Disclosure", on_delete=models.CASCADE, related_name="+")
    # Kept when the guardian is deleted: the disclosure names them already.
    guardian = models.ForeignKey(Guardian, on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    polls = models.PositiveIntegerField(_("position polls"), default=0)
    last_poll_at = models.DateTimeField(_("last poll"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("tracking page view")
        verbose_name_plural = _("tracking page views")
