"""Citizen, AppToken and PhoneVerification now live in the citizens app (issue 17): guardians
forgets them and Guardian.citizen names citizens.Citizen. State only: the tables stay where they
are (citizens/migrations/0001_initial.py took them over, with their ContentType rows)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0013_citizen_moves_to_citizens'),
        ('citizens', '0001_initial'),
        ('guardians', '0008_sms_to_sms_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='guardian',
                    name='citizen',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='guardians', to='citizens.citizen'),
                ),
                migrations.DeleteModel(
                    name='AppToken',
                ),
                migrations.DeleteModel(
                    name='PhoneVerification',
                ),
                migrations.DeleteModel(
                    name='Citizen',
                ),
            ],
        ),
    ]
