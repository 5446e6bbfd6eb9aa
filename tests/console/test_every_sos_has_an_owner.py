"""Issue 15, point 2: no alert is ever without a center whose operators watch it."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from alerts.models import Alert
from tests.fixtures.alerts import loc, raise_sos
from tests.fixtures.centers import SEA_WEST, logged_in
from tests.fixtures.citizens import make_app_user
from tests.fixtures.consoles import communicator, receive, session_headers

pytestmark = pytest.mark.fastpath
BASE = "/api/v1/console"


def new_citizens_sos(location: dict | None) -> Alert:
    """A brand-new citizen's SOS through the app API (no home center, no last location)."""
    app = make_app_user("신규")
    assert app.citizen.home_center_id is None and app.citizen.last_location is None
    return raise_sos(app=app, location=location, through_api=True)


@pytest.mark.django_db
def test_a_new_citizens_sos_without_a_location_reaches_the_host_centers_operators(staff):
    alert = new_citizens_sos(None)
    assert alert.center.code == "41590" and alert.location is None
    operator = logged_in(staff.hwaseong)
    [row] = operator.get(f"{BASE}/queue/").json()
    assert row["id"] == alert.pk and row["latitude"] is None  # the console shows "위치 없음"
    detail = operator.get(f"{BASE}/alerts/{alert.pk}/")
    assert detail.status_code == 200
    assert detail.json()["cameras"] == [] and detail.json()["alert"]["center"]["code"] == "41590"
    claim = operator.post(f"{BASE}/alerts/{alert.pk}/claim", {}, content_type="application/json")
    assert claim.status_code == 200
    assert logged_in(staff.ansan).get(f"{BASE}/alerts/{alert.pk}/").status_code == 404


@pytest.mark.django_db
def test_an_out_of_area_sos_goes_to_the_nearest_center_and_its_operators_see_it(staff):
    alert = new_citizens_sos(loc(SEA_WEST))
    assert alert.center.code == "41590" and alert.out_of_area
    operator = logged_in(staff.hwaseong)
    [row] = operator.get(f"{BASE}/queue/").json()
    assert row["id"] == alert.pk and row["out_of_area"] is True
    assert operator.get(f"{BASE}/alerts/{alert.pk}/").status_code == 200
    assert logged_in(staff.ansan).get(f"{BASE}/queue/").json() == []


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_db_connections")
async def test_the_host_centers_console_gets_the_push_of_a_sos_without_a_location(staff):
    comm = communicator(await sync_to_async(session_headers)(staff.hwaseong))
    connected, _code = await comm.connect()
    assert connected
    await receive(comm, "snapshot")
    alert = await sync_to_async(new_citizens_sos)(None)
    created = await receive(comm, "alert.created")
    assert created["alert"]["id"] == alert.pk and created["alert"]["latitude"] is None
    await comm.disconnect()
