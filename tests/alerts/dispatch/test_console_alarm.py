"""A failed escalation reaches the operators' consoles live (the real socket and Redis layer)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import logged_in
from tests.fixtures.consoles import communicator, receive, session_headers

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("close_db_connections")]


async def test_a_refused_escalation_raises_the_alarm_on_the_console(fake, staff):
    fake.script = [400]
    alert = await sync_to_async(raise_sos)()
    comm = communicator(await sync_to_async(session_headers)(staff.hwaseong))
    assert (await comm.connect())[0]
    await receive(comm, "snapshot")
    client = await sync_to_async(logged_in)(staff.hwaseong)
    response = await sync_to_async(client.post)(
        f"/api/v1/console/alerts/{alert.pk}/escalate", {"agencies": ["police"], "reason": "위협"},
        content_type="application/json")
    assert response.status_code == 200
    kinds = []
    while "escalation_failed" not in kinds:
        message = await receive(comm, "alert.updated")
        kinds.append(message["event"]["kind"])
    assert kinds == ["escalated", "escalation_failed"]
    assert message["alert"]["id"] == alert.pk
    assert message["event"]["data"]["agency"] == "police"
    assert message["event"]["data"]["error"].startswith("HTTP 400")
    await comm.disconnect()
