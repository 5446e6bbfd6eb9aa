"""Every citizen gets a home center: those who signed up before it was set at sign-up get the
service's host center (settings.HOST_CENTER_CODE, else the first linked center)."""

from __future__ import annotations

from django.conf import settings
from django.db import migrations


def host_center_id(apps) -> int | None:
    Center = apps.get_model("operators", "Center")
    centers = Center.objects.only("id")
    host = centers.filter(code=settings.HOST_CENTER_CODE).first() or \
        centers.filter(is_linked=True).order_by("code").first()
    return host.pk if host else None


def forwards(apps, schema_editor) -> None:
    host = host_center_id(apps)
    if host is not None:  # no center yet (a fresh install): sign-up and routing take care of it
        apps.get_model("guardians", "Citizen").objects.filter(home_center__isnull=True).update(
            home_center_id=host)


class Migration(migrations.Migration):
    dependencies = [
        ("guardians", "0004_drop_last_location_index"),
        ("operators", "0006_retention_hold_release"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
