"""Fixtures for the app's account and guardian API: real PostGIS and Redis, SMS from locmem."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from guardians.auth import issue_token
from guardians.models import Citizen
from hwaseong_safety.fastpath import redis_client
from sms.transports import LocmemTransport


@pytest.fixture(autouse=True)
def outbox() -> Iterator[list[dict[str, str]]]:
    LocmemTransport.outbox.clear()
    yield LocmemTransport.outbox
    LocmemTransport.outbox.clear()


def _clear_throttles() -> None:
    # Only our throttle counters, in the test Redis database (tests/settings.py): nothing else.
    # MATCH filters each SCAN batch on the server, so the whole database is walked either way:
    # large batches keep that to a few round trips on a database reused between runs.
    client = redis_client(cache)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*throttle_*", count=10_000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def clear_throttles() -> Iterator[None]:
    _clear_throttles()
    yield
    _clear_throttles()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def make_citizen(db) -> Callable[..., Citizen]:
    def make(phone: str = "01012345678", name: str = "홍길동") -> Citizen:
        return Citizen.objects.create(phone=phone, name=name)

    return make


@pytest.fixture
def citizen(make_citizen) -> Citizen:
    return make_citizen()


def client_for(citizen: Citizen) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(citizen)}")
    return client


@pytest.fixture
def app_client(citizen) -> APIClient:
    return client_for(citizen)


def code_from(outbox: list[dict[str, str]], phone: str) -> str:
    """The 6-digit code of the newest SMS sent to ``phone``."""
    bodies = [m["body"] for m in outbox if m["to"] == phone]
    assert bodies, f"no SMS to {phone}"
    match = re.search(r"\[(\d{6})\]", bodies[-1])
    assert match, bodies[-1]
    return match.group(1)
