"""console/realtime/read.py reads a push's alert and timeline entry in one statement, and
console_push.Push represents them with one serializer per process: the consoles must get exactly
what the ORM's reading (console_alerts_queryset, the timeline query) and fresh serializers gave."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from alerts.actions.handling import do_add_note, do_claim_alert, do_transfer_alert
from alerts.models import Alert, AlertEvent, Trip
from console.api.serializers import ConsoleAlertSerializer, TimelineEventSerializer
from console.realtime.push import Push
from console.realtime.read import read_for_push
from console.visibility import console_alerts_queryset
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import BORDER_HWASEONG, INSIDE_ANSAN, INSIDE_HWASEONG, point

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db]


def orm_read(pk: int, kind: str, event_id: int | None) -> tuple[dict | None, dict | None]:
    """The reading build_push did before: three queries through the ORM."""
    alert = console_alerts_queryset(Alert.objects.filter(pk=pk)).first()
    events = AlertEvent.objects.select_related("actor").filter(alert_id=pk)
    event = (events.filter(pk=event_id).first() if event_id is not None
             else events.filter(kind=kind).order_by("-created_at", "-id").first())
    return (ConsoleAlertSerializer(alert).data if alert else None,
            TimelineEventSerializer(event).data if event else None)


def lean_read(pk: int, kind: str, event_id: int | None) -> tuple[dict | None, dict | None]:
    alert, event = read_for_push(pk, kind, event_id)
    push = Push(pk, alert, event, None)
    return push.alert_data(), push.event_data()


def test_the_one_statement_reads_what_the_orm_read(staff) -> None:
    plain, border, ansan = raise_sos(INSIDE_HWASEONG), raise_sos(BORDER_HWASEONG), raise_sos(INSIDE_ANSAN)
    assert border.border_centers.exists()  # the border band: a list of centers to read
    claimed, claim = do_claim_alert(plain, staff.hwaseong)  # a claimer, an event with an actor
    note = do_add_note(claimed, staff.hwaseong, "CCTV 확인 중")
    moved, transfer = do_transfer_alert(ansan, staff.ansan, staff.hwaseong.center)
    walker = raise_sos(INSIDE_HWASEONG, name="귀가중")
    trip = Trip.objects.create(citizen=walker.citizen, destination=point(INSIDE_HWASEONG),
                               destination_name="집", expected_arrival=timezone.now() + timedelta(minutes=20))
    Alert.objects.filter(pk=walker.pk).update(trip=trip, location=None, location_recorded_at=None)
    cases = [
        (plain.pk, "created", None), (plain.pk, "claimed", claim.pk), (plain.pk, "note", note.pk),
        (border.pk, "created", None), (moved.pk, "transferred", transfer.pk), (walker.pk, "created", None),
        (plain.pk, "location", None),  # no entry of that kind: no event
        (plain.pk, "note", 10**9),  # an entry id that is not there
        (10**9, "created", None),  # an alert that is not there
    ]
    with time_machine.travel(timezone.now() + timedelta(seconds=30), tick=False):  # location ages agree
        for case in cases:
            assert lean_read(*case) == orm_read(*case), case
    assert lean_read(border.pk, "created", None)[0]["border_centers"]  # not an empty comparison
    assert lean_read(walker.pk, "created", None)[0]["trip"]["destination_name"] == "집"
    assert lean_read(plain.pk, "claimed", claim.pk)[1]["actor"]["id"] == staff.hwaseong.pk
