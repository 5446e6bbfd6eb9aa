"""Open alerts that routed nowhere (no fix, no last location, no home center: visible only to
supervisors) go to the service's host center, with a timeline entry saying so."""

from __future__ import annotations

from django.conf import settings
from django.db import migrations

OPEN = ("received", "claimed", "acknowledged", "dispatched")


def forwards(apps, schema_editor) -> None:
    Center = apps.get_model("operators", "Center")
    Alert = apps.get_model("alerts", "Alert")
    AlertEvent = apps.get_model("alerts", "AlertEvent")
    centers = Center.objects.only("id", "code")
    host = centers.filter(code=settings.HOST_CENTER_CODE).first() or \
        centers.filter(is_linked=True).order_by("code").first()
    if host is None:
        return
    orphans = list(Alert.objects.filter(center__isnull=True, status__in=OPEN).values_list("pk", flat=True))
    Alert.objects.filter(pk__in=orphans).update(center_id=host.pk)
    AlertEvent.objects.bulk_create(
        AlertEvent(alert_id=pk, kind="routed", data={"to": host.code, "routed_by": "host_center"})
        for pk in orphans)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0008_drop_unused_location_indexes"),
        ("operators", "0006_retention_hold_release"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
