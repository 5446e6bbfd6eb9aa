"""Django's ``migrate``, connected as the role that owns the tables (``MIGRATE_DATABASE_URL``).

The app itself connects as a role that may not alter or empty the access log
(operators/db_roles.py), so it could not create or change tables either: migrations run as the
owner, and the app role's grants follow them (a post_migrate receiver). The database stays the
one ``DATABASE_URL`` names (also the test database under pytest).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections


class Command(DjangoMigrate):
    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        owner = {k: v for k, v in settings.DATABASE_OWNER.items() if v not in (None, "")}
        saved = {k: connection.settings_dict.get(k) for k in owner}
        if owner.get("USER") in (None, saved.get("USER")):
            return super().handle(*args, **options)
        _reconnect(connection)
        connection.settings_dict.update(owner)
        try:
            return super().handle(*args, **options)
        finally:
            _reconnect(connection)
            connection.settings_dict.update(saved)


def _reconnect(connection: Any) -> None:
    # A pooled connection keeps the role it opened with: drop the connection and the pool.
    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()
