"""The access-log purge runs as the table's owner (SECURITY DEFINER).

The app's database role may only SELECT and INSERT access records (operators/db_roles.py): it can't
DELETE, TRUNCATE or ALTER the table. The daily purge of records past retention (migration 0003)
still runs from the app's Celery beat: the function now executes with its owner's rights (the role
that ran this migration), with a fixed search_path so that a caller can't put its own objects in
the function's way. The trigger's rule is unchanged: only rows past the two-year retention go.
"""

from __future__ import annotations

from django.db import migrations

DEFINER = """
ALTER FUNCTION purge_access_records(timestamptz) SECURITY DEFINER;
ALTER FUNCTION purge_access_records(timestamptz) SET search_path = public, pg_temp;
"""
INVOKER = """
ALTER FUNCTION purge_access_records(timestamptz) RESET search_path;
ALTER FUNCTION purge_access_records(timestamptz) SECURITY INVOKER;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("operators", "0007_access_actions_staff_admin_login"),
    ]

    operations = [migrations.RunSQL(sql=DEFINER, reverse_sql=INVOKER)]
