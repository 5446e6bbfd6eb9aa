"""Every shared fixture is in tests/fixtures/, one module per domain, registered here once. A folder's
own conftest.py only says which of them all its tests use (autouse), or adds a collection hook."""

from __future__ import annotations

pytest_plugins = [
    "tests.fixtures.platform",
    "tests.fixtures.centers",
    "tests.fixtures.citizens",
    "tests.fixtures.sms",
    "tests.fixtures.alerts",
    "tests.fixtures.consoles",
    "tests.fixtures.dispatch",
    "tests.fixtures.faults",
    "tests.fixtures.places",
    "tests.fixtures.servers",
    "tests.fixtures.browser",
]
