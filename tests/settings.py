"""Test settings: the real settings, with Redis on its own database number so a test run never
touches (or flushes) the data of a development server on the same machine."""

from __future__ import annotations

import os

os.environ.setdefault("REDIS_URL", os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))

from hwaseong_safety.settings import *  # noqa: F403

# The suite connects as the owner role: it creates the test database and migrates it, and Django's
# test cases empty tables with TRUNCATE. The app role gets its grants in the test database too
# (post_migrate), and tests/operators/audit/test_app_role.py connects as it.
DATABASES["default"].update(DATABASE_OWNER)  # noqa: F405

# Per database name: two test runs on one machine (different DATABASE_URLs) never share counters.
CACHES["default"]["KEY_PREFIX"] = f"hwaseong-test-{DATABASES['default']['NAME']}"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production
SMS_TRANSPORT = "locmem"
# Tasks run in-process in tests; the broker path is exercised by the reliability tests.
CELERY_TASK_ALWAYS_EAGER = True
