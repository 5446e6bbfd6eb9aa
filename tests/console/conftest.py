from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_channel_layer(request: pytest.FixtureRequest) -> None:
    """Every test here publishes on its own channel-layer prefix (tests/fixtures/consoles.py),
    except the browser tests: their server runs in another process, on the default prefix."""
    if request.node.get_closest_marker("browser") is None:
        request.getfixturevalue("private_channel_layer")
