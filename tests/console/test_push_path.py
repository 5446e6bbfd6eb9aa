"""The console's push path (issue 7): one build per event per process, sequence numbers, presence
coalescing, cut-off without a query per push, and the visibility rule it applies from one read."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async

from alerts.actions.handling import do_transfer_alert
from console.realtime import hub as console_hub
from console.realtime import presence
from console.realtime.push import Built, Viewer, may_see
from console.visibility import visible_alerts
from operators.models import Role, User
from tests.factories import make_staff
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import BORDER_HWASEONG, INSIDE_ANSAN, INSIDE_HWASEONG
from tests.fixtures.consoles import communicator, nothing_about, receive, session_headers

pytestmark = pytest.mark.fastpath


def asyncio_db(test: object) -> object:
    """Against the real ASGI application, Redis channel layer and committed rows."""
    for mark in (pytest.mark.asyncio, pytest.mark.django_db(transaction=True),
                 pytest.mark.usefixtures("close_db_connections")):
        test = mark(test)
    return test


async def connect(user):
    comm = communicator(await sync_to_async(session_headers)(user))
    connected, _code = await comm.connect()
    assert connected
    return comm


async def raw(comm, kind: str) -> str:
    """The next text frame of ``kind``, as sent (not parsed): to compare what consoles got."""
    while True:
        message = await comm.receive_output(timeout=5)
        assert message["type"] == "websocket.send", message
        if f'"type": "{kind}"' in message["text"]:
            return message["text"]


@pytest.mark.django_db
def test_may_see_follows_the_visibility_rule_of_every_role(staff, centers):
    inside, border, ansan = raise_sos(INSIDE_HWASEONG), raise_sos(BORDER_HWASEONG), raise_sos(INSIDE_ANSAN)
    camera_admin = make_staff("cam", role=Role.CAMERA_ADMIN, center=centers["ansan"])
    for user in (staff.hwaseong, staff.police, staff.ansan, staff.supervisor, camera_admin):
        viewer = Viewer.of(user)
        for alert in (inside, border, ansan):
            codes = {c.code for c in alert.border_centers.all()}
            expected = visible_alerts(user).filter(pk=alert.pk).exists()
            assert may_see(viewer, alert.center.code, codes) is expected, (user, alert)


def test_a_transfer_leaves_only_the_message_saying_it_left():
    built = Built(center="41270", border=frozenset(), seen="seen", left="left",
                            left_center="41590", skip="skip")
    assert built.text_for(Viewer(False, "41270")) == "seen"  # the new center
    assert built.text_for(Viewer(True, None)) == "seen"  # supervisors see every center
    assert built.text_for(Viewer(False, "41590")) == "left"  # the old one: only that it left
    assert built.text_for(Viewer(False, "41111")) == "skip"  # anyone else: just the numbers


@pytest.mark.asyncio
async def test_presence_throttle_runs_once_then_once_more_for_everything_that_came_after():
    runs: list[int] = []
    state = {"n": 0}
    throttle = presence.Throttle(0.05)

    async def run() -> None:
        runs.append(state["n"])

    for n in range(1, 51):  # 50 consoles connecting at once
        state["n"] = n
        throttle.poke("push:41590", run)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert runs == [50]  # one run, which saw the last change
    for n in range(51, 101):
        state["n"] = n
        throttle.poke("push:41590", run)
    await asyncio.sleep(0.2)
    assert runs == [50, 100]  # the changes within the interval folded into one more run


@asyncio_db
async def test_each_event_is_built_once_per_process_and_sent_as_the_same_text(staff, monkeypatch):
    built: list[tuple] = []
    real = console_hub.build_push

    def counting(message: dict) -> Built:
        built.append((message["alert"]["id"], message["event"]))
        return real(message)

    monkeypatch.setattr(console_hub, "build_push", counting)
    # Three consoles of 화성 (two operators, a police liaison) and a supervisor (centers.all).
    comms = [await connect(u) for u in (staff.hwaseong, staff.second, staff.police, staff.supervisor)]
    for comm in comms:
        await receive(comm, "snapshot")
    alert = await sync_to_async(raise_sos)(INSIDE_HWASEONG)
    texts = {await raw(comm, "alert.created") for comm in comms}
    assert len(texts) == 1  # encoded once, the same frame to every console
    assert f'"id": {alert.pk}' in texts.pop()
    assert built.count((alert.pk, "created")) == 1
    for comm in comms:
        await comm.disconnect()


@asyncio_db
async def test_pushes_are_numbered_per_center_from_where_the_snapshot_left_off(staff):
    operator, supervisor = await connect(staff.hwaseong), await connect(staff.supervisor)
    start = (await receive(operator, "snapshot"))["seq"]
    start_all = (await receive(supervisor, "snapshot"))["seq"]
    assert set(start) == {"41590"} and set(start_all) == {"*"}
    first = await sync_to_async(raise_sos)(INSIDE_HWASEONG)
    second = await sync_to_async(raise_sos)(BORDER_HWASEONG)
    numbers = []
    for alert in (first, second):
        message = await receive(operator, "alert.created")
        assert message["alert"]["id"] == alert.pk
        numbers.append(message["seq"]["41590"])
        assert (await receive(supervisor, "alert.created"))["seq"]["*"] > start_all["*"]
    assert numbers == [start["41590"] + 1, start["41590"] + 2]  # no gap: nothing was missed
    await operator.send_json_to({"type": "resync"})
    assert (await receive(operator, "snapshot"))["seq"] == {"41590": numbers[-1]}
    for comm in (operator, supervisor):
        await comm.disconnect()


@asyncio_db
async def test_the_old_center_hears_only_that_an_alert_left_in_its_own_numbering(staff, centers):
    """The transfer is published to the old center too (also_centers): its consoles get the
    alert.moved without the alert, numbered in their center's sequence, then nothing more."""
    alert = await sync_to_async(raise_sos)(INSIDE_HWASEONG)
    hwaseong = await connect(staff.hwaseong)
    start = (await receive(hwaseong, "snapshot"))["seq"]["41590"]
    await sync_to_async(do_transfer_alert)(alert, staff.hwaseong, centers["ansan"])
    left = await receive(hwaseong, "alert.moved")
    assert (left["visible"], left["alert"], left["seq"]["41590"]) == (False, None, start + 1)
    other = await sync_to_async(raise_sos)(INSIDE_ANSAN)
    assert await nothing_about(hwaseong, other.pk)
    await hwaseong.disconnect()


