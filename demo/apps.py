from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city and its stand-ins (synthetic centers and staff, camera snapshots and streams,
    a police/fire receiver). Nothing of the product imports it; `make run` loads it."""

    name = "demo"
    verbose_name = "Demo"
