"""The console websocket against the real ASGI application and the real Redis channel layer."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from alerts.actions.handling import do_claim_alert, do_transfer_alert
from citizens.auth import issue_token
from tests.factories import make_staff
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import BORDER_HWASEONG, INSIDE_ANSAN, INSIDE_HWASEONG, logged_in, point
from tests.fixtures.citizens import make_app_user
from tests.fixtures.consoles import communicator, nothing_about, receive, session_headers

pytestmark = [pytest.mark.fastpath, pytest.mark.asyncio, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("close_db_connections")]


async def connect(user):
    comm = communicator(await sync_to_async(session_headers)(user))
    connected, _code = await comm.connect()
    assert connected
    return comm


async def test_anonymous_socket_is_closed_4401():
    comm = communicator(await sync_to_async(session_headers)(None))
    connected, _ = await comm.connect()
    assert connected  # accepted, then closed, so a browser sees the code
    assert await comm.receive_output() == {"type": "websocket.close", "code": 4401}


async def test_app_token_socket_is_closed_4401(centers):
    app = await sync_to_async(make_app_user)()
    token = await sync_to_async(issue_token)(app.citizen)
    headers = await sync_to_async(session_headers)(None)
    comm = communicator([*headers, (b"authorization", f"Bearer {token}".encode())])
    await comm.connect()
    assert await comm.receive_output() == {"type": "websocket.close", "code": 4401}


async def test_non_staff_is_closed_4403(staff):
    staff.hwaseong.role = ""
    await sync_to_async(staff.hwaseong.save)()
    comm = await connect(staff.hwaseong)
    assert await comm.receive_output() == {"type": "websocket.close", "code": 4403}


async def test_foreign_origin_is_refused(staff):
    headers = [h for h in await sync_to_async(session_headers)(staff.hwaseong) if h[0] != b"origin"]
    comm = communicator([*headers, (b"origin", b"http://evil.example")])
    connected, _ = await comm.connect()
    assert not connected


async def test_operators_get_their_own_center_and_the_border_band_only(staff):
    hwaseong, ansan = await connect(staff.hwaseong), await connect(staff.ansan)
    for comm in (hwaseong, ansan):
        assert (await receive(comm, "snapshot"))["alerts"] == []
    inside = await sync_to_async(raise_sos)(INSIDE_HWASEONG)
    created = await receive(hwaseong, "alert.created")
    assert created["alert"]["id"] == inside.pk
    assert created["alert"]["citizen"]["name"] == "김화성"  # staff see who it is
    assert created["event"]["kind"] == "created"
    assert await nothing_about(ansan, inside.pk)
    border = await sync_to_async(raise_sos)(BORDER_HWASEONG)
    for comm in (hwaseong, ansan):
        message = await receive(comm, "alert.created")
        assert message["alert"]["id"] == border.pk
        assert message["alert"]["border_centers"] == [{"code": "41270", "name": "안산시"}]
    other = await sync_to_async(raise_sos)(INSIDE_ANSAN)
    assert (await receive(ansan, "alert.created"))["alert"]["id"] == other.pk
    assert await nothing_about(hwaseong, other.pk)
    for comm in (hwaseong, ansan):
        await comm.disconnect()


async def test_supervisor_gets_every_center(staff):
    comm = await connect(staff.supervisor)
    await receive(comm, "snapshot")
    ids = {(await sync_to_async(raise_sos)(latlon)).pk for latlon in (INSIDE_HWASEONG, INSIDE_ANSAN)}
    got = {(await receive(comm, "alert.created"))["alert"]["id"] for _ in ids}
    assert got == ids
    await comm.disconnect()


async def test_snapshot_on_reconnect_has_what_came_while_disconnected(staff):
    first = await sync_to_async(raise_sos)(INSIDE_HWASEONG)
    comm = await connect(staff.hwaseong)
    assert [a["id"] for a in (await receive(comm, "snapshot"))["alerts"]] == [first.pk]
    await comm.disconnect()
    missed = await sync_to_async(raise_sos)(INSIDE_HWASEONG)
    comm = await connect(staff.hwaseong)
    snapshot = await receive(comm, "snapshot")
    assert [a["id"] for a in snapshot["alerts"]] == [first.pk, missed.pk]
    assert snapshot["presence"]["41590"] == [{"id": staff.hwaseong.pk, "name": "op-hwaseong",
                                              "role": "operator"}]
    await comm.send_json_to({"type": "resync"})
    assert len((await receive(comm, "snapshot"))["alerts"]) == 2
    await comm.disconnect()


async def test_a_transfer_moves_visibility_and_tells_both_centers(staff, centers):
    alert = await sync_to_async(raise_sos)(INSIDE_HWASEONG)
    hwaseong, ansan = await connect(staff.hwaseong), await connect(staff.ansan)
    for comm in (hwaseong, ansan):
        await receive(comm, "snapshot")
    await sync_to_async(do_transfer_alert)(alert, staff.hwaseong, centers["ansan"])
    left = await receive(hwaseong, "alert.moved")
    assert (left["alert_id"], left["visible"], left["alert"]) == (alert.pk, False, None)
    assert (left["from"]["code"], left["to"]["code"]) == ("41590", "41270")
    assert left["by"]["id"] == staff.hwaseong.pk
    arrived = await receive(ansan, "alert.moved")
    assert arrived["visible"] and arrived["alert"]["center"]["code"] == "41270"
    # From now on 화성 hears nothing more of it; 안산 does.
    await sync_to_async(do_claim_alert)(alert, staff.ansan)
    assert (await receive(ansan, "alert.claimed"))["claimed_by"]["id"] == staff.ansan.pk
    assert await nothing_about(hwaseong, alert.pk)
    for comm in (hwaseong, ansan):
        await comm.disconnect()


async def test_presence_is_broadcast_on_connect_and_disconnect(staff):
    supervisor = await connect(staff.supervisor)
    await receive(supervisor, "snapshot")
    operator = await connect(staff.hwaseong)
    await receive(operator, "snapshot")
    seen = await receive(supervisor, "presence")
    while "41590" not in seen["presence"]:
        seen = await receive(supervisor, "presence")
    assert [p["id"] for p in seen["presence"]["41590"]] == [staff.hwaseong.pk]
    assert [p["id"] for p in seen["presence"]["*"]] == [staff.supervisor.pk]
    await operator.send_json_to({"type": "ping"})
    assert "server_time" in await receive(operator, "pong")
    await operator.disconnect()
    gone = await receive(supervisor, "presence")
    assert "41590" not in gone["presence"]
    await supervisor.disconnect()


async def test_every_action_pushes_its_timeline_event(staff):
    alert = await sync_to_async(raise_sos)(INSIDE_HWASEONG)
    comm = await connect(staff.hwaseong)
    await receive(comm, "snapshot")
    client = await sync_to_async(logged_in)(staff.hwaseong)

    async def act(action: str, body: dict | None = None) -> int:
        response = await sync_to_async(client.post)(f"/api/v1/console/alerts/{alert.pk}/{action}", body or {},
                                                    content_type="application/json")
        return response.status_code

    assert await act("claim") == 200
    claimed = await receive(comm, "alert.claimed")
    assert (claimed["claimed_by"]["id"], claimed["event"]["kind"]) == (staff.hwaseong.pk, "claimed")
    assert claimed["event"]["actor"]["id"] == staff.hwaseong.pk
    assert await act("acknowledge") == 200
    updated = await receive(comm, "alert.updated")
    assert (updated["alert"]["status"], updated["event"]["kind"]) == ("acknowledged", "acknowledged")
    assert await act("notes", {"text": "현장 확인 중"}) == 201
    note = await receive(comm, "alert.timeline")
    assert (note["alert_id"], note["event"]["data"]["text"]) == (alert.pk, "현장 확인 중")
    assert await act("escalate", {"agencies": ["police"], "reason": "위협"}) == 200
    escalated = await receive(comm, "alert.updated")
    # Not linked in the tests: the push carries the alarm, and the status waits for the agency.
    assert escalated["alert"]["status"] == "acknowledged"
    assert escalated["alert"]["dispatch_alarm"][0] | {"escalation": 0} == {
        "escalation": 0, "agency": "police", "problem": "not_linked"}
    assert escalated["event"]["data"]["agencies"] == ["police"]
    assert await act("close", {"disposition": "safe"}) == 200
    closed = await receive(comm, "alert.updated")
    assert (closed["alert"]["status"], closed["event"]["data"]["disposition"]) == ("closed", "safe")
    await comm.disconnect()


async def test_a_citizen_moving_across_the_border_is_an_alert_moved(staff, centers):
    """Transfers made by routing (alerts.actions.sos) reach the console the same way."""
    from alerts.actions.sos import do_add_alert_locations
    from alerts.locations import Fix

    alert = await sync_to_async(raise_sos)(INSIDE_HWASEONG)
    hwaseong = await connect(staff.hwaseong)
    await receive(hwaseong, "snapshot")
    fix = Fix(point(INSIDE_ANSAN), 8.0, "gnss", timezone.now())
    await sync_to_async(do_add_alert_locations)(alert, [fix])
    left = await receive(hwaseong, "alert.moved")
    assert (left["visible"], left["from"]["code"], left["to"]["code"]) == (False, "41590", "41270")
    assert left["event"]["kind"] == "transferred" and left["by"] is None
    await hwaseong.disconnect()


async def test_an_operator_without_a_center_is_closed_4403(centers):
    nowhere = await sync_to_async(make_staff)("nowhere")
    comm = await connect(nowhere)
    assert await comm.receive_output() == {"type": "websocket.close", "code": 4403}


async def test_a_user_deactivated_mid_session_is_cut_off_at_the_next_push(staff):
    comm = await connect(staff.hwaseong)
    await receive(comm, "snapshot")
    staff.hwaseong.is_active = False
    await sync_to_async(staff.hwaseong.save)()
    await sync_to_async(raise_sos)(INSIDE_HWASEONG)
    while (message := await comm.receive_output(timeout=5))["type"] != "websocket.close":
        assert "alert" not in message.get("text", "")  # nothing about the alert gets out
    assert message["code"] == 4403
