"""Two verifies at once, each on its own database connection (hence transaction=True)."""

from __future__ import annotations

import pytest

from citizens.actions import do_register, do_verify
from citizens.models import AppToken, Citizen, PhoneVerification
from citizens.verification import Outcome
from tests.fixtures.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_verifies_cannot_both_consume_one_code(outbox) -> None:
    do_register("01012345678", "홍길동")
    code = outbox[-1]["body"].split("[")[2].split("]")[0]
    results = race(lambda: do_verify("01012345678", code), n=4)
    outcomes = sorted(r.outcome.value for r in results)
    assert outcomes.count("ok") == 1 and outcomes.count("no_code") == 3
    assert Citizen.objects.count() == 1 and AppToken.objects.count() == 1
    assert PhoneVerification.objects.get().consumed_at is not None
    assert Outcome.OK in {r.outcome for r in results}
