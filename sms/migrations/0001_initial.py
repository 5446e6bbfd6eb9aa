"""SmsMessage moved here from guardians. Its table stays ``guardians_smsmessage``: this migration
only tells Django's state so (guardians' 0008 forgets it there), and renames its content type so
the permissions granted on it survive."""

from __future__ import annotations

from django.db import migrations, models


def rename_content_type(apps, schema_editor, old: str = "guardians", new: str = "sms") -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label=new, model="smsmessage").exists():
        return  # already there (a database whose content types were created after the move)
    ContentType.objects.using(db).filter(app_label=old, model="smsmessage").update(app_label=new)


def restore_content_type(apps, schema_editor) -> None:
    rename_content_type(apps, schema_editor, old="sms", new="guardians")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("guardians", "0007_hash_decline_tokens"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SmsMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('to', models.CharField(max_length=20, verbose_name='recipient')),
                        ('body', models.TextField(verbose_name='body')),
                        ('purpose', models.CharField(choices=[('verification', 'phone verification code'), ('guardian_added', 'guardian added'), ('sos', 'SOS to guardians'), ('alert_cancelled', 'SOS cancelled by the citizen'), ('alert_closed', 'alert closed by the center'), ('trip_started', 'safe-return trip started'), ('trip_arrived', 'safe-return trip arrived'), ('trip_overdue', 'safe-return trip overdue')], max_length=30, verbose_name='purpose of the message')),
                        ('status', models.CharField(choices=[('queued', 'queued'), ('sent', 'sent'), ('failed', 'failed')], default='queued', max_length=10, verbose_name='status')),
                        ('transport', models.CharField(blank=True, max_length=30, verbose_name='transport')),
                        ('provider_message_id', models.CharField(blank=True, max_length=100, verbose_name='provider message id')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('lease_until', models.DateTimeField(blank=True, null=True, verbose_name='leased until')),
                        ('fallback_after', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='fallback after attempts')),
                    ],
                    options={
                        'verbose_name': 'SMS message',
                        'verbose_name_plural': 'SMS messages',
                        'db_table': 'guardians_smsmessage',
                        'ordering': ['id'],
                        'indexes': [models.Index(condition=models.Q(('status', 'queued')), fields=['created_at'], name='sms_queued_created')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, restore_content_type),
    ]
