from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperatorsConfig(AppConfig):
    name = "operators"
    verbose_name = _("Operators")

    def ready(self) -> None:
        from operators import signals  # noqa: F401 - connects the staff_changed receiver
