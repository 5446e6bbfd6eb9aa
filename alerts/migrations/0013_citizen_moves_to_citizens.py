"""The citizen foreign keys now name citizens.Citizen (moved from guardians, issue 17). The table
is the same (guardians_citizen), so only Django's state changes: no constraint is touched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0012_alert_address'),
        ('citizens', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='alert',
                    name='citizen',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='alerts', to='citizens.citizen', verbose_name='app user'),
                ),
                migrations.AlterField(
                    model_name='disclosure',
                    name='citizen',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='disclosures', to='citizens.citizen'),
                ),
                migrations.AlterField(
                    model_name='trip',
                    name='citizen',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='trips', to='citizens.citizen', verbose_name='app user'),
                ),
            ],
        ),
    ]
