"""The app's database role may read and add access records, never empty, alter or rewrite them
(issue 16, point 9; operators/db_roles.py). The suite itself connects as the owner role; these
tests open a connection of their own as the app role (DATABASE_URL) to the test database, which
got the app role's grants when it was migrated."""

from __future__ import annotations

from collections.abc import Iterator

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.DATABASE_APP_ROLE,
                       reason="DATABASE_URL connects as the owner role itself: no separate app role"),
]


@pytest.fixture
def app_db() -> Iterator[psycopg.Connection]:
    app = dj_database_url.parse(settings.DATABASE_URL)
    conn = psycopg.connect(host=app["HOST"], port=app["PORT"] or 5432, user=app["USER"],
                           password=app["PASSWORD"], dbname=connection.settings_dict["NAME"])
    try:
        yield conn
    finally:
        conn.rollback()
        conn.close()


def refused(conn: psycopg.Connection, statement: str) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as error:
        conn.execute(statement)
    conn.rollback()
    return str(error.value)


@pytest.mark.parametrize("statement", [
    "TRUNCATE operators_accessrecord",
    "ALTER TABLE operators_accessrecord DISABLE TRIGGER operators_accessrecord_append_only",
    "ALTER TABLE operators_accessrecord DISABLE TRIGGER ALL",
    "DROP TRIGGER operators_accessrecord_append_only ON operators_accessrecord",
    "DROP TABLE operators_accessrecord",
    "UPDATE operators_accessrecord SET target = 'forged'",
    "DELETE FROM operators_accessrecord",
    "CREATE OR REPLACE FUNCTION operators_accessrecord_refuse_change() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
])
def test_the_app_role_may_not_empty_alter_or_rewrite_the_log(app_db: psycopg.Connection,
                                                            statement: str) -> None:
    refused(app_db, statement)


def test_the_app_role_reads_adds_and_runs_the_purge(app_db: psycopg.Connection) -> None:
    assert app_db.execute("SELECT current_user").fetchone()[0] == settings.DATABASE_APP_ROLE
    inserted = app_db.execute(
        "INSERT INTO operators_accessrecord (at, username, user_agent, action, target, detail) "
        "VALUES (now(), 'app', '', 'alert_view', 'alert:1', '{}') RETURNING id").fetchone()[0]
    row = "SELECT target FROM operators_accessrecord WHERE id = %s"
    assert app_db.execute(row, [inserted]).fetchone() == ("alert:1",)
    # The purge runs as the owner (SECURITY DEFINER) and still keeps every recent record.
    assert app_db.execute("SELECT purge_access_records(now())").fetchone() == (0,)
    assert app_db.execute(row, [inserted]).fetchone() == ("alert:1",)


def test_the_app_role_works_every_other_table_and_owns_none(app_db: psycopg.Connection) -> None:
    tables = [name for (name,) in app_db.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' AND pg_get_userbyid(c.relowner) <> 'postgres'")]
    assert "guardians_citizen" in tables and "operators_accessrecord" in tables
    for table in tables:
        privileges = {p for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
                      if app_db.execute("SELECT has_table_privilege(%s, %s)", [table, p]).fetchone()[0]}
        expected = {"SELECT", "INSERT"} if table == "operators_accessrecord" else {
            "SELECT", "INSERT", "UPDATE", "DELETE"}
        assert privileges == expected, table
    owned = app_db.execute("SELECT count(*) FROM pg_class WHERE relowner = "
                           "(SELECT oid FROM pg_roles WHERE rolname = current_user)").fetchone()[0]
    assert owned == 0
