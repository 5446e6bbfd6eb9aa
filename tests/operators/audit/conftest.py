from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_channel_layer(private_channel_layer: str) -> None:
    """Every test here publishes on its own channel-layer prefix (tests/fixtures/consoles.py)."""
