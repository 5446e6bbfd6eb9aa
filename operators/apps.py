from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperatorsConfig(AppConfig):
    name = "operators"
    verbose_name = _("Operators")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from operators.db_roles import after_migrate

        # Once per migrate (sent for this app after every migration ran): the app role's grants.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="operators.db_roles.after_migrate")
