"""What operators do to an alert from the console (Zulip-style ``do_*`` actions).

Each action locks the alert row (SELECT ... FOR UPDATE), so two operators acting at once are
serialised by PostgreSQL: the second sees the first one's result and loses cleanly. Each one
appends one AlertEvent and publishes the change after commit. Callers check visibility first
(console.visibility); the actions check the alert's state and the claim.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.actions.notices import tell_guardians_of_close
from alerts.dispatch import config as dispatch_config
from alerts.dispatch.alarm import mark_reached, refresh_dispatch_alarm
from alerts.dispatch.delivery import record_agency_disclosure
from alerts.dispatch.tasks import queue_delivery, queue_overdue_check
from alerts.models import Alert, AlertEvent, AlertStatus, DeliveryStatus, Escalation, EscalationAgency
from alerts.publish import publish_alert_event
from alerts.timeline import record_event
from hwaseong_safety.commit import on_commit_robust
from operators.models import Center, User
from operators.roles import Capability, has_capability

logger = logging.getLogger(__name__)


# Statuses an action may still change; a citizen's cancel and a close end the alert.
FINISHED = (AlertStatus.CLOSED, AlertStatus.CANCELLED)


class ConsoleConflict(Exception):
    """The alert's state forbids the action (HTTP 409)."""

    code = "conflict"

    def __init__(self, alert: Alert, message: object) -> None:
        super().__init__(str(message))
        self.alert = alert
        self.message = message


class AlreadyClaimed(ConsoleConflict):
    code = "claimed"

    def __init__(self, alert: Alert) -> None:
        holder = alert.claimed_by
        name = holder.get_full_name() or holder.username
        super().__init__(alert, _("This alert has already been claimed by %(name)s.") % {"name": name})


class AlertFinished(ConsoleConflict):
    code = "finished"

    def __init__(self, alert: Alert) -> None:
        super().__init__(alert, _("This alert is already closed or was cancelled by the citizen."))


class SameCenter(ConsoleConflict):
    code = "same_center"

    def __init__(self, alert: Alert) -> None:
        super().__init__(alert, _("The alert is already with this center."))


class AlreadyRequested(ConsoleConflict):
    code = "already_requested"

    def __init__(self, alert: Alert, agencies: list[str]) -> None:
        names = ", ".join(str(EscalationAgency(a).label) for a in agencies)
        super().__init__(alert, _("%(agencies)s was already asked for this alert. To send a new request, "
                                  "give the reason for it.") % {"agencies": names})
        self.agencies = agencies


class NotRequested(ConsoleConflict):
    code = "not_requested"

    def __init__(self, alert: Alert, agency: str) -> None:
        super().__init__(alert, _("No request to %(agency)s is waiting for a phone call: escalate first.")
                         % {"agency": EscalationAgency(agency).label})


def _locked(alert: Alert) -> Alert:
    # No joins: when the lock had to wait, PostgreSQL re-reads the locked row but not a joined one,
    # so a select_related claimed_by could come back None for the claim that just won.
    return Alert.objects.select_for_update().get(pk=alert.pk)


def _check_may_act(alert: Alert, user: User) -> None:
    """Open, and not claimed by someone else (supervisors may act over anyone's claim)."""
    if not alert.is_open:
        raise AlertFinished(alert)
    if alert.claimed_by_id not in (None, user.pk) and not has_capability(user, Capability.WATCH_ALL_CENTERS):
        raise AlreadyClaimed(alert)


def _take(alert: Alert, user: User, now: datetime) -> AlertEvent | None:
    """Claim an unclaimed alert for ``user`` on the way to another action (acting on an alert is
    taking it on). Returns the claim's event, if one was made."""
    _check_may_act(alert, user)
    if alert.claimed_by_id is not None:
        return None
    alert.claimed_by, alert.claimed_at = user, now
    if alert.status == AlertStatus.RECEIVED:
        alert.status = AlertStatus.CLAIMED
    alert.save(update_fields=["claimed_by", "claimed_at", "status", "updated_at"])
    return record_event(alert, "claimed", actor=user)


