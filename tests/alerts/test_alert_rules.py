"""The open-alert rule and the operators' priority are each defined once (alerts/models.py) and read
two ways: on one row (``Alert.is_open``, ``Alert.operator_priority``) and in SQL
(``AlertQuerySet.open``, ``in_operator_order``). Both ways must agree on every combination."""

from __future__ import annotations

import itertools

import pytest

from alerts.models import Alert, AlertKind, AlertStatus
from citizens.models import Citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_kind_of_alert() -> list[Alert]:
    citizen = Citizen.objects.create(phone="01012340000", name="규칙")
    combos = itertools.product(AlertKind.values, (False, True), AlertStatus.values)
    return [Alert.objects.create(citizen=citizen, kind=kind, is_duress=duress, status=status)
            for kind, duress, status in combos]


def test_open_on_a_row_and_in_sql_agree(every_kind_of_alert):
    in_sql = set(Alert.objects.open().values_list("pk", flat=True))
    on_rows = {alert.pk for alert in every_kind_of_alert if alert.is_open}
    assert in_sql == on_rows
    assert set(Alert.objects.finished().values_list("pk", flat=True)) == (
        {alert.pk for alert in every_kind_of_alert} - on_rows)
    # What an open alert is, in words: waiting or worked; a duress one until it is closed.
    assert {(a.status, a.is_duress) for a in every_kind_of_alert if a.is_open} == {
        *((status, duress) for status in ("received", "claimed", "acknowledged", "dispatched")
          for duress in (False, True)),
        ("cancelled", True)}


def test_priority_on_a_row_and_in_sql_agree(every_kind_of_alert):
    in_sql = list(Alert.objects.in_operator_order().values_list("pk", flat=True))
    def order(a: Alert) -> tuple:
        return a.operator_priority, a.created_at, a.pk

    on_rows = [a.pk for a in sorted(every_kind_of_alert, key=order)]
    assert in_sql == on_rows
    ranks = {(a.kind, a.is_duress): a.operator_priority for a in every_kind_of_alert}
    assert ranks == {("sos", True): 0, ("overdue_trip", True): 0,
                     ("sos", False): 1, ("overdue_trip", False): 2}
