from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def shared_data() -> Path:
    """The real public data in ../shared/data; tests that need it skip where it is absent."""
    root = Path(settings.SHARED_DATA_DIR)
    if not (root / "README.md").exists():
        pytest.skip(f"real public data not found at {root} (set SHARED_DATA_DIR)")
    return root


@pytest.fixture
def english():
    """Management-command output in English, for tests that read it. The UI's Korean is checked by
    the page tests and by the catalog test."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_throttle_counts():
    """Throttle and SMS-budget counters live in Redis, keyed by citizen id or phone number: one
    test's requests must not count against the next test's (the same numbers recur)."""
    from django.core.cache import cache

    from hwaseong_safety.fastpath import redis_client

    client = redis_client(cache)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*throttle_*", count=10_000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _no_login_lockouts():
    """Lockout counters live in Redis: a test's failed logins must not lock the next test out."""
    from operators.lockout import clear_all

    clear_all()
    yield
    clear_all()
