"""Drops the spatial indexes no query uses (trails, last locations) and the trails' foreign-key
indexes, which the (trip, recorded_at) and (alert, recorded_at) indexes already lead with.

Only DROP INDEX on the database: Django's own AlterField of a foreign key's db_index also drops
and re-adds the foreign-key constraint, and re-adding it validates every trail row under a lock
that holds the SOS's and the location reports' INSERTs for as long as the scan takes."""

import django.contrib.gis.db.models.fields
import django.db.models.deletion
from django.db import migrations, models

# (table, index in Django's own name, its definition for the way back)
INDEXES = (
    ("alerts_alert", "alerts_alert_location_1851f54f_id", "USING gist (location)"),
    ("alerts_alertlocation", "alerts_alertlocation_alert_id_ef31e0ee", "(alert_id)"),
    ("alerts_alertlocation", "alerts_alertlocation_location_e63cdcfb_id", "USING gist (location)"),
    ("alerts_trip", "alerts_trip_last_location_25c2317c_id", "USING gist (last_location)"),
    ("alerts_triplocation", "alerts_triplocation_location_de5f2a0c_id", "USING gist (location)"),
    ("alerts_triplocation", "alerts_triplocation_trip_id_db8467ba", "(trip_id)"),
)


def _point(name: str, **options: object) -> django.contrib.gis.db.models.fields.PointField:
    return django.contrib.gis.db.models.fields.PointField(
        geography=True, spatial_index=False, srid=4326, verbose_name=name, **options)


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0007_retention_hold_release"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name="alert", name="location",
                                      field=_point("location", blank=True, null=True)),
                migrations.AlterField(
                    model_name="alertlocation", name="alert",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="locations", to="alerts.alert"),
                ),
                migrations.AlterField(model_name="alertlocation", name="location", field=_point("location")),
                migrations.AlterField(model_name="trip", name="last_location",
                                      field=_point("last location", blank=True, null=True)),
                migrations.AlterField(model_name="triplocation", name="location", field=_point("location")),
                migrations.AlterField(
                    model_name="triplocation", name="trip",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="locations", to="alerts.trip"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{index}"',
                                  reverse_sql=f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" {definition}')
                for table, index, definition in INDEXES
            ],
        ),
    ]
