"""Access-log fixtures: the console's centers, staff and channel layer, reused as they are."""

from __future__ import annotations

from tests.console.conftest import (  # noqa: F401 - fixtures used by the audit tests
    _clear_sms_outbox,
    centers,
    private_channel_layer,
    staff,
)
