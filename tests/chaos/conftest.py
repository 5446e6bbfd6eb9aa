from __future__ import annotations

from tests.console.conftest import (  # noqa: F401 - fixtures of the outage tests
    _clear_sms_outbox,
    centers,
    close_db_connections,
    private_channel_layer,
    staff,
)
