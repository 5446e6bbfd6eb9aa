"""Delivering the SMS outbox: the SMS adapter of the shared outbox mechanism
(hwaseong_safety.outbound.outbox). One attempt claims the row, sends it through the transport,
records the result; transient failures are retried with backoff and then fall back to
SMS_FALLBACK_TRANSPORT; the sweep queues rows whose task was lost.

The reasoning (why a lease and not a row lock, why a crash may mean one duplicate but never a
lost SMS) is in docs/sms.md. The Celery side is sms/tasks.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hwaseong_safety.outbound.outbox import Backoff, Outbox
from hwaseong_safety.phones import InvalidPhone, normalize_mobile
from sms.models import SmsMessage, SmsStatus
from sms.transports import Sent, Transport, TransportError, get_transport

logger = logging.getLogger(__name__)

OUTBOX: Outbox[SmsMessage] = Outbox(SmsMessage, pending=Q(status=SmsStatus.QUEUED), lease_field="lease_until")

# Long enough that a task queued normally has run; short enough that a guardian waits at most
# about a minute more when the broker was down.
STALE_AFTER = timedelta(seconds=60)
SWEEP_BATCH = 1000


def max_attempts() -> int:
    """All attempts of one message, primary and fallback together."""
    return settings.SMS_MAX_ATTEMPTS


def fallback_after() -> int:
    """Transient failures on the primary before the fallback (if any) takes over: 3 means about
    20 s (5 s + 15 s of backoff) — an SOS must not wait out a provider's outage."""
    return settings.SMS_FALLBACK_AFTER


def schedule() -> Backoff:
    """5, 15, 45, 135 … s (SMS_RETRY_BASE_SECONDS · SMS_RETRY_FACTOR^(n-1)): no cap, no jitter; a
    message has few attempts and the fallback takes over after the first few."""
    return Backoff(base_s=settings.SMS_RETRY_BASE_SECONDS, factor=settings.SMS_RETRY_FACTOR)


def backoff(stage_attempt: int) -> int:
    """Seconds before the next try after the n-th failed attempt on a transport."""
    return round(schedule().delay(stage_attempt))


def lease_s() -> int:
    """How long an attempt in flight owns the row. Longer than the HTTP timeout plus the time to
    record the result, so a live worker is never overtaken; a dead one is resent after it."""
    return settings.SMS_SEND_LEASE_SECONDS


def primary_name() -> str:
    return str(settings.SMS_TRANSPORT)


def fallback_name() -> str:
    name = str(settings.SMS_FALLBACK_TRANSPORT or "")
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


def claim(message_id: int, expected_attempts: int | None = None) -> Claim | None:
    """Record the attempt *before* sending (attempts+1, transport, lease), committed at once: no
    row lock is held while the provider is called, and a worker killed mid-send leaves the
    evidence (a lease with no result)."""
    chosen: dict[str, object] = {}

    def record(message: SmsMessage) -> dict[str, object]:
        on_fallback = message.fallback_after is not None and bool(fallback_name())
        chosen.update(on_fallback=on_fallback, name=fallback_name() if on_fallback else primary_name())
        if message.attempts and message.lease_until is not None and not message.last_error:
            # The previous attempt claimed the row (clearing last_error) and never recorded a
            # result: its worker died mid-send. The provider may or may not have sent it; we send
            # again (docs/sms.md) and leave this warning as the trace.
            logger.warning("SMS %s: attempt %s was interrupted; sending again", message.pk, message.attempts)
        return {"transport": chosen["name"], "last_error": ""}

    claimed = OUTBOX.claim(message_id, lease_s=lease_s(), expected_attempts=expected_attempts, record=record)
    if claimed is None:
        return None
    return Claim(message=claimed.row, attempt=claimed.attempt, transport_name=str(chosen["name"]),
                 on_fallback=bool(chosen["on_fallback"]))


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
    text = str(error)[:1000]
    stage_attempt = attempt - (message.fallback_after or 0) if claimed.on_fallback else attempt
    can_fall_back = bool(fallback_name()) and not claimed.on_fallback and not error.message_fault
    if can_fall_back and (error.permanent or stage_attempt >= min(fallback_after(), max_attempts())):
        OUTBOX.hold(message.pk, attempt, None, fallback_after=attempt, last_error=text)
        logger.warning("SMS %s: %s failed (%s); falling back to %s", message.pk, claimed.transport_name,
                       "permanent" if error.permanent else "transient", fallback_name())
        return Outcome("fallback", attempt)
    # The fallback always gets at least one attempt, even when the primary used up the budget.
    budget = max(max_attempts(), (message.fallback_after or 0) + 1) if claimed.on_fallback else max_attempts()
    if error.permanent or attempt >= budget:
        OUTBOX.hold(message.pk, attempt, None, status=SmsStatus.FAILED, last_error=text)
        logger.error("SMS %s failed for good after %s attempts (%s): %s", message.pk, attempt,
                     claimed.transport_name, text)
        return Outcome("failed", attempt)
    countdown = backoff(stage_attempt)
    OUTBOX.hold(message.pk, attempt, countdown, last_error=text)
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


def stale() -> list[int]:
    """Rows still queued well after they were written and not owned by an attempt or a scheduled
    retry: their task was lost (broker down at commit time), their retry was lost, or their worker
    died mid-send."""
    return OUTBOX.due(also=Q(created_at__lt=timezone.now() - STALE_AFTER), order_by="created_at",
                      limit=SWEEP_BATCH)
