from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.utils import timezone, translation
from django.utils.translation import gettext

from alerts.models import AlertLocation, AlertStatus, TripStatus
from guardians.models import Guardian
from guardians.pages import given_name
from guardians.tracking import resolve_tracking_token, tracking_token, tracking_url
from tests.factories import decline_path, make_alert, make_guardian, make_trip

pytestmark = pytest.mark.django_db


# --- decline ------------------------------------------------------------------------------------

def test_decline_get_shows_korean_confirm_page_and_changes_nothing(client, citizen) -> None:
    guardian = make_guardian(citizen)
    response = client.get(decline_path(guardian))
    assert response.status_code == 200
    html = response.content.decode()
    assert "홍길동" in html and "보호자 지정 거절" in html and 'method="post"' in html
    guardian.refresh_from_db()
    assert guardian.declined_at is None


def test_decline_post_declines_and_is_idempotent(client, citizen) -> None:
    guardian = make_guardian(citizen)
    url = decline_path(guardian)
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    guardian.refresh_from_db()
    first = guardian.declined_at
    assert first is not None
    assert client.post(url).status_code == 302
    guardian.refresh_from_db()
    assert guardian.declined_at == first
    page = client.get(url).content.decode()
    assert "거절하셨습니다" in page and 'method="post"' not in page


def test_decline_post_needs_csrf_token(citizen) -> None:
    from django.test import Client

    guardian = make_guardian(citizen)
    assert Client(enforce_csrf_checks=True).post(decline_path(guardian)).status_code == 403


def test_unknown_decline_token_is_404(client) -> None:
    assert client.get("/g/decline/nope/").status_code == 404
    assert client.post("/g/decline/nope/").status_code == 404


# --- tracking -----------------------------------------------------------------------------------

def test_tracking_url_is_absolute_and_signed(settings, citizen) -> None:
    guardian = make_guardian(citizen)
    trip = make_trip(citizen)
    url = tracking_url(guardian, trip=trip)
    assert url.startswith(f"{settings.SITE_URL}/t/") and url.endswith("/")
    target = resolve_tracking_token(url.rsplit("/", 2)[1])
    assert target is not None and target.trip == trip and target.guardian == guardian


def test_tracking_needs_exactly_one_target(citizen) -> None:
    guardian = make_guardian(citizen)
    with pytest.raises(ValueError):
        tracking_token(guardian)


def test_tracking_page_shows_trip_status_and_position(client, citizen) -> None:
    guardian = make_guardian(citizen)
    at = timezone.now().replace(microsecond=0)
    trip = make_trip(citizen, last_location=Point(126.83131, 37.19952, srid=4326), last_location_at=at)
    response = client.get(f"/t/{tracking_token(guardian, trip=trip)}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'http-equiv="refresh"' not in html  # the page polls position.json instead
    assert "길동님" in html and "홍길동" not in html  # first (given) name only
    assert "귀가 중" in html
    assert "37.19952" in html and "126.83131" in html
    assert timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S") in html
    assert response["Referrer-Policy"] == "no-referrer"


def test_tracking_page_for_alert_uses_newest_trail_point(client, citizen) -> None:
    guardian = make_guardian(citizen)
    now = timezone.now()
    alert = make_alert(citizen, location=Point(126.8, 37.1, srid=4326),
                       location_recorded_at=now - timedelta(minutes=1))
    AlertLocation.objects.create(alert=alert, location=Point(126.9, 37.3, srid=4326), recorded_at=now)
    html = client.get(f"/t/{tracking_token(guardian, alert=alert)}/").content.decode()
    assert "긴급 신고 접수" in html and "37.30000" in html


def test_tracking_page_without_position(client, citizen) -> None:
    guardian = make_guardian(citizen)
    html = client.get(f"/t/{tracking_token(guardian, trip=make_trip(citizen))}/").content.decode()
    with translation.override("ko"):
        assert gettext("No position yet.") in html


@pytest.mark.parametrize("token", ["garbage", "eyJnIjoxLCJ0IjoxfQ:1abc:def"])
def test_bad_token_is_404(client, token) -> None:
    assert client.get(f"/t/{token}/").status_code == 404


def test_tampered_token_is_404(client, citizen) -> None:
    guardian = make_guardian(citizen)
    token = tracking_token(guardian, trip=make_trip(citizen))
    assert client.get(f"/t/{token[:-2]}xx/").status_code == 404


def test_token_from_another_salt_is_404(client, citizen) -> None:
    from django.core import signing

    guardian = make_guardian(citizen)
    trip = make_trip(citizen)
    forged = signing.dumps({"g": guardian.pk, "t": trip.pk}, salt="something.else", compress=True)
    assert client.get(f"/t/{forged}/").status_code == 404


def test_declined_guardian_link_is_404(client, citizen) -> None:
    guardian = make_guardian(citizen)
    token = tracking_token(guardian, trip=make_trip(citizen))
    Guardian.objects.filter(pk=guardian.pk).update(declined_at=timezone.now())
    assert client.get(f"/t/{token}/").status_code == 404


def test_link_of_deleted_guardian_is_404(client, citizen) -> None:
    guardian = make_guardian(citizen)
    token = tracking_token(guardian, trip=make_trip(citizen))
    guardian.delete()
    assert client.get(f"/t/{token}/").status_code == 404


def test_link_only_shows_the_guardians_own_citizen(client, citizen, make_citizen) -> None:
    guardian = make_guardian(citizen)
    stranger_trip = make_trip(make_citizen(phone="01099998888", name="남남"))
    assert client.get(f"/t/{tracking_token(guardian, trip=stranger_trip)}/").status_code == 404


@pytest.mark.parametrize(
    ("status", "stamp"), [(TripStatus.ARRIVED, "arrived_at"), (TripStatus.ENDED, "ended_at")]
)
def test_trip_link_stops_an_hour_after_the_end(client, citizen, status, stamp) -> None:
    guardian = make_guardian(citizen)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        trip = make_trip(citizen, status=status, **{stamp: timezone.now()})
        url = f"/t/{tracking_token(guardian, trip=trip)}/"
        traveller.shift(timedelta(minutes=59))
        response = client.get(url)
        assert response.status_code == 200
        assert ("도착 완료" if status == TripStatus.ARRIVED else "귀가 종료") in response.content.decode()
        traveller.shift(timedelta(minutes=1, seconds=1))
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("status", "stamp"), [(AlertStatus.CLOSED, "closed_at"), (AlertStatus.CANCELLED, "cancelled_at")]
)
def test_alert_link_stops_an_hour_after_the_end(client, citizen, status, stamp) -> None:
    guardian = make_guardian(citizen)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        alert = make_alert(citizen, status=status, **{stamp: timezone.now()})
        url = f"/t/{tracking_token(guardian, alert=alert)}/"
        traveller.shift(timedelta(minutes=30))
        assert client.get(url).status_code == 200
        traveller.shift(timedelta(minutes=31))
        assert client.get(url).status_code == 404


def test_active_and_overdue_trips_keep_working(client, citizen) -> None:
    guardian = make_guardian(citizen)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        trip = make_trip(citizen, status=TripStatus.OVERDUE)
        traveller.shift(timedelta(hours=5))
        response = client.get(f"/t/{tracking_token(guardian, trip=trip)}/")
    assert response.status_code == 200 and "도착 예정 시간 초과" in response.content.decode()


@pytest.mark.parametrize(
    ("full", "shown"),
    [("홍길동", "길동"), ("이훈", "이훈"), ("Jane Doe", "Jane"), ("  김 영희 ", "영희"), ("", "")],
)
def test_given_name(full, shown) -> None:
    assert given_name(full) == shown
