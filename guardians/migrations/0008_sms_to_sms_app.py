"""SmsMessage now lives in the sms app (its 0001 takes over the same table): forget it here
without touching the table. Nothing points at it with a foreign key."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("guardians", "0007_hash_decline_tokens"),
        ("sms", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SmsMessage")],
            database_operations=[],
        ),
    ]
