"""Every alert carries its human address: set when its position is set or moves, and shown in the
console (queue and detail), the guardian SMS, the guardian page and the dispatch payload."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from alerts.actions.sos import do_add_alert_locations
from alerts.dispatch.payload import build_payload
from alerts.locations import Fix
from alerts.models import Escalation
from guardians.models import Guardian
from guardians.tracking import tracking_token
from sms.transports import LocmemTransport
from tests.factories import make_camera, make_guardian, make_trip
from tests.fixtures.alerts import loc, raise_sos
from tests.fixtures.centers import point
from tests.fixtures.citizens import make_app_user

pytestmark = pytest.mark.django_db

SPOT = (37.20, 126.83)  # lat, lon: in the synthetic 남양읍
ADDRESS = "화성시 남양읍 · 시청로201번길 5-14 부근 40 m"


@pytest.fixture
def street(synthetic_areas, centers) -> None:
    make_camera(126.83, 37.20 + 40 / 111_000, road_address="경기도 화성시 남양읍 시청로201번길 5-14")


def test_an_sos_stores_its_address_and_the_guardian_sms_says_it(street, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alert = raise_sos(location=loc(SPOT, accuracy=10), through_api=True)
    assert alert.address == ADDRESS
    assert (alert.address_area, alert.address_road) == ("화성시 남양읍", "시청로201번길 5-14")
    [sms] = LocmemTransport.outbox
    assert f"위치: {ADDRESS} http" in sms["body"]


def test_a_moving_position_moves_the_address(street):
    alert = raise_sos(location=loc(SPOT), through_api=True)
    do_add_alert_locations(alert, [Fix(point((37.30, 126.87)), 10.0, "gnss", timezone.now())])
    alert.refresh_from_db()
    assert alert.address == "안산시"  # no known address within a kilometre there


def test_without_a_position_there_is_no_address_and_the_sms_says_only_the_link(
        street, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alert = raise_sos(location=None, through_api=True)
    assert alert.address == ""
    [sms] = LocmemTransport.outbox
    assert re.search(r"위치: http\S+ 관제센터", sms["body"])


def test_the_console_queue_and_detail_show_it(street, staff):
    alert = raise_sos(location=loc(SPOT), through_api=True)
    operator = Client()
    operator.force_login(staff.hwaseong)
    [row] = operator.get("/api/v1/console/queue/").json()
    assert row["address"] == ADDRESS
    assert operator.get(f"/api/v1/console/alerts/{alert.pk}/").json()["alert"]["address"] == ADDRESS


def test_the_dispatch_payload_reads_it_out(street, staff):
    alert = raise_sos(location=loc(SPOT), through_api=True)
    escalation = Escalation.objects.create(alert=alert, agency="police", reason="비명",
                                           requested_by=staff.hwaseong)
    address = build_payload(escalation)["address"]
    assert address == {"text": ADDRESS, "basis": "places", "area": "화성시 남양읍",
                       "nearest_address": "시청로201번길 5-14", "distance_m": pytest.approx(40, abs=1)}


def test_the_guardian_page_shows_the_address_and_tap_to_call(street, client, settings):
    app = make_app_user()
    alert = raise_sos(app=app, location=loc(SPOT), through_api=True)
    guardian = Guardian.objects.get(citizen=app.citizen)
    token = tracking_token(guardian, alert=alert)
    assert client.get(f"/t/{token}/position.json").json()["address"] == ADDRESS
    html = client.get(f"/t/{token}/").content.decode()
    assert ADDRESS in html
    assert 'href="tel:112"' in html and 'href="tel:119"' in html
    assert "map.kakao.com" not in html and "nmap://" not in html  # off by default
    settings.GUARDIAN_MAP_LINKS = ["kakao", "naver"]
    html = client.get(f"/t/{token}/").content.decode()
    assert "https://map.kakao.com/link/map/" in html and ",37.2,126.83" in html
    assert "nmap://place?lat=37.2&amp;lng=126.83" in html


def test_a_trips_guardian_page_looks_the_address_up(street, client):
    app = make_app_user(guardian=False)
    guardian = make_guardian(app.citizen)
    trip = make_trip(app.citizen, last_location=point(SPOT), last_location_at=timezone.now())
    assert client.get(f"/t/{tracking_token(guardian, trip=trip)}/position.json").json()["address"] == ADDRESS
