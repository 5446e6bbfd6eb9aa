"""The one outbox mechanism on a real table (the SMS outbox's): claim with a lease, the attempt
counted before sending, backoff holding the row, the sweep of rows whose lease ended."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db.models import Q
from django.utils import timezone

from hwaseong_safety.outbound.outbox import Backoff, Outbox
from sms.models import SmsMessage, SmsStatus

pytestmark = pytest.mark.django_db

OUTBOX = Outbox(SmsMessage, pending=Q(status=SmsStatus.QUEUED), lease_field="lease_until")


def _row() -> SmsMessage:
    return SmsMessage.objects.create(to="01012345678", body="x", purpose="sos")


def test_the_schedules_of_sms_and_dispatch() -> None:
    sms = Backoff(base_s=5, factor=3)
    assert [sms.delay(n) for n in range(1, 6)] == [5, 15, 45, 135, 405]
    dispatch = Backoff(base_s=2, factor=2, cap_s=60, jitter=0.25)
    for attempt, low in [(1, 2), (2, 4), (3, 8), (6, 60), (20, 60)]:
        assert low <= dispatch.delay(attempt) <= low * 1.25
    assert 30 <= dispatch.delay(1, retry_after=30) <= 75 and dispatch.delay(1, retry_after=600) == 75


def test_a_claim_counts_the_attempt_and_leases_the_row() -> None:
    row = _row()
    claimed = OUTBOX.claim(row.pk, lease_s=60, record=lambda r: {"transport": "http"})
    assert claimed is not None and (claimed.attempt, claimed.counted) == (1, True)
    row.refresh_from_db()
    assert (row.attempts, row.transport) == (1, "http") and row.lease_until > timezone.now()
    assert OUTBOX.claim(row.pk, lease_s=60) is None  # leased: nobody else sends it
    with time_machine.travel(row.lease_until + timedelta(seconds=1)):
        assert OUTBOX.claim(row.pk, lease_s=60).attempt == 2  # the lease of a dead attempt ended


def test_a_scheduled_retry_owns_its_backoff() -> None:
    row = _row()
    OUTBOX.claim(row.pk, lease_s=60)
    assert OUTBOX.hold(row.pk, 1, 30, last_error="busy")
    assert OUTBOX.claim(row.pk, lease_s=60) is None  # a stray attempt inside the backoff
    assert OUTBOX.claim(row.pk, lease_s=60, expected_attempts=1).attempt == 2  # the retry itself
    assert not OUTBOX.hold(row.pk, 1, 30)  # attempt 1 may no longer write over attempt 2


def test_no_attempts_left_claims_nothing() -> None:
    row = _row()
    SmsMessage.objects.filter(pk=row.pk).update(attempts=3)
    claimed = OUTBOX.claim(row.pk, lease_s=60, max_attempts=3)
    assert claimed is not None and (claimed.attempt, claimed.counted) == (3, False)
    row.refresh_from_db()
    assert (row.attempts, row.lease_until) == (3, None)


def test_without_honouring_leases_an_attempt_may_start_at_once() -> None:
    eager = Outbox(SmsMessage, pending=Q(status=SmsStatus.QUEUED), lease_field="lease_until",
                   honour_lease=False)
    row = _row()
    assert [eager.claim(row.pk, lease_s=60).attempt for _ in range(2)] == [1, 2]


def test_the_sweep_finds_rows_whose_lease_ended() -> None:
    fresh, leased, done = _row(), _row(), _row()
    OUTBOX.claim(leased.pk, lease_s=60)
    SmsMessage.objects.filter(pk=done.pk).update(status=SmsStatus.SENT)
    assert OUTBOX.due() == [fresh.pk]
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert OUTBOX.due() == [fresh.pk, leased.pk]
        assert OUTBOX.due(grace_s=120) == [fresh.pk]  # never leased: due at once
        queued: list[int] = []
        assert OUTBOX.sweep(queued.append, also=Q(pk=leased.pk)) == 1 and queued == [leased.pk]
