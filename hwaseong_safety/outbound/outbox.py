"""The one outbox mechanism: rows that must reach another system wait in their own table until an
attempt delivers them. SMS (sms/delivery.py) and police/fire dispatch (alerts/dispatch/delivery.py)
are each a small adapter over it; docs/sms.md and docs/dispatch.md tell why it works this way.

* **Claim** (``Outbox.claim``): a conditional UPDATE counts the attempt and sets a lease *before*
  the request goes out, committed at once. No row lock is held during the request (an agency may
  call back before it answers us; a provider may hang until the timeout), and a worker killed
  mid-request leaves its evidence: an attempt counted, a lease, no result.
* **Backoff** (``Backoff``): after a transient failure the row's lease is held until the next try
  (``Outbox.hold``), so nothing else sends it early. Each adapter's schedule comes from settings.
* **Sweep** (``Outbox.due``): rows still pending whose lease has ended (their task was lost: the
  broker was down at commit time, a worker died) are queued again by a beat task.

The mechanism knows rows, attempts and leases; what "delivered" or "failed" means (an SMS marked
sent, an alarm on the console) stays with the adapter.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

Row = TypeVar("Row", bound=models.Model)


@dataclass(frozen=True)
class Backoff:
    """Seconds before the next try after the n-th failed attempt: ``base · factor^(n-1)``, capped;
    up to ``jitter`` of it added at random (many rows failing on one outage don't all come back in
    the same second); a server's Retry-After wins when longer, still within the cap."""

    base_s: float
    factor: float
    cap_s: float | None = None
    jitter: float = 0.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        delay = self.base_s * self.factor ** max(attempt - 1, 0)
        if self.cap_s is not None:
            delay = min(delay, self.cap_s)
        if self.jitter:
            delay *= 1 + random.random() * self.jitter
        if retry_after is not None:
            delay = max(delay, retry_after)
        if self.cap_s is not None:
            delay = min(delay, self.cap_s * (1 + self.jitter))
        return delay


@dataclass(frozen=True)
class Claim(Generic[Row]):
    row: Row  # as read, with the claim's values set on it
    attempt: int  # this attempt's number, as recorded; with ``counted`` False, the last one made
    counted: bool = True  # False: no attempts were left, nothing was claimed (the adapter gives up)


@dataclass(frozen=True)
class Outbox(Generic[Row]):
    """One outbox table. ``pending`` selects the rows still to deliver; ``lease_field`` is the
    column that holds the lease of an attempt in flight or of a scheduled retry."""

    model: type[Row]
    pending: Q
    lease_field: str
    attempts_field: str = "attempts"
    # False: an attempt may start while another's lease runs (dispatch: the agency takes a
    # request once per Idempotency-Key, and a retry must not wait on a dead worker's lease).
    honour_lease: bool = True

    def _rows(self) -> models.QuerySet[Row]:
        return self.model._default_manager.filter(self.pending)

    def free(self, now: datetime, expected_attempts: int | None = None) -> Q:
        """Rows no attempt owns now. The retry scheduled after attempt n owns its backoff lease:
        ``expected_attempts`` n lets exactly that retry in; any other attempt would have raised
        the count past n, so it never overtakes an attempt in flight."""
        lease = self.lease_field
        free = Q(**{f"{lease}__isnull": True}) | Q(**{f"{lease}__lte": now})
        if expected_attempts is not None:
            free |= Q(**{self.attempts_field: expected_attempts})
        return free

    def claim(self, pk: int, *, lease_s: float, expected_attempts: int | None = None,
              max_attempts: int | None = None, queryset: models.QuerySet[Row] | None = None,
              record: Callable[[Row], dict[str, object]] | None = None) -> Claim[Row] | None:
        """Count one attempt on row ``pk`` and lease it for ``lease_s`` seconds, or None when the
        row is not pending, is owned by another attempt, or another worker claimed it first.
        ``record(row)`` (the row as read) gives more columns to set in the same UPDATE. With
        ``max_attempts`` already made, nothing is claimed: ``Claim(counted=False)``."""
        now = timezone.now()
        free = self.free(now, expected_attempts) if self.honour_lease else Q()
        rows = queryset if queryset is not None else self.model._default_manager.all()
        row = rows.filter(self.pending, pk=pk).filter(free).first()
        if row is None:
            return None
        made = getattr(row, self.attempts_field)
        if max_attempts is not None and made >= max_attempts:
            return Claim(row, made, counted=False)
        values = {**(record(row) if record else {}), self.attempts_field: made + 1,
                  self.lease_field: now + timedelta(seconds=lease_s)}
        if not self._rows().filter(pk=pk, **{self.attempts_field: made}).filter(free).update(**values):
            return None  # another worker claimed it between our read and our update
        for name, value in values.items():
            setattr(row, name, value)
        return Claim(row, made + 1)

    def hold(self, pk: int, attempt: int, seconds: float | None, **fields: object) -> bool:
        """After attempt ``attempt``: lease the row for ``seconds`` (a retry's backoff; None frees
        it now) and set ``fields``; only if it is still pending and no later attempt claimed it."""
        lease = None if seconds is None else timezone.now() + timedelta(seconds=seconds)
        mine = self._rows().filter(pk=pk, **{self.attempts_field: attempt})
        return bool(mine.update(**{self.lease_field: lease}, **fields))

    def due(self, *, grace_s: float = 0.0, also: Q | None = None, order_by: str = "pk",
            limit: int = 1000) -> list[int]:
        """Pending rows whose lease ended at least ``grace_s`` ago (or that never had one) and match
        ``also``: their task was lost. The sweep queues each again; the claim keeps a merely slow
        task from sending twice."""
        rows = self._rows().filter(self.free(timezone.now() - timedelta(seconds=grace_s)))
        if also is not None:
            rows = rows.filter(also)
        return list(rows.order_by(order_by).values_list("pk", flat=True)[:limit])

    def sweep(self, enqueue: Callable[[int], object], **due: object) -> int:
        """``enqueue(pk)`` for every ``due(**due)`` row; how many."""
        ids = self.due(**due)  # type: ignore[arg-type]
        for pk in ids:
            enqueue(pk)
        return len(ids)
