"""The access log (개인정보의 안전성 확보조치 기준 §8), append-only at the database level.

A row-level BEFORE UPDATE OR DELETE trigger raises for every row, whatever role connects and
whether the ORM or raw SQL asks: records can be added, never changed or removed. TRUNCATE is a
statement, not a row operation, so test-database flushes still work; production roles are not
granted TRUNCATE on this table. Nothing is revoked here.

Retention (2 years) is a later step: old rows will be purged by a dedicated SQL function that the
trigger will let through (older rows only) and that records its own run, never by the ORM.
"""

from __future__ import annotations

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


APPEND_ONLY = """
CREATE FUNCTION operators_accessrecord_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access records are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER operators_accessrecord_append_only
    BEFORE UPDATE OR DELETE ON operators_accessrecord
    FOR EACH ROW EXECUTE FUNCTION operators_accessrecord_refuse_change();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER operators_accessrecord_append_only ON operators_accessrecord;
DROP FUNCTION operators_accessrecord_refuse_change();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('operators', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='username')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                ('user_agent', models.CharField(blank=True, max_length=300, verbose_name='user agent')),
                ('action', models.CharField(choices=[('alert_view', 'alert detail viewed'), ('alert_claim', 'alert claimed'), ('alert_acknowledge', 'alert acknowledged'), ('alert_note', 'note added to an alert'), ('alert_escalate', 'alert escalated'), ('alert_transfer', 'alert transferred'), ('alert_close', 'alert closed'), ('camera_opened', 'camera feed opened'), ('admin_add', 'added in the admin'), ('admin_change', 'changed in the admin'), ('admin_delete', 'deleted in the admin'), ('camera_export', 'cameras exported'), ('camera_import', 'camera standard data imported'), ('audit_export', 'access log exported')], max_length=30, verbose_name='action')),
                ('subject_citizen_id', models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name='whose data (app user id)')),
                ('target', models.CharField(blank=True, max_length=100, verbose_name='target')),
                ('detail', models.JSONField(blank=True, default=dict, verbose_name='detail')),
                ('account', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='access_records', to=settings.AUTH_USER_MODEL, verbose_name='account')),
            ],
            options={
                'verbose_name': 'access record',
                'verbose_name_plural': 'access records',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.RunSQL(sql=APPEND_ONLY, reverse_sql=DROP_APPEND_ONLY),
    ]
