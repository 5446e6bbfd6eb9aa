from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from guardians.models import SmsMessage, SmsStatus
from guardians.sms.transports import TransportError, get_transport

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_sms(message_id: int) -> None:
    """Send one queued SMS. Idempotent: a message already sent (or gone) is left alone."""
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != SmsStatus.QUEUED:
            return
        transport = get_transport()
        message.attempts += 1
        message.transport = transport.name
        try:
            sent = transport.send(message.to, message.body)
        except TransportError as exc:
            message.last_error = str(exc)[:1000]
            if exc.permanent:
                message.status = SmsStatus.FAILED
            message.save(update_fields=["attempts", "transport", "last_error", "status"])
            logger.warning("SMS %s failed (permanent=%s): %s", message.pk, exc.permanent, exc)
            return
        message.status = SmsStatus.SENT
        message.provider_message_id = sent.provider_message_id
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "transport", "status", "provider_message_id", "sent_at"])


# Long enough that a task queued normally has run; short enough that a guardian waits at most
# about a minute more when the broker was down.
STALE_AFTER = timedelta(seconds=60)


@shared_task
def resend_stale_sms() -> int:
    """Queue again every SMS still waiting well after it was written: its task was lost (broker
    down at commit time) or failed transiently. ``send_sms`` is idempotent, so a message whose
    first task is merely slow is still sent once."""
    cutoff = timezone.now() - STALE_AFTER
    ids = list(
        SmsMessage.objects.filter(status=SmsStatus.QUEUED, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("id", flat=True)[:1000]
    )
    for message_id in ids:
        send_sms.delay(message_id)
    return len(ids)
