"""The SMS outbox: one row per text, written with its cause, sent after commit (docs/sms.md).

The table is still ``guardians_smsmessage``: the model moved here from guardians without moving
its rows."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class SmsPurpose(models.TextChoices):
    """Why an SMS was sent (the admin's outbox names them; the row keeps the code)."""

    VERIFICATION = "verification", _("phone verification code")
    GUARDIAN_ADDED = "guardian_added", _("guardian added")
    SOS = "sos", _("SOS to guardians")
    ALERT_CANCELLED = "alert_cancelled", _("SOS cancelled by the citizen")
    ALERT_CLOSED = "alert_closed", _("alert closed by the center")
    TRIP_STARTED = "trip_started", _("safe-return trip started")
    TRIP_ARRIVED = "trip_arrived", _("safe-return trip arrived")
    TRIP_OVERDUE = "trip_overdue", _("safe-return trip overdue")


class SmsMessage(models.Model):
    """Every SMS is a row, written in the same transaction as what caused it, sent after commit."""

    to = models.CharField(_("recipient"), max_length=20)
    body = models.TextField(_("body"))
    purpose = models.CharField(_("purpose of the message"), max_length=30, choices=SmsPurpose.choices)
    status = models.CharField(_("status"), max_length=10, choices=SmsStatus.choices,
                              default=SmsStatus.QUEUED)
    transport = models.CharField(_("transport"), max_length=30, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Until then the row belongs to an attempt in flight or a scheduled retry: nobody else sends
    # it. Set by the claim (a conditional UPDATE), so no row lock is held across the HTTP call.
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    # Attempts made on the primary transport before switching to SMS_FALLBACK_TRANSPORT; null
    # while still on the primary.
    fallback_after = models.PositiveSmallIntegerField(_("fallback after attempts"), null=True, blank=True)

    class Meta:
        db_table = "guardians_smsmessage"
        ordering = ["id"]
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status="queued"), name="sms_queued_created"),
        ]

    def __str__(self) -> str:
        # Names no one: the recipient stays out of page titles and the admin's history.
        return f"{self.get_purpose_display()} #{self.pk}"
