"""Telling a citizen's guardians about a trip or an alert, for the ``alerts`` app.

Runs in the caller's transaction: the SMS rows and the disclosure records commit (or roll back)
with whatever caused them; the SMS are sent only after commit (see ``queue_sms``).
"""

from __future__ import annotations

from collections.abc import Callable

from alerts.models import Alert, Disclosure, DisclosureRecipient, Trip
from citizens.models import Citizen
from guardians.models import Guardian
from guardians.tracking import tracking_url
from hwaseong_safety.phones import mask
from sms.models import SmsMessage
from sms.outbox import queue_many


def active_guardians(citizen: Citizen) -> list[Guardian]:
    """Guardians who haven't declined: the only ones we may contact."""
    return list(citizen.guardians.filter(declined_at__isnull=True).order_by("id"))


def notify_guardians(
    citizen: Citizen,
    purpose: str,
    make_body: Callable[[Guardian, str], str],
    *,
    trip: Trip | None = None,
    alert: Alert | None = None,
    discloses_location: bool = True,
) -> list[SmsMessage]:
    """Queue one SMS per non-declined guardian; ``make_body(guardian, link)`` writes its text.

    ``link`` is the guardian's own tracking URL when ``trip`` or ``alert`` is given (alert wins if
    both are), else "". When ``discloses_location``, each SMS is recorded as a Disclosure
    (위치정보 제3자 제공 기록), which the citizen sees in ``/api/v1/app/disclosures``.
    """
    guardians = active_guardians(citizen)
    texts = []
    for guardian in guardians:
        if alert is not None:
            link = tracking_url(guardian, alert=alert)
        elif trip is not None:
            link = tracking_url(guardian, trip=trip)
        else:
            link = ""
        texts.append((guardian.phone, make_body(guardian, link)))
    messages = queue_many(texts, purpose)  # one INSERT for all of them, one for the disclosures
    if discloses_location:
        Disclosure.objects.bulk_create(
            Disclosure(citizen=citizen, recipient_kind=DisclosureRecipient.GUARDIAN,
                       recipient=f"{guardian.name} {mask(guardian.phone)}"[:100], purpose=purpose[:30],
                       trip=trip, alert=alert)
            for guardian in guardians
        )
    return messages
