"""The guardians told of an alert's turns: the SOS (with each guardian's tracking link), the
citizen's own cancel and the center's close (short texts that name no place, so no disclosure).

One way for all three: in a savepoint, so a failure to queue the SMS never takes the alert's change
down with it; the failure becomes a ``guardians_not_notified`` timeline alarm the operator sees.
Nothing is sent for a duress alert's cancel or close (docs/sms.md): whoever holds the phone must not
learn from a guardian's SMS that the cancel was not what it seemed."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from alerts.models import Alert
from alerts.texts import alert_cancelled_body, alert_closed_body, sos_body
from alerts.timeline import record_event
from guardians.models import Guardian
from guardians.notify import notify_guardians

logger = logging.getLogger(__name__)

SOS_SMS_PURPOSE = "sos"
CANCELLED_SMS_PURPOSE = "alert_cancelled"
CLOSED_SMS_PURPOSE = "alert_closed"


def tell_guardians_of_sos(alert: Alert) -> None:
    _tell(alert, SOS_SMS_PURPOSE, lambda _guardian, link: sos_body(alert, link), with_link=True)


def tell_guardians_of_cancel(alert: Alert) -> None:
    if not alert.is_duress:
        body = alert_cancelled_body(alert)
        _tell(alert, CANCELLED_SMS_PURPOSE, lambda _guardian, _link: body, with_link=False)


def tell_guardians_of_close(alert: Alert) -> None:
    if not alert.is_duress:
        body = alert_closed_body(alert)  # the same text for every guardian
        _tell(alert, CLOSED_SMS_PURPOSE, lambda _guardian, _link: body, with_link=False)


def _tell(alert: Alert, purpose: str, make_body: Callable[[Guardian, str], str], *, with_link: bool) -> None:
    try:
        with transaction.atomic():
            notify_guardians(alert.citizen, purpose, make_body, alert=alert if with_link else None,
                             discloses_location=with_link)
    except Exception:
        logger.exception("alert %s: guardians could not be told (%s)", alert.pk, purpose)
        record_event(alert, "guardians_not_notified", data={"purpose": purpose})
