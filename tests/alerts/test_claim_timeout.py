"""The claim timeout: an alert nobody claims within ALERT_CLAIM_TIMEOUT seconds alarms the
supervisors, once, by the beat task alerts.tasks.alarm_unclaimed_alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from asgiref.sync import sync_to_async
from django.utils import timezone

from alerts.actions.handling import do_claim_alert, do_close_alert, do_transfer_alert
from alerts.actions.sos import do_cancel_alert
from alerts.models import AlertEvent
from alerts.tasks import UNCLAIMED_ALARM, alarm_unclaimed_alerts, do_alarm_unclaimed
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import INSIDE_ANSAN
from tests.fixtures.consoles import communicator, nothing_about, receive, session_headers

# A private channel-layer prefix per test, as the console's own tests have.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_channel_layer")]

START = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


def alarms(alert_id: int) -> list[AlertEvent]:
    return list(AlertEvent.objects.filter(alert_id=alert_id, kind=UNCLAIMED_ALARM))


def test_not_before_the_timeout_then_exactly_once(staff) -> None:
    with time_machine.travel(START, tick=False) as clock:
        alert = raise_sos()
        clock.shift(29)
        assert alarm_unclaimed_alerts() == 0
        clock.shift(1)
        assert alarm_unclaimed_alerts() == 1
        for _ in range(3):  # every later beat run, however late
            clock.shift(600)
            assert alarm_unclaimed_alerts() == 0
    [event] = alarms(alert.pk)
    assert event.actor is None  # the system, not an operator
    assert event.data == {"timeout_s": 30, "waited_s": 30}
    assert do_alarm_unclaimed(alert.pk) is None  # a second, overlapping run adds nothing


def test_never_for_an_alert_claimed_in_time(staff) -> None:
    with time_machine.travel(START, tick=False) as clock:
        alert = raise_sos()
        clock.shift(20)
        do_claim_alert(alert, staff.hwaseong)
        clock.shift(60)
        assert alarm_unclaimed_alerts() == 0
        assert do_alarm_unclaimed(alert.pk) is None  # a run that read it just before the claim
    assert alarms(alert.pk) == []


def test_never_for_a_closed_or_cancelled_alert(staff) -> None:
    with time_machine.travel(START, tick=False) as clock:
        closed, cancelled = raise_sos(), raise_sos(name="이취소")
        do_close_alert(closed, staff.supervisor, "false_alarm")  # closing takes it: never unclaimed
        do_cancel_alert(cancelled, "")  # no cancel PIN: any PIN cancels
        clock.shift(60)
        assert alarm_unclaimed_alerts() == 0


def test_a_transferred_alert_already_alarmed_is_not_alarmed_again(staff, centers) -> None:
    """Once per alert: the alarm told the supervisors; a transfer clears the claim but the
    supervisors already watch it (and the new center gets the transfer push)."""
    with time_machine.travel(START, tick=False) as clock:
        alert = raise_sos()
        clock.shift(31)
        assert alarm_unclaimed_alerts() == 1
        do_transfer_alert(alert, staff.supervisor, centers["ansan"])
        clock.shift(60)
        assert alarm_unclaimed_alerts() == 0


def test_the_timeout_is_a_setting(staff, settings) -> None:
    settings.ALERT_CLAIM_TIMEOUT = 120
    with time_machine.travel(START, tick=False) as clock:
        alert = raise_sos()
        clock.shift(119)
        assert alarm_unclaimed_alerts() == 0
        clock.shift(1)
        assert alarm_unclaimed_alerts() == 1
    assert alarms(alert.pk)[0].data["timeout_s"] == 120


def test_the_task_is_registered_for_beat() -> None:
    from hwaseong_safety.celery import app

    app.loader.import_default_modules()
    assert "alerts.tasks.alarm_unclaimed_alerts" in app.tasks


@pytest.mark.asyncio
@pytest.mark.usefixtures("close_db_connections")
async def test_the_supervisor_console_gets_the_alarm(staff) -> None:
    consoles = {}
    for name in ("supervisor", "hwaseong", "ansan"):
        consoles[name] = communicator(await sync_to_async(session_headers)(getattr(staff, name)))
        connected, _code = await consoles[name].connect()
        assert connected
        await receive(consoles[name], "snapshot")
    alert = await sync_to_async(raise_sos)()
    assert (await receive(consoles["supervisor"], "alert.created"))["alert"]["id"] == alert.pk
    elsewhere = await sync_to_async(raise_sos)(INSIDE_ANSAN, name="안산인")
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert await sync_to_async(alarm_unclaimed_alerts)() == 2
    got = {}
    for _ in range(2):
        message = await receive(consoles["supervisor"], "alert.updated")
        got[message["alert"]["id"]] = message
    assert set(got) == {alert.pk, elsewhere.pk}  # supervisors: every center's alarm
    alarm = got[alert.pk]
    assert alarm["event"]["kind"] == UNCLAIMED_ALARM and alarm["event"]["actor"] is None
    assert alarm["alert"]["claimed_by"] is None and alarm["alert"]["status"] == "received"
    # The alert's own center hears it too; the neighbouring center only hears its own.
    operator = await receive(consoles["hwaseong"], "alert.updated")
    assert (operator["alert"]["id"], operator["event"]["kind"]) == (alert.pk, UNCLAIMED_ALARM)
    assert await nothing_about(consoles["ansan"], alert.pk)
    for comm in consoles.values():
        await comm.disconnect()