@asyncio_db
async def test_a_user_deactivated_without_a_save_signal_is_cut_off_by_the_recheck(staff, monkeypatch):
    monkeypatch.setattr(console_hub, "USER_RECHECK_S", 0.2)
    comm = await connect(staff.hwaseong)
    await receive(comm, "snapshot")
    # A bulk update sends no post_save: only the periodic re-check (one query a process) sees it.
    await sync_to_async(User.objects.filter(pk=staff.hwaseong.pk).update)(is_active=False)
    while (message := await comm.receive_output(timeout=5))["type"] != "websocket.close":
        pass
    assert message["code"] == 4403
    await sync_to_async(raise_sos)(INSIDE_HWASEONG)
    assert comm.output_queue.empty() or (await comm.receive_output())["type"] != "websocket.send"


@asyncio_db
async def test_a_user_moved_to_another_center_follows_it_at_once(staff, centers):
    comm = await connect(staff.hwaseong)
    await receive(comm, "snapshot")
    staff.hwaseong.center = centers["ansan"]
    await sync_to_async(staff.hwaseong.save)()  # console.realtime.signals: staff.changed
    snapshot = await receive(comm, "snapshot")
    assert set(snapshot["seq"]) == {"41270"}
    ansan = await sync_to_async(raise_sos)(INSIDE_ANSAN)
    assert (await receive(comm, "alert.created"))["alert"]["id"] == ansan.pk
    hwaseong = await sync_to_async(raise_sos)(INSIDE_HWASEONG)
    assert await nothing_about(comm, hwaseong.pk)
    await comm.disconnect()
