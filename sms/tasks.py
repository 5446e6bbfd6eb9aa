"""Sending the SMS outbox: claim, send, record; retry with backoff; fall back; sweep.

The reasoning (why a lease and not a row lock, why a crash may mean one duplicate but never a
lost SMS) is in docs/sms.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from guardians.phones import InvalidPhone, normalize_mobile
from sms.models import SmsMessage, SmsStatus
from sms.transports import Sent, Transport, TransportError, get_transport

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    """All attempts of one message, primary and fallback together."""
    return int(getattr(settings, "SMS_MAX_ATTEMPTS", 6))


def fallback_after() -> int:
    """Transient failures on the primary before the fallback (if any) takes over: 3 means about
    20 s (5 s + 15 s of backoff) — an SOS must not wait out a provider's outage."""
    return int(getattr(settings, "SMS_FALLBACK_AFTER", 3))


def backoff(stage_attempt: int) -> int:
    """Seconds before the next try after the n-th failed attempt on a transport: 5, 15, 45, 135 …"""
    base = int(getattr(settings, "SMS_RETRY_BASE_SECONDS", 5))
    return base * 3 ** max(stage_attempt - 1, 0)


def lease() -> timedelta:
    """How long an attempt in flight owns the row. Longer than the HTTP timeout plus the time to
    record the result, so a live worker is never overtaken; a dead one is resent after it."""
    return timedelta(seconds=int(getattr(settings, "SMS_SEND_LEASE_SECONDS", 60)))


def primary_name() -> str:
    return str(settings.SMS_TRANSPORT)


def fallback_name() -> str:
    name = str(getattr(settings, "SMS_FALLBACK_TRANSPORT", "") or "")
    return "" if name == primary_name() else name


@dataclass(frozen=True)
class Outcome:
    state: Literal["sent", "failed", "retry", "fallback", "skipped"]
    attempts: int = 0
    retry_in: int | None = None


@dataclass(frozen=True)
class Claim:
    message: SmsMessage
    attempt: int  # this attempt's number, as recorded
    transport_name: str
    on_fallback: bool


def _free(now: datetime, expected_attempts: int | None) -> Q:
    free = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    if expected_attempts is not None:
        # The retry scheduled after attempt n owns its backoff lease; any other attempt would have
        # raised ``attempts`` past n, so this never overtakes an attempt in flight.
        free |= Q(attempts=expected_attempts)
    return free


def claim(message_id: int, expected_attempts: int | None = None) -> Claim | None:
    """Record the attempt *before* sending (attempts+1, transport, lease), committed at once by a
    conditional UPDATE: no row lock is held while the provider is called, and a worker killed
    mid-send leaves the evidence (a lease with no result)."""
    now = timezone.now()
    free = _free(now, expected_attempts)
    message = SmsMessage.objects.filter(pk=message_id, status=SmsStatus.QUEUED).filter(free).first()
    if message is None:
        return None
    on_fallback = message.fallback_after is not None and bool(fallback_name())
    name = fallback_name() if on_fallback else primary_name()
    if message.attempts and message.lease_until is not None and not message.last_error:
        # The previous attempt claimed the row (clearing last_error) and never recorded a result:
        # its worker died mid-send. The provider may or may not have sent it; we send again
        # (docs/sms.md) and leave this warning as the trace.
        logger.warning("SMS %s: attempt %s was interrupted; sending again", message.pk, message.attempts)
    attempt = message.attempts + 1
    updated = (
        SmsMessage.objects.filter(pk=message_id, status=SmsStatus.QUEUED, attempts=message.attempts)
        .filter(free)
        .update(attempts=attempt, transport=name, lease_until=now + lease(), last_error="")
    )
    if not updated:
        return None  # another worker claimed it between our read and our update
    message.attempts, message.transport, message.last_error = attempt, name, ""
    return Claim(message=message, attempt=attempt, transport_name=name, on_fallback=on_fallback)


