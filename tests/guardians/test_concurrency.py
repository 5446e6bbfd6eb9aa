"""Two requests at once, each on its own database connection (hence transaction=True)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from rest_framework.exceptions import ValidationError

from guardians import verification
from guardians.models import AppToken, Citizen, Guardian, PhoneVerification
from guardians.verification import Outcome
from guardians.views_guardians import add_guardian

pytestmark = pytest.mark.django_db(transaction=True)


def race(fn: Callable[[], object], n: int = 2) -> list[object]:
    barrier = threading.Barrier(n)
    results: list[object] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - the result under test
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_verifies_cannot_both_consume_one_code(outbox) -> None:
    verification.start_verification("01012345678", "홍길동")
    code = outbox[-1]["body"].split("[")[2].split("]")[0]
    results = race(lambda: verification.verify_code("01012345678", code), n=4)
    outcomes = sorted(r.outcome.value for r in results)
    assert outcomes.count("ok") == 1 and outcomes.count("no_code") == 3
    assert Citizen.objects.count() == 1 and AppToken.objects.count() == 1
    assert PhoneVerification.objects.get().consumed_at is not None
    assert Outcome.OK in {r.outcome for r in results}


def test_same_guardian_phone_at_once_makes_one_row() -> None:
    citizen = Citizen.objects.create(phone="01012345678", name="홍길동")
    results = race(lambda: add_guardian(citizen, "보호자", "01022223333"), n=3)
    assert sum(isinstance(r, Guardian) for r in results) == 1
    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(errors) == 2 and all("phone" in e.detail for e in errors)


def test_limit_holds_under_concurrency() -> None:
    citizen = Citizen.objects.create(phone="01012345678", name="홍길동")
    phones = iter(f"0102222000{i}" for i in range(8))
    lock = threading.Lock()

    def next_phone() -> str:
        with lock:
            return next(phones)

    results = race(lambda: add_guardian(citizen, "보호자", next_phone()), n=8)
    assert sum(isinstance(r, Guardian) for r in results) == 5
    assert Guardian.objects.filter(citizen=citizen).count() == 5
