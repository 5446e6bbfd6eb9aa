from __future__ import annotations

from guardians.models import SmsMessage
from hwaseong_safety.commit import on_commit_robust


def queue_sms(to: str, body: str, purpose: str) -> SmsMessage:
    """Record the message in the caller's transaction; the send task is queued only after commit,
    so a rolled-back cause sends nothing and a committed one is never lost. If the broker is down
    at that moment the row stays queued (``robust``: the caller's response is not turned into an
    error) and ``resend_stale_sms`` picks it up once the broker is back."""
    from guardians.tasks import send_sms

    message = SmsMessage.objects.create(to=to, body=body, purpose=purpose)
    on_commit_robust(send_sms.delay, message.id)
    return message