def _record_sent(claimed: Claim, sent: Sent) -> Outcome:
    updated = SmsMessage.objects.filter(pk=claimed.message.pk, status=SmsStatus.QUEUED).update(
        status=SmsStatus.SENT, transport=claimed.transport_name,
        provider_message_id=sent.provider_message_id, sent_at=timezone.now(), lease_until=None,
    )
    if not updated:
        # Our lease ran out and another attempt sent it first: the one duplicate docs/sms.md allows.
        logger.warning("SMS %s: sent again by attempt %s after another attempt", claimed.message.pk,
                       claimed.attempt)
    return Outcome("sent", claimed.attempt)


def _record_failure(claimed: Claim, error: TransportError) -> Outcome:
    message, attempt = claimed.message, claimed.attempt
    mine = SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.QUEUED, attempts=attempt)
    text = str(error)[:1000]
    stage_attempt = attempt - (message.fallback_after or 0) if claimed.on_fallback else attempt
    can_fall_back = bool(fallback_name()) and not claimed.on_fallback and not error.message_fault
    if can_fall_back and (error.permanent or stage_attempt >= min(fallback_after(), max_attempts())):
        mine.update(fallback_after=attempt, lease_until=None, last_error=text)
        logger.warning("SMS %s: %s failed (%s); falling back to %s", message.pk, claimed.transport_name,
                       "permanent" if error.permanent else "transient", fallback_name())
        return Outcome("fallback", attempt)
    # The fallback always gets at least one attempt, even when the primary used up the budget.
    budget = max(max_attempts(), (message.fallback_after or 0) + 1) if claimed.on_fallback else max_attempts()
    if error.permanent or attempt >= budget:
        mine.update(status=SmsStatus.FAILED, lease_until=None, last_error=text)
        logger.error("SMS %s failed for good after %s attempts (%s): %s", message.pk, attempt,
                     claimed.transport_name, text)
        return Outcome("failed", attempt)
    countdown = backoff(stage_attempt)
    mine.update(lease_until=timezone.now() + timedelta(seconds=countdown), last_error=text)
    logger.info("SMS %s: attempt %s on %s failed (transient); retry in %ss", message.pk, attempt,
                claimed.transport_name, countdown)
    return Outcome("retry", attempt, countdown)


def deliver(message_id: int, expected_attempts: int | None = None) -> Outcome:
    """One attempt: claim, send, record. Plain function so tests can drive it step by step."""
    claimed = claim(message_id, expected_attempts)
    if claimed is None:
        return Outcome("skipped")
    message = claimed.message
    try:
        normalize_mobile(message.to)
    except InvalidPhone:
        return _record_failure(claimed, TransportError("invalid recipient number", message_fault=True))
    try:
        transport: Transport = get_transport(claimed.transport_name)
        sent = transport.send(message.to, message.body, key=f"sms-{message.pk}")
    except TransportError as exc:
        return _record_failure(claimed, exc)
    except Exception as exc:
        # A bug or an unexpected library error: treat as passing so it is retried and then falls
        # back, rather than losing the SMS. (A killed worker raises BaseException: no record.)
        logger.exception("SMS %s: unexpected error in transport %s", message.pk, claimed.transport_name)
        return _record_failure(claimed, TransportError(f"{type(exc).__name__} in {claimed.transport_name}"))
    return _record_sent(claimed, sent)


# Named by their old module: a retry already queued with its countdown carries the name.
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


# Long enough that a task queued normally has run; short enough that a guardian waits at most
# about a minute more when the broker was down.
STALE_AFTER = timedelta(seconds=60)


@shared_task(name="guardians.tasks.resend_stale_sms")
def resend_stale_sms() -> int:
    """Queue again every SMS still waiting well after it was written and not owned by an attempt
    or a scheduled retry: its task was lost (broker down at commit time), its retry was lost, or
    its worker died mid-send. ``send_sms`` claims before sending, so a merely slow first task
    still sends it once."""
    now = timezone.now()
    ids = list(
        SmsMessage.objects.filter(status=SmsStatus.QUEUED, created_at__lt=now - STALE_AFTER)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .order_by("created_at")
        .values_list("id", flat=True)[:1000]
    )
    for message_id in ids:
        send_sms.delay(message_id)
    return len(ids)
