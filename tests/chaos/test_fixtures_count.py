"""Issue 16, point 13: `make chaos` reported "SMS: 900/450 sent" because its fixtures gave each
citizen four guardians (the bench's two, then two more) while the report assumed two. The
fixtures now say what they make, and the expected count comes from the database."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from django.db import connection

from bench.console_fixtures import GUARDIANS
from chaos.fixtures import world
from chaos.run import EXPECTED_SMS
from citizens.models import Citizen
from guardians.models import Guardian

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_world_has_the_guardians_it_reports_and_the_sms_expected_match_the_database() -> None:
    made = world(6, 1)
    per_citizen = {c.pk: c.guardians.count() for c in Citizen.objects.all()}
    assert set(per_citizen.values()) == {GUARDIANS}  # not the bench's two plus two more
    assert made["citizens"] == 6 and made["guardians"] == 6 * GUARDIANS == Guardian.objects.count()

    # Two stored SOS, one citizen of them with a declined guardian: the query counts who is texted.
    first, second = Citizen.objects.order_by("pk")[:2]
    Guardian.objects.filter(pk=first.guardians.order_by("pk").first().pk).update(declined_at="2026-01-01T00:00Z")
    from alerts.models import Alert
    from operators.models import Center

    center = Center.objects.get(code=made["center"])
    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    for citizen, client_id in zip((first, second), ids, strict=True):
        Alert.objects.create(citizen=citizen, center=center, client_id=client_id)
    settings = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(dbname=settings["NAME"], user=settings["USER"],
                                              password=settings["PASSWORD"], host=settings["HOST"] or None,
                                              port=settings["PORT"] or None)
    with psycopg.connect(conninfo) as conn:
        assert conn.execute(EXPECTED_SMS, [ids]).fetchone()[0] == 2 * GUARDIANS - 1
