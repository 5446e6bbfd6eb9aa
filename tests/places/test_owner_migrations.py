"""The data migrations of issue 15 point 2: existing citizens get the host center as their home,
open alerts that routed nowhere go to it (with a timeline entry), open alerts get their address."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from alerts.models import Alert, AlertStatus
from citizens.models import Citizen

pytestmark = pytest.mark.django_db


def run(module: str, function: str) -> None:
    """The migration's function with the models as they were after it (guardians.Citizen, for
    one, is citizens.Citizen today)."""
    app, _migrations, name = module.split(".")
    state = MigrationLoader(connection).project_state((app, name))
    getattr(importlib.import_module(module), function)(state.apps, None)


def test_citizens_without_a_home_center_get_the_host(centers, settings):
    settings.HOST_CENTER_CODE = "41590"
    homeless = Citizen.objects.create(phone="01011110000", name="가")
    settled = Citizen.objects.create(phone="01011110001", name="나", home_center=centers["ansan"])
    run("guardians.migrations.0005_home_center_for_everyone", "forwards")
    homeless.refresh_from_db()
    settled.refresh_from_db()
    assert (homeless.home_center, settled.home_center) == (centers["hwaseong"], centers["ansan"])


def test_open_center_less_alerts_go_to_the_host_with_a_routed_entry(centers, settings):
    settings.HOST_CENTER_CODE = "41590"
    citizen = Citizen.objects.create(phone="01011110002", name="다")
    orphan = Alert.objects.create(citizen=citizen)
    closed = Alert.objects.create(citizen=citizen, status=AlertStatus.CLOSED)
    run("alerts.migrations.0009_open_alerts_get_a_center", "forwards")
    orphan.refresh_from_db()
    closed.refresh_from_db()
    assert orphan.center == centers["hwaseong"] and closed.center is None
    [event] = orphan.events.all()
    assert event.kind == "routed" and event.data == {"to": "41590", "routed_by": "host_center"}


def test_open_alerts_with_a_position_get_their_address(centers):
    citizen = Citizen.objects.create(phone="01011110003", name="라")
    alert = Alert.objects.create(citizen=citizen, center=centers["hwaseong"],
                                 location=Point(126.87, 37.17, srid=4326))
    run("alerts.migrations.0012_alert_address", "fill_open_alerts")
    alert.refresh_from_db()
    assert alert.address == "화성시"  # no places or cameras loaded here: the center names the city
