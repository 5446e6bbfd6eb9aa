"""One signed delivery attempt of an Escalation, and what it leaves behind: the dispatch adapter
of the shared outbox mechanism (hwaseong_safety.outbound.outbox).

Every attempt is counted on the row before the request goes out (a crash mid-request still counts)
and its result recorded after. No row lock is held during the request: the agency may call back
before it answers us, and its callback must not wait on our lock. Two attempts racing (a retry and
the sweep) are harmless: the Idempotency-Key makes the agency take the request once, which is why
this outbox does not make an attempt wait out another's lease.

Requests go through the one outbound HTTP client (hwaseong_safety.outbound.http). Logs carry ids
and status codes only: never the payload, the URL (it may hold a token) or the person.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import httpx
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from alerts.dispatch import config
from alerts.dispatch.alarm import mark_reached, refresh_dispatch_alarm
from alerts.dispatch.payload import build_payload
from alerts.dispatch.signing import signed_headers
from alerts.models import Alert, DeliveryStatus, Disclosure, Escalation
from alerts.publish import publish_alert_event
from alerts.timeline import record_event
from hwaseong_safety.outbound import http as outbound_http
from hwaseong_safety.outbound.http import TransportError
from hwaseong_safety.outbound.outbox import Backoff, Outbox

logger = logging.getLogger(__name__)

ERROR_MAX = 300

# next_attempt_at is both the lease of an attempt in flight and the due time of a retry.
OUTBOX: Outbox[Escalation] = Outbox(Escalation, pending=Q(delivery_status=DeliveryStatus.PENDING),
                                    lease_field="next_attempt_at", honour_lease=False)


@dataclass(frozen=True)
class Outcome:
    status: str  # delivered | retry | failed | skipped (not pending any more)
    retry_in: float | None = None


def schedule() -> Backoff:
    """DISPATCH_RETRY_BASE_SECONDS · DISPATCH_RETRY_FACTOR^(n-1), capped at
    DISPATCH_RETRY_MAX_SECONDS, plus up to DISPATCH_RETRY_JITTER of it at random."""
    return Backoff(base_s=config.retry_base_s(), factor=config.retry_factor(), cap_s=config.retry_cap_s(),
                   jitter=config.retry_jitter())


def backoff_s(attempts: int, retry_after: float | None = None) -> float:
    """Seconds before the next try; an agency's Retry-After wins (within the cap)."""
    return schedule().delay(attempts, retry_after)


def encode(payload: dict) -> bytes:
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def _send(escalation: Escalation) -> str:
    """POST the signed payload; the agency's reference on 2xx, else TransportError."""
    target = config.endpoint(escalation.agency)
    if target is None:
        raise TransportError(f"DISPATCH_{escalation.agency.upper()}_URL/SECRET not set", permanent=True)
    body = encode(build_payload(escalation))
    headers = signed_headers(target.secret, body, agency=escalation.agency,
                             idempotency_key=escalation.idempotency_key)
    response = outbound_http.post(target.url, timeout=config.timeout_s(), headers=headers, content=body)
    return _reference(response)


def _reference(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("reference") or "")[:100] if isinstance(body, dict) else ""


def _start(escalation_id: int) -> tuple[Escalation | None, bool]:
    """Count the attempt. (None, False) when the row is no longer pending (delivered, failed, not
    linked) or another attempt claimed it this instant; (row, False) when it is pending with no
    attempts left (a crash after the last one)."""
    now = timezone.now()
    claimed = OUTBOX.claim(
        escalation_id, max_attempts=config.max_attempts(),
        # Keeps the sweep off this row while the request is in flight.
        lease_s=config.timeout_s() + config.sweep_grace_s(),
        queryset=Escalation.objects.select_related("alert__citizen", "alert__center", "requested_by__center"),
        record=lambda row: {"last_attempt_at": now},
    )
    if claimed is None:
        return None, False
    return claimed.row, claimed.counted