def do_claim_alert(alert: Alert, user: User) -> tuple[Alert, AlertEvent]:
    """Exactly one of several simultaneous claims wins; the others raise AlreadyClaimed naming the
    winner. Claiming one's own claim again is a no-op returning the original claim event."""
    with transaction.atomic():
        alert = _locked(alert)
        if not alert.is_open:
            raise AlertFinished(alert)
        if alert.claimed_by_id is not None and alert.claimed_by_id != user.pk:
            raise AlreadyClaimed(alert)
        event = _take(alert, user, timezone.now())
        if event is None:
            return alert, alert.events.filter(kind="claimed", actor=user).last()
        publish_alert_event(alert, "claimed", event=event)
    return alert, event


def do_acknowledge_alert(alert: Alert, user: User) -> tuple[Alert, AlertEvent | None]:
    """The center is on it: the app shows "in_progress". Never moves a dispatched alert back."""
    with transaction.atomic():
        alert = _locked(alert)
        claim = _take(alert, user, timezone.now())
        if alert.status not in (AlertStatus.RECEIVED, AlertStatus.CLAIMED):
            if claim is not None:  # e.g. an acknowledged alert just transferred in: the claim is news
                publish_alert_event(alert, "claimed", event=claim)
            return alert, claim
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.save(update_fields=["status", "updated_at"])
        event = record_event(alert, "acknowledged", actor=user)
        publish_alert_event(alert, "acknowledged", event=event)
    return alert, event


def do_add_note(alert: Alert, user: User, text: str) -> AlertEvent:
    """Notes change no state; allowed on finished alerts too (the write-up often comes after)."""
    with transaction.atomic():
        event = record_event(alert, "note", actor=user, data={"text": text})
        publish_alert_event(alert, "note", event=event)
    return event


def do_escalate_alert(
    alert: Alert, user: User, agencies: Iterable[str], reason: str, repeat_reason: str = "",
) -> tuple[Alert, AlertEvent, list[Escalation]]:
    """Record a request to the police and/or fire service. Each linked agency's request is sent by
    a Celery task after commit (alerts.dispatch); an agency with no webhook configured alarms at
    once: the operator phones it (alerts/dispatch/alarm.py). The alert becomes "dispatched" only
    when an agency is reached. Asking an agency already asked for this alert needs a reason."""
    agencies = sorted(set(agencies))
    with transaction.atomic():
        alert = _locked(alert)
        now = timezone.now()
        _take(alert, user, now)
        asked = sorted(set(alert.escalations.filter(agency__in=agencies).values_list("agency", flat=True)))
        if asked and not repeat_reason:
            raise AlreadyRequested(alert, asked)
        escalations = Escalation.objects.bulk_create(
            Escalation(alert=alert, agency=agency, reason=reason, requested_by=user,
                       repeat_reason=repeat_reason if agency in asked else "",
                       delivery_status=DeliveryStatus.PENDING if linked else DeliveryStatus.NOT_LINKED,
                       next_attempt_at=now, alarm_at=None if linked else now)
            for agency, linked in ((a, bool(dispatch_config.endpoint(a))) for a in agencies)
        )
        if alert.status in (AlertStatus.RECEIVED, AlertStatus.CLAIMED):
            alert.status = AlertStatus.ACKNOWLEDGED  # the center is on it; "dispatched" once reached
            alert.save(update_fields=["status", "updated_at"])
        delivery = {e.agency: e.delivery_status for e in escalations}
        data = {"agencies": agencies, "reason": reason, "delivery": delivery}
        if repeat_reason:
            data["repeat_reason"] = repeat_reason
        event = record_event(alert, "escalated", actor=user, data=data)
        for escalation in escalations:
            if escalation.delivery_status == DeliveryStatus.NOT_LINKED:
                record_event(alert, "escalation_not_linked",
                             data={"escalation_id": escalation.pk, "agency": escalation.agency})
        refresh_dispatch_alarm(alert)
        publish_alert_event(alert, "escalated", event=event)
        for escalation in escalations:
            if escalation.delivery_status == DeliveryStatus.PENDING:
                # robust: a broker outage must not fail the escalation; the sweeps send it later
                # and raise its alarm when it stays pending.
                on_commit_robust(queue_delivery, escalation.pk)
                on_commit_robust(queue_overdue_check, escalation.pk)
    return alert, event, escalations


