"""A GiST index on ``location::geometry`` for the map's bounding-box query (CameraQuerySet.in_bbox),
which compares plain longitude/latitude ranges rather than great-circle polygons."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cameras", "0002_initial")]

    operations = [
        migrations.RunSQL(
            'CREATE INDEX IF NOT EXISTS camera_location_geometry ON "cameras_camera" '
            'USING gist (("location"::geometry))',
            'DROP INDEX IF EXISTS camera_location_geometry',
        ),
    ]
