"""Where the bench runs: its own databases, ports and Redis number, all on loopback."""

from __future__ import annotations

import os
import secrets
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
NOTES = ROOT / "bench" / "notes.md"
SMS_DIR = ROOT / "var" / "bench" / "sms"  # the guardians' SMS of scenario 2, one file each

HOST = "127.0.0.1"
WEB_PORT = int(os.environ.get("BENCH_WEB_PORT", "18765"))
# One per core of the 2-core bench machine; more only adds processes competing for the same cores.
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))
# Redis db 14 and its own key prefix: never the dev server's (0) or the tests' (15) data.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

# The owner role's URL (the one that migrates, with CREATEDB) gives the role; the bench makes
# databases of its own beside the app's and runs its servers as that role.
APP_DATABASE_URL = (os.environ.get("MIGRATE_DATABASE_URL") or os.environ.get("DATABASE_URL")
                    or "postgis://hwaseong:hwaseong@127.0.0.1:5432/hwaseong")

# Camera counts of scenario 1. One database per size, so a size once built is reused as it is.
SIZES = {"12k": 12_000, "100k": 100_000, "1.6M": 1_600_000}
INGEST_DB_SIZE = "12k"  # scenario 3 runs on the smallest database: its tables are the trip ones


def db_name(size: str) -> str:
    return "hwaseong_bench_" + size.replace(".", "_").lower()


def db_url(name: str, scheme: str = "postgis") -> str:
    """The app's URL with another database name (``scheme`` postgresql for psycopg)."""
    parts = urllib.parse.urlparse(APP_DATABASE_URL)
    return urllib.parse.urlunparse(parts._replace(scheme=scheme, path="/" + name))


def conninfo(name: str) -> str:
    return db_url(name, scheme="postgresql")


def server_env(database: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Production-like settings, except plain HTTP on loopback (no TLS proxy in front)."""
    env = dict(os.environ)
    env.update({
        "HWASEONG_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
        "DATABASE_URL": db_url(database),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": "hwaseong-bench",
        "SMS_TRANSPORT": "file",
        "SMS_FILE_DIR": str(SMS_DIR),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "hwaseong_safety.settings",
    })
    env.update(extra or {})
    return env
