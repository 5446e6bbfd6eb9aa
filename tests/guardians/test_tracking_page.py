"""The guardian's tracking page and its position.json: content, 404 rules, expiry, revocation, and a
disclosure per opening of the page (polls are counted on the opening, not disclosed again)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from alerts.models import AlertLocation, AlertStatus, Disclosure, TripLocation, TripStatus
from guardians.models import Guardian, TrackingView
from guardians.tracking import TRAIL_POINTS, VIEW_PURPOSE, VIEW_SESSION_GAP, tracking_token
from tests.factories import make_alert, make_guardian, make_trip
from tests.fixtures.citizens import client_for

pytestmark = pytest.mark.django_db

HERE = Point(126.83131, 37.19952, srid=4326)


def urls(token: str) -> tuple[str, str]:
    return f"/t/{token}/", f"/t/{token}/position.json"


def trip_link(citizen, **fields) -> tuple[Guardian, object, str]:
    guardian = make_guardian(citizen)
    trip = make_trip(citizen, **fields)
    return guardian, trip, tracking_token(guardian, trip=trip)


# --- position.json ------------------------------------------------------------------------------

def test_json_has_what_the_page_shows_and_nothing_more(client, citizen) -> None:
    now = timezone.now()
    guardian, trip, token = trip_link(citizen, destination_name="우리집", last_location=HERE,
                                      last_location_at=now - timedelta(minutes=5))
    for minutes in (4, 3):
        TripLocation.objects.create(trip=trip, location=Point(126.83, 37.2, srid=4326), accuracy=12.4,
                                    recorded_at=now - timedelta(minutes=minutes))
    TripLocation.objects.create(trip=trip, location=Point(126.832, 37.201, srid=4326), accuracy=8,
                                recorded_at=now - timedelta(minutes=2, seconds=10))
    response = client.get(urls(token)[1])
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    data = response.json()
    assert set(data) == {"kind", "status", "status_text", "ended", "position", "trail", "destination",
                         "address"}
    assert data["kind"] == "trip" and data["status"] == "active" and data["status_text"] == "귀가 중"
    assert data["ended"] is False
    position = data["position"]
    assert (position["latitude"], position["longitude"], position["accuracy"]) == (37.201, 126.832, 8)
    assert 130 <= position["age_seconds"] < 140
    assert data["trail"] == [[37.2, 126.83], [37.2, 126.83], [37.201, 126.832]]
    assert data["destination"] == {"latitude": 37.1995, "longitude": 126.8313, "name": "우리집"}
    body = response.content.decode()
    for secret in (citizen.phone, guardian.phone, citizen.name, guardian.name, "duress"):
        assert secret not in body


def test_trail_is_the_newest_fifty_oldest_first(client, citizen) -> None:
    _, trip, token = trip_link(citizen)
    start = timezone.now() - timedelta(hours=1)
    TripLocation.objects.bulk_create(
        TripLocation(trip=trip, location=Point(126.8 + i / 10000, 37.2, srid=4326),
                     recorded_at=start + timedelta(seconds=10 * i))
        for i in range(TRAIL_POINTS + 20)
    )
    data = client.get(urls(token)[1]).json()
    assert len(data["trail"]) == TRAIL_POINTS
    assert data["trail"][0][1] == pytest.approx(126.802) and data["trail"][-1][1] == pytest.approx(126.8069)
    assert data["position"]["longitude"] == pytest.approx(126.8069)


def test_json_without_position(client, citizen) -> None:
    _, _, token = trip_link(citizen)
    data = client.get(urls(token)[1]).json()
    assert data["position"] is None and data["trail"] == []


def test_duress_alert_is_an_open_sos_to_the_guardian(client, citizen) -> None:
    guardian = make_guardian(citizen)
    alert = make_alert(citizen, is_duress=True, cancelled_at=timezone.now(), location=HERE, accuracy=30,
                       location_recorded_at=timezone.now())
    data = client.get(urls(tracking_token(guardian, alert=alert))[1]).json()
    assert data["kind"] == "alert" and data["status"] == AlertStatus.RECEIVED
    assert data["status_text"] == "긴급 신고 접수" and data["ended"] is False
    assert data["position"]["accuracy"] == 30 and data["destination"] is None


def test_alert_of_a_trip_shows_the_trips_destination(client, citizen) -> None:
    guardian = make_guardian(citizen)
    trip = make_trip(citizen, destination_name="집")
    alert = make_alert(citizen, trip=trip)
    AlertLocation.objects.create(alert=alert, location=HERE, accuracy=5, recorded_at=timezone.now())
    data = client.get(urls(tracking_token(guardian, alert=alert))[1]).json()
    assert data["destination"]["name"] == "집" and data["trail"] == [[37.19952, 126.83131]]


# --- the same 404 rules for the page and the JSON -----------------------------------------------

def both_status(client: Client, token: str) -> set[int]:
    return {client.get(url).status_code for url in urls(token)}


@pytest.mark.parametrize("token", ["garbage", "eyJnIjoxLCJ0IjoxfQ:1abc:def"])
def test_bad_tokens_are_404_for_both(client, token) -> None:
    assert both_status(client, token) == {404}


def test_declined_deleted_and_foreign_links_are_404_for_both(client, citizen, make_citizen) -> None:
    guardian, _, token = trip_link(citizen)
    assert both_status(client, token) == {200}
    Guardian.objects.filter(pk=guardian.pk).update(declined_at=timezone.now())
    assert both_status(client, token) == {404}
    other = make_guardian(citizen, phone="01044445555")
    stranger_trip = make_trip(make_citizen(phone="01099998888", name="남남"))
    assert both_status(client, tracking_token(other, trip=stranger_trip)) == {404}


def test_citizen_deleting_the_guardian_kills_the_link(citizen) -> None:
    guardian, _, token = trip_link(citizen)
    page = Client()
    assert both_status(page, token) == {200}
    assert client_for(citizen).delete(f"/api/v1/guardians/{guardian.pk}/").status_code == 204
    assert both_status(page, token) == {404}
    # The disclosure of the opening stays: the citizen's record of who saw the location.
    assert Disclosure.objects.filter(purpose=VIEW_PURPOSE, citizen=citizen).count() == 1


def test_json_expires_an_hour_after_the_trip_ends(client, citizen) -> None:
    guardian = make_guardian(citizen)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        trip = make_trip(citizen, status=TripStatus.ARRIVED, arrived_at=timezone.now())
        token = tracking_token(guardian, trip=trip)
        traveller.shift(timedelta(minutes=59, seconds=59))
        data = client.get(urls(token)[1]).json()
        assert data["ended"] is True and data["status_text"] == "도착 완료"
        traveller.shift(timedelta(seconds=1))
        assert both_status(client, token) == {404}


# --- revocation ---------------------------------------------------------------------------------

def test_revocation_kills_links_made_before_it_only(client, citizen) -> None:
    guardian = make_guardian(citizen)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        ended = make_trip(citizen, status=TripStatus.ENDED, ended_at=timezone.now())
        old = tracking_token(guardian, trip=ended)
        traveller.shift(timedelta(seconds=1))
        Guardian.objects.filter(pk=guardian.pk).update(tracking_revoked_at=timezone.now())
        assert both_status(client, old) == {404}
        trip = make_trip(citizen)
        assert both_status(client, tracking_token(guardian, trip=trip)) == {404}  # revocation wins a tie
        traveller.shift(timedelta(seconds=1))
        assert both_status(client, tracking_token(guardian, trip=trip)) == {200}  # a later SMS works


def test_admin_action_revokes_the_guardians_links(client, admin_client, citizen) -> None:
    guardian, _, token = trip_link(citizen)
    other = make_guardian(citizen, phone="01044445555", name="다른보호자")
    ended = make_trip(citizen, status=TripStatus.ENDED, ended_at=timezone.now())
    other_token = tracking_token(other, trip=ended)
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        response = admin_client.post("/admin/guardians/guardian/", {
            "action": "revoke_tracking_links", "_selected_action": [guardian.pk],
        })
        assert response.status_code == 302
        assert both_status(client, token) == {404}
        assert both_status(client, other_token) == {200}
    guardian.refresh_from_db()
    assert guardian.tracking_revoked_at is not None


# --- disclosures ----------------------------------------------------------------------------------

def test_each_viewing_session_is_a_disclosure_and_polls_are_counted_on_it(client, citizen) -> None:
    guardian, trip, token = trip_link(citizen, last_location=HERE, last_location_at=timezone.now())
    page, position = urls(token)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        first = client.get(page).content.decode()
        for _ in range(5):  # reloads within the session: the same opening, no new disclosure
            assert client.get(page).status_code == 200
        assert Disclosure.objects.filter(purpose=VIEW_PURPOSE).count() == 1
        traveller.shift(VIEW_SESSION_GAP + timedelta(seconds=1))  # after a pause: a new session
        second = client.get(page).content.decode()
    rows = list(Disclosure.objects.filter(purpose=VIEW_PURPOSE).order_by("id"))
    assert len(rows) == 2
    assert {(r.recipient_kind, r.recipient, r.trip_id, r.alert_id, r.citizen_id) for r in rows} == {
        ("guardian", "보호자 010-****-3333", trip.pk, None, citizen.pk)
    }
    # The page polls with its own view id: the JSON is counted, not disclosed again.
    views = list(TrackingView.objects.order_by("id"))
    view_url = re.search(r'"positionUrl": "([^"]+)"', first).group(1).replace("\\u0026", "&")
    assert view_url == f"{position}?v={views[0].pk}" and f"?v={views[1].pk}" in second
    for _ in range(3):
        assert client.get(view_url).status_code == 200
    client.get(position)  # no view id: counted on the newest opening
    client.get(f"{position}?v=999999999")  # not this link's: likewise
    assert Disclosure.objects.filter(purpose=VIEW_PURPOSE).count() == 2
    counts = dict(TrackingView.objects.values_list("pk", "polls"))
    assert counts == {views[0].pk: 3, views[1].pk: 2}
    assert all(v.guardian_id == guardian.pk and v.disclosure_id for v in views)


def test_json_without_any_opening_is_recorded_as_one(client, citizen) -> None:
    guardian = make_guardian(citizen)
    alert = make_alert(citizen)
    position = urls(tracking_token(guardian, alert=alert))[1]
    client.get(position)
    client.get(position)
    disclosure = Disclosure.objects.get(purpose=VIEW_PURPOSE)
    assert disclosure.alert_id == alert.pk and disclosure.trip_id is None
    assert TrackingView.objects.get().polls == 2


def test_a_404_discloses_nothing(client, citizen) -> None:
    guardian, _, token = trip_link(citizen)
    Guardian.objects.filter(pk=guardian.pk).update(declined_at=timezone.now())
    both_status(client, token)
    assert not Disclosure.objects.exists() and not TrackingView.objects.exists()


# --- the HTML -------------------------------------------------------------------------------------

def test_page_has_map_config_and_loads_nothing_from_outside(client, citizen, settings) -> None:
    settings.MAP_TILE_URL = ""
    _, _, token = trip_link(citizen, last_location=HERE, last_location_at=timezone.now())
    response = client.get(urls(token)[0])
    html = response.content.decode()
    assert '<meta name="referrer" content="no-referrer">' in html
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    assert 'id="map"' in html and 'data-poll-seconds="10"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html and "/static/guardians/tracking.js" in html
    assert 'id="tracking-config"' in html and 'id="tracking-labels"' in html
    assert "귀가 중" in html and 'lang="ko"' in html
    # Every src/href is the site's own (relative) or a phone call; no http(s) text at all.
    assert re.findall(r'(?:src|href)="(?!/|#|")([^"]*)"', html) == ["tel:112", "tel:119"]
    assert re.findall(r"https?://", html) == []


def test_poll_interval_is_a_setting(client, citizen, settings) -> None:
    settings.GUARDIAN_TRACKING_POLL_SECONDS = 1
    _, _, token = trip_link(citizen)
    assert 'data-poll-seconds="1"' in client.get(urls(token)[0]).content.decode()


def test_json_is_get_only(client, citizen) -> None:
    _, _, token = trip_link(citizen)
    assert client.post(urls(token)[1]).status_code == 405


def test_admin_lists_openings_read_only(client, admin_client, citizen) -> None:
    _, _, token = trip_link(citizen)
    client.get(urls(token)[0])
    response = admin_client.get("/admin/guardians/trackingview/")
    assert response.status_code == 200 and "보호자" in response.content.decode()
    view = TrackingView.objects.get()
    deleted = admin_client.post(f"/admin/guardians/trackingview/{view.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403 and TrackingView.objects.exists()
