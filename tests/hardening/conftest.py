from __future__ import annotations

from collections.abc import Iterator

import pytest

from operators import lockout


@pytest.fixture(autouse=True)
def no_lockouts() -> Iterator[None]:
    """Lockout counters live in the (test) Redis: every test starts and ends without any."""
    lockout.clear_all()
    yield
    lockout.clear_all()
