from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The operators' live console: page, HTTP API and websocket. No models of its own."""

    name = "console"
    verbose_name = _("Console")

    def ready(self) -> None:
        from console.realtime import signals  # noqa: F401 - connects the staff_changed receivers
