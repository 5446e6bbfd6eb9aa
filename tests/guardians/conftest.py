"""The guardian tests use the app API's fixtures: a citizen, their client, the SMS outbox."""

from __future__ import annotations

from tests.citizens.conftest import (  # noqa: F401 - fixtures
    api,
    app_client,
    citizen,
    clear_throttles,
    make_citizen,
    outbox,
)
