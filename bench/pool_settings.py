"""The app's settings plus a psycopg connection pool per web process: the bench's what-if variant.

With the app's settings (DB_CONN_MAX_AGE=0) every request opens a PostgreSQL connection (SCRAM
authentication included), and under ASGI each request runs in a thread of its own, so the number
of connections has no bound. Django 5.1+ pools natively; this measures what that would buy."""

from __future__ import annotations

from hwaseong_safety.settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405 - Django's pool requires it
DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 2, "max_size": 8, "timeout": 10}  # noqa: F405