def do_record_phone_call(alert: Alert, user: User, agency: str, reference: str = "",
                         called_at: datetime | None = None) -> tuple[Alert, AlertEvent]:
    """The operator reported the alert to ``agency`` by phone ("112에 전화로 신고함"): every request
    to it that had not reached it stops alarming, the alert is "dispatched" (the agency has it) and
    the location's provision to the agency is recorded. Allowed on finished alerts too (the call
    may be written down after the close)."""
    with transaction.atomic():
        alert = _locked(alert)
        called_at = called_at or timezone.now()
        open_requests = list(alert.escalations.select_for_update().filter(
            agency=agency, phoned_at__isnull=True).exclude(delivery_status=DeliveryStatus.DELIVERED))
        if not open_requests:
            raise NotRequested(alert, agency)
        for escalation in open_requests:
            escalation.phoned_at, escalation.phoned_by = called_at, user
            escalation.phone_reference = reference
            escalation.save(update_fields=["phoned_at", "phoned_by", "phone_reference"])
        refresh_dispatch_alarm(alert)
        mark_reached(alert)
        event = record_event(alert, "agency_phoned", actor=user, data={
            "agency": agency, "reference": reference, "called_at": called_at.isoformat(),
            "escalation_ids": [e.pk for e in open_requests]})
        record_agency_disclosure(open_requests[-1])
        publish_alert_event(alert, "agency_phoned", event=event)
    return alert, event


def do_transfer_alert(alert: Alert, user: User, center: Center) -> tuple[Alert, AlertEvent]:
    """Hand the alert to another center. The old center is told (and then loses sight of it unless
    it is in the border band); the claim is cleared for the new center's operators to take."""
    with transaction.atomic():
        alert = _locked(alert)
        _check_may_act(alert, user)  # no claim first: the claim is cleared for the new center anyway
        old = alert.center
        if old is not None and old.pk == center.pk:
            raise SameCenter(alert)
        alert.center, alert.claimed_by, alert.claimed_at = center, None, None
        alert.center_pinned = True  # the next location report must not send it back
        if alert.status == AlertStatus.CLAIMED:
            alert.status = AlertStatus.ACKNOWLEDGED  # the app keeps showing "in_progress"
        alert.save(update_fields=["center", "center_pinned", "claimed_by", "claimed_at", "status",
                                  "updated_at"])
        alert.border_centers.remove(center)
        old_code = old.code if old else None
        event = record_event(alert, "transfer", actor=user,
                                          data={"from": old_code, "to": center.code})
        publish_alert_event(alert, "transfer", also_centers=[old_code] if old_code else [], event=event,
                            moved=(old_code, center.code))
    return alert, event


def do_close_alert(alert: Alert, user: User, disposition: str, note: str = "") -> tuple[Alert, AlertEvent]:
    """End the alert with what it turned out to be, and tell the guardians it is over (one SMS each,
    queued in this transaction: a close that rolls back sends nothing). A duress alert still reads
    "cancelled" in the app (alerts.status.app_status) and its guardians get no SMS (see
    alerts.actions.notices)."""
    with transaction.atomic():
        alert = _locked(alert)
        now = timezone.now()
        _take(alert, user, now)
        alert.status, alert.closed_at, alert.disposition = AlertStatus.CLOSED, now, disposition
        alert.save(update_fields=["status", "closed_at", "disposition", "updated_at"])
        event = record_event(alert, "closed", actor=user,
                                          data={"disposition": disposition, "note": note})
        publish_alert_event(alert, "closed", event=event)
        tell_guardians_of_close(alert)
    return alert, event


