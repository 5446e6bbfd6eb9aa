"""All SMS go through one path: ``queue_sms`` writes the row, a task sends it after commit."""

from __future__ import annotations

from hwaseong_safety.commit import on_commit_robust
from sms.models import SmsMessage
from sms.tasks import send_sms

# Every message starts with the service's name, so people recognise it (and its spoofs).
SMS_PREFIX = "[화성안전귀가]"


def queue_sms(to: str, body: str, purpose: str) -> SmsMessage:
    """Record the message in the caller's transaction; the send task is queued only after commit,
    so a rolled-back cause sends nothing and a committed one is never lost. If the broker is down
    at that moment the row stays queued (``robust``: the caller's response is not turned into an
    error) and ``resend_stale_sms`` picks it up once the broker is back."""
    return queue_many([(to, body)], purpose)[0]


def queue_many(messages: list[tuple[str, str]], purpose: str) -> list[SmsMessage]:
    """``queue_sms`` for several (to, body) at once: one INSERT (an SOS to every guardian)."""
    rows = SmsMessage.objects.bulk_create([SmsMessage(to=to, body=body, purpose=purpose)
                                           for to, body in messages])
    for row in rows:
        on_commit_robust(send_sms.delay, row.id)
    return rows