def attempt_delivery(escalation_id: int) -> Outcome:
    """One attempt. The Celery task retries on ``Outcome.retry_in``; tests call this directly."""
    escalation, counted = _start(escalation_id)
    if escalation is None:
        return Outcome("skipped")
    if not counted:
        return _fail(escalation, escalation.last_error or "no attempts left")
    try:
        reference = _send(escalation)
    except TransportError as exc:
        if exc.permanent:
            return _fail(escalation, str(exc))
        if escalation.attempts >= config.max_attempts():
            return _fail(escalation, f"{exc} (after {escalation.attempts} attempts)")
        return _retry_later(escalation, str(exc), backoff_s(escalation.attempts, exc.retry_after))
    return _delivered(escalation, reference)


def _retry_later(escalation: Escalation, error: str, delay: float) -> Outcome:
    OUTBOX.hold(escalation.pk, escalation.attempts, delay, last_error=error[:ERROR_MAX])
    logger.warning("escalation %s (%s): attempt %s failed (%s), retry in %.0f s",
                   escalation.pk, escalation.agency, escalation.attempts, error, delay)
    return Outcome("retry", retry_in=delay)


def _delivered(escalation: Escalation, reference: str) -> Outcome:
    with transaction.atomic():
        # The alert row first, like every action: its dispatch alarm and status change here.
        alert = Alert.objects.select_for_update().get(pk=escalation.alert_id)
        row = Escalation.objects.select_for_update().get(pk=escalation.pk)
        was_pending = row.delivery_status != DeliveryStatus.DELIVERED
        # A failed row the agency took after all (a timeout it answered late) is delivered too.
        row.delivery_status = DeliveryStatus.DELIVERED
        row.delivered_at = row.delivered_at or timezone.now()
        row.external_reference = row.external_reference or reference
        row.last_error, row.next_attempt_at = "", None
        row.save(update_fields=["delivery_status", "delivered_at", "external_reference", "last_error",
                                "next_attempt_at"])
        if was_pending:  # a callback that came first already told the console
            refresh_dispatch_alarm(alert)  # a late delivery ends a "phone it now" alarm
            mark_reached(alert)
            event = record_event(alert, "escalation_delivered", data={
                "escalation_id": row.pk, "agency": row.agency, "attempts": row.attempts,
                "reference": row.external_reference})
            publish_alert_event(alert, "escalation_delivered", event=event)
            record_agency_disclosure(row)
    logger.info("escalation %s (%s) delivered after %s attempt(s)", row.pk, row.agency, row.attempts)
    return Outcome("delivered")


def _fail(escalation: Escalation, error: str) -> Outcome:
    """Give up and raise the alarm on the console: the operator must phone 112/119 now."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=escalation.alert_id)
        changed = Escalation.objects.filter(pk=escalation.pk, delivery_status=DeliveryStatus.PENDING).update(
            delivery_status=DeliveryStatus.FAILED, last_error=error[:ERROR_MAX], next_attempt_at=None,
            alarm_at=Coalesce(F("alarm_at"), Value(timezone.now())))
        if not changed:  # delivered meanwhile (a callback), or another attempt already failed it
            return Outcome("skipped")
        refresh_dispatch_alarm(alert)
        event = record_event(alert, "escalation_failed", data={
            "escalation_id": escalation.pk, "agency": escalation.agency,
            "attempts": escalation.attempts, "error": error[:ERROR_MAX]})
        publish_alert_event(alert, "escalation_failed", event=event)
    logger.error("escalation %s (%s) failed after %s attempt(s): %s", escalation.pk, escalation.agency,
                 escalation.attempts, error)
    return Outcome("failed")


_AGENCY_NAMES = {"police": "경찰 112", "fire": "소방 119"}


def record_agency_disclosure(escalation: Escalation) -> None:
    """The person's location went to the police or fire service: record it (위치정보법 §16, §19),
    so the citizen sees it in /api/v1/app/disclosures."""
    alert = Alert.objects.only("citizen_id").get(pk=escalation.alert_id)
    Disclosure.objects.create(
        citizen_id=alert.citizen_id, recipient_kind=escalation.agency,
        recipient=_AGENCY_NAMES.get(escalation.agency, escalation.agency),
        purpose="escalation", alert_id=escalation.alert_id,
    )
