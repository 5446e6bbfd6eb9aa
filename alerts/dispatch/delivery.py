"""One signed delivery attempt of an Escalation, and what it leaves behind.

Every attempt is counted on the row before the request goes out (a crash mid-request still counts)
and its result recorded after. No row lock is held during the request: the agency may call back
before it answers us, and its callback must not wait on our lock. Two attempts racing (a retry and
the sweep) are harmless: the Idempotency-Key makes the agency take the request once.

httpx is the one outbound HTTP boundary (``_post``). Logs carry ids and status codes only: never
the payload, the URL (it may hold a token) or the person.
"""

from __future__ import annotations

import json
import logging
import random
from dataclasses import dataclass
from datetime import timedelta

import httpx
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from alerts.dispatch import config
from alerts.dispatch.alarm import mark_reached, refresh_dispatch_alarm
from alerts.dispatch.payload import build_payload
from alerts.dispatch.signing import signed_headers
from alerts.models import Alert, DeliveryStatus, Disclosure, Escalation
from alerts.publish import publish_alert_event
from alerts.timeline import record_event

logger = logging.getLogger(__name__)

RETRY_STATUSES = {408, 429}  # 4xx that mean "later", not "never"
ERROR_MAX = 300


@dataclass(frozen=True)
class Outcome:
    status: str  # delivered | retry | failed | skipped (not pending any more)
    retry_in: float | None = None


class _Transient(Exception):
    def __init__(self, error: str, retry_after: float | None = None) -> None:
        super().__init__(error)
        self.error, self.retry_after = error, retry_after


class _Permanent(Exception):
    pass


def backoff_s(attempts: int, retry_after: float | None = None) -> float:
    """Exponential (base · 2^(n-1)) with up to 25 % jitter, so that many escalations failing on
    one outage don't all come back at the same second; capped; an agency's Retry-After wins."""
    delay = min(config.retry_cap_s(), config.retry_base_s() * 2 ** max(0, attempts - 1))
    delay *= 1 + random.random() / 4
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(delay, config.retry_cap_s() * 1.25)


def encode(payload: dict) -> bytes:
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def _post(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(timeout=config.timeout_s(), follow_redirects=False) as client:
        return client.post(url, content=body, headers=headers)


def _send(escalation: Escalation) -> str:
    """POST the signed payload; the agency's reference on 2xx, else _Transient or _Permanent."""
    target = config.endpoint(escalation.agency)
    if target is None:
        raise _Permanent(f"DISPATCH_{escalation.agency.upper()}_URL/SECRET not set")
    body = encode(build_payload(escalation))
    headers = signed_headers(target.secret, body, agency=escalation.agency,
                             idempotency_key=escalation.idempotency_key)
    try:
        response = _post(target.url, body, headers)
    except httpx.TimeoutException as exc:
        raise _Transient(f"timeout ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:  # refused, reset, DNS, TLS: the network, not the request
        raise _Transient(type(exc).__name__) from exc
    except httpx.HTTPError as exc:  # e.g. an invalid URL: retrying won't fix the configuration
        raise _Permanent(type(exc).__name__) from exc
    code = response.status_code
    if 200 <= code < 300:
        return _reference(response)
    error = f"HTTP {code} {response.reason_phrase}".strip()
    if code >= 500 or code in RETRY_STATUSES:
        raise _Transient(error, _retry_after(response))
    raise _Permanent(error)


def _reference(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("reference") or "")[:100] if isinstance(body, dict) else ""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


def _start(escalation_id: int) -> tuple[Escalation | None, bool]:
    """Count the attempt. (None, False) when the row is no longer pending (delivered, failed, not
    linked); (row, False) when it is pending with no attempts left (a crash after the last one)."""
    with transaction.atomic():
        escalation = (Escalation.objects.select_for_update(of=("self",))
                      .select_related("alert__citizen", "alert__center", "requested_by__center")
                      .filter(pk=escalation_id, delivery_status=DeliveryStatus.PENDING).first())
        if escalation is None or escalation.attempts >= config.max_attempts():
            return escalation, False
        now = timezone.now()
        escalation.attempts += 1
        escalation.last_attempt_at = now
        # Keeps the sweep off this row while the request is in flight.
        escalation.next_attempt_at = now + timedelta(seconds=config.timeout_s() + config.sweep_grace_s())
        escalation.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
    return escalation, True


def attempt_delivery(escalation_id: int) -> Outcome:
    """One attempt. The Celery task retries on ``Outcome.retry_in``; tests call this directly."""
    escalation, counted = _start(escalation_id)
    if escalation is None:
        return Outcome("skipped")
    if not counted:
        return _fail(escalation, escalation.last_error or "no attempts left")
    try:
        reference = _send(escalation)
    except _Permanent as exc:
        return _fail(escalation, str(exc))
    except _Transient as exc:
        if escalation.attempts >= config.max_attempts():
            return _fail(escalation, f"{exc.error} (after {escalation.attempts} attempts)")
        return _retry_later(escalation, exc.error, backoff_s(escalation.attempts, exc.retry_after))
    return _delivered(escalation, reference)


def _retry_later(escalation: Escalation, error: str, delay: float) -> Outcome:
    next_at = timezone.now() + timedelta(seconds=delay)
    Escalation.objects.filter(pk=escalation.pk, delivery_status=DeliveryStatus.PENDING).update(
        last_error=error[:ERROR_MAX], next_attempt_at=next_at)
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
