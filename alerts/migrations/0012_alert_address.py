"""Alerts carry a human address (places/address.py); open alerts that have a position get theirs
now (from whatever places and cameras are loaded; the linked center names the city otherwise)."""

from __future__ import annotations

from django.db import migrations, models


def fill_open_alerts(apps, schema_editor) -> None:
    from places.address import describe  # one SQL statement on tables, no model state needed

    Alert = apps.get_model("alerts", "Alert")
    open_alerts = Alert.objects.filter(status__in=("received", "claimed", "acknowledged", "dispatched"),
                                       location__isnull=False)
    for alert in open_alerts.only("id", "location"):
        Alert.objects.filter(pk=alert.pk).update(**describe(alert.location).fields())


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0011_escalation_phone_alarm'),
        ('places', '0001_initial'),
        ('cameras', '0002_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='alert',
            name='address_area',
            field=models.CharField(blank=True, max_length=100, verbose_name='area (시·구·읍면동)'),
        ),
        migrations.AddField(
            model_name='alert',
            name='address_road',
            field=models.CharField(blank=True, max_length=255, verbose_name='nearest known address'),
        ),
        migrations.AddField(
            model_name='alert',
            name='address_road_m',
            field=models.FloatField(blank=True, null=True, verbose_name='distance to that address (m)'),
        ),
        migrations.RunPython(fill_open_alerts, migrations.RunPython.noop),
    ]
