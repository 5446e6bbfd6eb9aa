"""SMS budgets: how many texts a citizen's own actions may cause per Seoul day, and how many any
one number may receive from such actions (SMS pumping: every text costs the city money).

Charged where a citizen's request would queue texts it chose to cause: a sign-up code, a guardian
added, a trip started. Over budget, the request is a 429 and nothing is queued or stored. Texts
that must reach guardians whatever the count (an SOS, an arrival, an overdue trip, a closed alert)
are never charged nor refused: their causes are throttled instead (docs/sms.md).
"""

from __future__ import annotations

import logging
from collections import Counter as Tally

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import Throttled

from hwaseong_safety import ratelimit
from hwaseong_safety.phones import digest

logger = logging.getLogger(__name__)


class SmsBudgetExceeded(Throttled):
    pass


def _number_key(phone: str) -> str:
    return "sms_number:" + digest(phone)  # no numbers in Redis keys


def charge(citizen_id: int | None, numbers: list[str]) -> None:
    """Count ``numbers`` (one text each) against today's budgets, or raise SmsBudgetExceeded (a 429)
    and count nothing. Redis away: allowed and logged, as the throttles are."""
    if not numbers:
        return
    counters = [ratelimit.Counter(_number_key(phone), settings.SMS_BUDGET_PER_NUMBER_DAY, amount)
                for phone, amount in Tally(numbers).items()]
    if citizen_id is not None:
        counters.insert(0, ratelimit.Counter(f"sms_citizen:{citizen_id}", settings.SMS_BUDGET_PER_CITIZEN_DAY,
                                             len(numbers)))
    try:
        full = ratelimit.charge(counters)
    except Exception:
        logger.exception("SMS budget unavailable; allowing %d text(s)", len(numbers))
        return
    if full is None:
        return
    logger.warning("SMS budget reached (%s); %d text(s) refused", full.name.split(":")[0], len(numbers))
    if full.name.startswith("sms_citizen:"):
        detail = _("You have reached today's limit of text messages; try again tomorrow.")
    else:
        detail = _("This number has received today's limit of text messages; try again tomorrow.")
    raise SmsBudgetExceeded(wait=ratelimit.seconds_to_seoul_midnight(), detail=detail)
