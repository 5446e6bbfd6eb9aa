"""Citizen, AppToken and PhoneVerification move from guardians to citizens (issue 17). Their tables
keep their names (guardians_citizen, guardians_apptoken, guardians_phoneverification): the database
is not touched, only Django's idea of which app owns them. The ContentType rows follow, so the
permissions and admin history attached to them survive."""

import django.contrib.gis.db.models.fields
import django.db.models.deletion
from django.db import migrations, models

MODELS = ("citizen", "apptoken", "phoneverification")


def _move_content_types(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        existing = rows.filter(app_label=old, model=model).first()
        if existing is None:
            continue  # a new database: post_migrate creates the rows under the new app
        # A row under the new label can only come from a post_migrate run between two partial
        # migrates, and holds nothing anyone granted: the old row, with its permissions, wins.
        rows.filter(app_label=new, model=model).delete()
        existing.app_label = new
        existing.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor) -> None:
    _move_content_types(apps, schema_editor, "guardians", "citizens")


def backwards(apps, schema_editor) -> None:
    _move_content_types(apps, schema_editor, "citizens", "guardians")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('guardians', '0007_hash_decline_tokens'),
        ('operators', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PhoneVerification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('phone', models.CharField(db_index=True, max_length=20)),
                        ('name', models.CharField(max_length=50)),
                        ('code_hash', models.CharField(max_length=128)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('expires_at', models.DateTimeField()),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('consumed_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'db_table': 'guardians_phoneverification',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Citizen',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('phone', models.CharField(max_length=20, unique=True, verbose_name='phone')),
                        ('name', models.CharField(max_length=50, verbose_name='name')),
                        ('cancel_pin', models.CharField(blank=True, max_length=128, verbose_name='cancel PIN (hashed)')),
                        ('duress_pin', models.CharField(blank=True, max_length=128, verbose_name='duress PIN (hashed)')),
                        ('last_location', django.contrib.gis.db.models.fields.PointField(blank=True, geography=True, null=True, spatial_index=False, srid=4326, verbose_name='last known location')),
                        ('last_location_at', models.DateTimeField(blank=True, null=True, verbose_name='last location time')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('home_center', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='operators.center', verbose_name='home center')),
                    ],
                    options={
                        'verbose_name': 'app user',
                        'verbose_name_plural': 'app users',
                        'db_table': 'guardians_citizen',
                    },
                ),
                migrations.CreateModel(
                    name='AppToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key_hash', models.CharField(max_length=64, unique=True)),
                        ('device_name', models.CharField(blank=True, max_length=100, verbose_name='device')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('last_used_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('citizen', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tokens', to='citizens.citizen')),
                    ],
                    options={
                        'verbose_name': 'app token',
                        'verbose_name_plural': 'app tokens',
                        'db_table': 'guardians_apptoken',
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
