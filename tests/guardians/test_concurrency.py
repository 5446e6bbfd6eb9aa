"""Two guardian adds at once, each on its own database connection (hence transaction=True)."""

from __future__ import annotations

import threading

import pytest
from rest_framework.exceptions import ValidationError

from citizens.models import Citizen
from guardians.actions import do_add_guardian
from guardians.models import Guardian
from tests.fixtures.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_same_guardian_phone_at_once_makes_one_row() -> None:
    citizen = Citizen.objects.create(phone="01012345678", name="홍길동")
    results = race(lambda: do_add_guardian(citizen, "보호자", "01022223333"), n=3)
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

    results = race(lambda: do_add_guardian(citizen, "보호자", next_phone()), n=8)
    assert sum(isinstance(r, Guardian) for r in results) == 5
    assert Guardian.objects.filter(citizen=citizen).count() == 5
