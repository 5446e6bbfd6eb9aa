"""SMS tests: real PostgreSQL, the locmem transport's outbox emptied around each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sms.transports import LocmemTransport


@pytest.fixture(autouse=True)
def outbox() -> Iterator[list[dict[str, str]]]:
    LocmemTransport.outbox.clear()
    yield LocmemTransport.outbox
    LocmemTransport.outbox.clear()
