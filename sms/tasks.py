"""Celery side of the SMS outbox (sms.delivery does the work).

Both tasks keep the names they had in guardians.tasks: a retry already queued with its countdown
carries the name, and the beat schedule names the sweep.
"""

from __future__ import annotations

from celery import shared_task

from sms.delivery import deliver, stale


@shared_task(bind=True, acks_late=True, max_retries=None, name="guardians.tasks.send_sms")
def send_sms(self, message_id: int, expected_attempts: int | None = None) -> str:
    """Send one queued SMS. Idempotent: a message already sent, failed, gone or claimed by a live
    attempt is left alone. Transient failures come back through ``self.retry`` with backoff (the
    budget is counted in the row, not by Celery, so it survives redelivery and the sweeper)."""
    outcome = deliver(message_id, expected_attempts)
    if outcome.state == "fallback":
        outcome = deliver(message_id, outcome.attempts)
    if outcome.state == "retry" and not self.request.called_directly:
        # Called directly (shell, tests) there is no queue to come back through: the row's lease
        # ends after the backoff and the sweeper sends it then.
        raise self.retry(args=(message_id,), kwargs={"expected_attempts": outcome.attempts},
                         countdown=outcome.retry_in)
    return outcome.state


@shared_task(name="guardians.tasks.resend_stale_sms")
def resend_stale_sms() -> int:
    """Queue again every stale SMS (``sms.delivery.stale``). ``send_sms`` claims before sending,
    so a merely slow first task still sends it once."""
    ids = stale()
    for message_id in ids:
        send_sms.delay(message_id)
    return len(ids)
