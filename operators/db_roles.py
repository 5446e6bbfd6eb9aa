"""The application's database role: what it may do (docs/audit.md, "Who may touch the log").

Migrations run as the role that owns the tables (``MIGRATE_DATABASE_URL``: the ``migrate`` command
of operators/management/commands/migrate.py switches to it); the app runs as another role
(``DATABASE_URL``), granted here after every migrate (a ``post_migrate`` receiver, so new tables get
their grants, and the test database too):

- every table the owner owns: SELECT, INSERT, UPDATE, DELETE; sequences: USAGE, SELECT;
- the access log, ``operators_accessrecord``: SELECT and INSERT only. Not being the owner, the app
  role cannot TRUNCATE it, ALTER it (``DISABLE TRIGGER``), drop it or the append-only trigger;
- the purge of records past retention still works: ``purge_access_records`` is SECURITY DEFINER
  (migration 0008), so it deletes as the owner, under the trigger's rule, and the app role only
  calls it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connections
from psycopg import sql

logger = logging.getLogger(__name__)
ACCESS_LOG = "operators_accessrecord"


def grant_app_role(using: str = "default") -> bool:
    """Grant the app role its rights on everything the connected (owner) role owns. False when
    there is no separate app role, or it does not exist yet (scripts/setup.sh creates it)."""
    role = settings.DATABASE_APP_ROLE
    if not role:
        return False
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            logger.warning("database role %r (DATABASE_URL) does not exist: run scripts/setup.sh", role)
            return False
        cursor.execute("SELECT current_user = %s", [role])
        if cursor.fetchone()[0]:
            logger.warning("migrate ran as the app role %r: set MIGRATE_DATABASE_URL to the owner role", role)
            return False
        cursor.execute(
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
            "AND pg_get_userbyid(c.relowner) = current_user")
        owned = cursor.fetchall()
        tables = [sql.Identifier(name) for name, kind in owned if kind != "S" and name != ACCESS_LOG]
        sequences = [sql.Identifier(name) for name, kind in owned if kind == "S"]
        who = sql.Identifier(role)
        statements: list[Any] = [sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(who)]
        if tables:
            statements.append(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {} TO {}").format(
                sql.SQL(", ").join(tables), who))
        if sequences:
            statements.append(sql.SQL("GRANT USAGE, SELECT ON SEQUENCE {} TO {}").format(
                sql.SQL(", ").join(sequences), who))
        if any(name == ACCESS_LOG for name, _kind in owned):
            log = sql.Identifier(ACCESS_LOG)
            statements += [sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(log, who),
                           sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(log, who)]
        for statement in statements:
            cursor.execute(statement.as_string(connection.connection))
    return True


def after_migrate(sender: object, using: str = "default", **kwargs: object) -> None:
    grant_app_role(using)
