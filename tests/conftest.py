"""The suite mirrors the apps: tests/<app>/ holds the tests of <app>/ (tests/alerts/dispatch/ those of
alerts/dispatch/, tests/hwaseong_safety/ the platform's, with fastpath/ and outbound/), an app's
real-browser tests are in its browser/ folder (marker ``browser``), and tests/bench and tests/chaos
test the bench/ and chaos/ code. Third-party fakes (an SMS provider) are in tests/fakes/.

Every shared fixture is in tests/fixtures/, one module per domain, registered here once; plain row
builders are in tests/factories.py. A folder's own conftest.py only says which fixture all its tests
use (autouse), or adds a collection hook; no test imports another folder's conftest."""

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
