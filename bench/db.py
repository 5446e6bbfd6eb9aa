"""The bench's databases: created when missing (the app role has CREATEDB), migrated like the app's."""

from __future__ import annotations

import subprocess

import psycopg
from psycopg import sql

from bench import config


def _admin_connection() -> psycopg.Connection:
    """Any database we may connect to, for CREATE DATABASE (which can't run in a transaction)."""
    for name in ("postgres", "template1", config.APP_DATABASE_URL.rsplit("/", 1)[-1]):
        try:
            return psycopg.connect(config.conninfo(name), autocommit=True, connect_timeout=5)
        except psycopg.OperationalError:
            continue
    raise RuntimeError("cannot connect to PostgreSQL with the app's role; run `make run`'s setup first")


def ensure_database(name: str) -> None:
    with _admin_connection() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"[bench] creating database {name}", flush=True)
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(config.conninfo(name), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
    # Cheap when nothing is pending; keeps the bench databases on the current schema.
    subprocess.run(
        [str(config.VENV_BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=config.ROOT, env=config.server_env(name), check=True, timeout=300,
    )


def get_meta(conn: psycopg.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM bench_meta WHERE key = %s", [key]).fetchone()
    return row[0] if row else None


def set_meta(conn: psycopg.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO bench_meta (key, value) VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [key, value],
    )


def versions(conn: psycopg.Connection) -> dict[str, str]:
    return {
        "postgresql": conn.execute("SHOW server_version").fetchone()[0],
        "postgis": conn.execute("SELECT postgis_lib_version()").fetchone()[0],
        "shared_buffers": conn.execute("SHOW shared_buffers").fetchone()[0],
        "synchronous_commit": conn.execute("SHOW synchronous_commit").fetchone()[0],
    }
