"""Celery side of dispatch delivery (alerts.dispatch.delivery does the work).

The worker must import this module: CELERY_IMPORTS = ("alerts.dispatch.tasks",) in settings
(autodiscovery only finds alerts.tasks). Task names are the ones this module had when it was
alerts/dispatch_tasks.py: a countdown task queued before an upgrade still finds its function.
``redeliver_due_escalations`` runs from beat and
re-queues pending escalations whose task was lost (broker down at escalation time, worker killed).
"""

from __future__ import annotations

import logging

from celery import shared_task

from alerts.dispatch import config
from alerts.dispatch.alarm import do_alarm_overdue_escalation, overdue_escalations
from alerts.dispatch.delivery import OUTBOX, attempt_delivery

logger = logging.getLogger(__name__)

SWEEP_BATCH = 200
TASK_PREFIX = "alerts.dispatch_tasks."


@shared_task(bind=True, acks_late=True, max_retries=None, name=TASK_PREFIX + "deliver_escalation")
def deliver_escalation(self: object, escalation_id: int) -> str:
    """One attempt; on a transient failure, the next one after the backoff. The attempt count
    lives on the row (not in the task), so the sweep and this chain share one limit."""
    outcome = attempt_delivery(escalation_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


def queue_delivery(escalation_id: int) -> None:
    """Called after commit. If the broker is down the row stays pending for the sweep."""
    deliver_escalation.delay(escalation_id)


@shared_task(acks_late=True, name=TASK_PREFIX + "redeliver_due_escalations")
def redeliver_due_escalations() -> int:
    """Queue again every pending escalation whose lease (an attempt in flight, or a retry's due
    time) ended more than DISPATCH_SWEEP_GRACE_SECONDS ago: its task was lost."""
    count = OUTBOX.sweep(deliver_escalation.delay, grace_s=config.sweep_grace_s(), order_by="next_attempt_at",
                         limit=SWEEP_BATCH)
    if count:
        logger.warning("re-queued %s escalation(s) whose delivery task was lost", count)
    return count


@shared_task(acks_late=True, name=TASK_PREFIX + "check_overdue_escalation")
def check_overdue_escalation(escalation_id: int) -> bool:
    """At the pending bound after an escalation: alarm if it has still not reached the agency."""

    return do_alarm_overdue_escalation(escalation_id) is not None


def queue_overdue_check(escalation_id: int) -> None:
    """Called after commit. The beat sweep (alarm_overdue_escalations) covers a lost task."""
    check_overdue_escalation.apply_async((escalation_id,), countdown=config.pending_alarm_s())


@shared_task(acks_late=True, name=TASK_PREFIX + "alarm_overdue_escalations")
def alarm_overdue_escalations() -> int:
    """Run by beat every 2 s: every request still pending past DISPATCH_PENDING_ALARM_SECONDS
    alarms the console once. Returns how many were alarmed."""

    alarmed = 0
    for pk in overdue_escalations().order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH]:
        try:
            alarmed += do_alarm_overdue_escalation(pk) is not None
        # One bad row must not keep the alarm from every other undelivered request.
        except Exception:
            logger.exception("could not raise the phone alarm for escalation %s", pk)
    return alarmed
