from __future__ import annotations

import logging

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
