from __future__ import annotations

from guardians.models import SmsMessage


def queue_sms(to: str, body: str, purpose: str) -> SmsMessage:
    """Record the message in the caller's transaction; the send task runs only after commit, so a
    rolled-back cause sends nothing and a committed one is never lost (the row stays queued)."""
    from guardians.tasks import send_sms

    message = SmsMessage.objects.create(to=to, body=body, purpose=purpose)
    send_sms.delay_on_commit(message.id)
    return message
