"""Issue 16, point 3: costly and SMS-sending endpoints are throttled, the counting is atomic (parallel
requests can't slip past a limit), and SMS budgets cap what one citizen or one number can cause in
a day, without ever holding back an SOS's texts."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from alerts.models import Alert, Trip
from citizens.models import Citizen, PhoneVerification
from guardians.models import Guardian
from hwaseong_safety import ratelimit
from sms.models import SmsMessage
from tests.factories import make_center
from tests.fixtures.alerts import loc, sos_body, start_trip
from tests.fixtures.centers import HWASEONG_BBOX, INSIDE_HWASEONG
from tests.fixtures.citizens import make_app_user

ME = "/api/v1/app/me"
GUARDIANS = "/api/v1/guardians/"
SOS = "/api/v1/alerts/"


@pytest.fixture
def centers(db) -> None:
    make_center("41590", HWASEONG_BBOX, name="화성시")


def set_rate(settings, scope: str, rate: str) -> None:
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], scope: rate}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@pytest.mark.django_db(transaction=True)
def test_parallel_sos_never_pass_the_limit(settings, centers):
    """DRF's throttle read, then wrote: 134 of 200 parallel SOS passed a limit of 120."""
    set_rate(settings, "sos", "30/minute")  # the floor, so the test stays small
    user = make_app_user()

    def raise_one(_: int) -> int:
        client = APIClient()  # one client per request: APIClient is not thread-safe
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {user.token}")
        try:
            return client.post(SOS, sos_body(loc(INSIDE_HWASEONG)), format="json").status_code
        finally:
            connection.close()

    # The clock stands still mid-window: a slow machine must not carry the burst over a window's
    # edge, where the sliding window rightly lets the previous minute's weight fade.
    with time_machine.travel(time.time() // 60 * 60 + 30, tick=False), ThreadPoolExecutor(10) as pool:
        codes = list(pool.map(raise_one, range(45)))
    assert codes.count(201) == 30 and codes.count(429) == 15, codes
    assert Alert.objects.filter(citizen=user.citizen).count() == 30


def test_the_counter_is_exact_under_contention(db):
    """The Lua script checks and counts in one step: 200 hits from 20 threads, exactly 120 pass."""
    scope = f"test-{uuid.uuid4().hex}"
    with ThreadPoolExecutor(20) as pool:
        decisions = list(pool.map(lambda _: ratelimit.hit(scope, "x", 120, 60), range(200)))
    assert sum(d.allowed for d in decisions) == 120
    assert all(d.retry_after >= 1 for d in decisions if not d.allowed)


@pytest.mark.django_db
def test_pin_changes_are_throttled_and_a_throttled_one_changes_nothing(settings):
    set_rate(settings, "profile", "3/hour")
    user = make_app_user(guardian=False)
    for pin in ("1111", "2222", "3333"):
        assert user.client.patch(ME, {"cancel_pin": pin}, format="json").status_code == 200
    refused = user.client.patch(ME, {"cancel_pin": "4444"}, format="json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    citizen = Citizen.objects.get(pk=user.citizen.pk)
    assert citizen.pin_matches("cancel_pin", "3333") and not citizen.pin_matches("cancel_pin", "4444")
    assert user.client.get(ME).status_code == 200  # reading the profile is not throttled


@pytest.mark.django_db
def test_pins_are_hashed_at_the_chosen_cost_and_old_hashes_still_verify():
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    citizen = Citizen.objects.create(phone="01055550000", name="a")
    citizen.set_pins("1234", "9876")
    algorithm, iterations, *_ = citizen.cancel_pin.split("$")
    assert (algorithm, iterations) == ("pbkdf2_sha256", "100000")
    old = PBKDF2PasswordHasher()
    citizen.cancel_pin = old.encode("4321", old.salt(), iterations=1_000_000)  # a PIN set before
    assert citizen.pin_matches("cancel_pin", "4321") and not citizen.pin_matches("cancel_pin", "4322")


@pytest.mark.django_db
def test_guardian_changes_are_throttled(settings):
    set_rate(settings, "guardians", "4/hour")
    user = make_app_user(guardian=False)
    for n in range(2):
        added = user.client.post(GUARDIANS, {"name": "b", "phone": f"0107777000{n}"}, format="json")
        assert added.status_code == 201
        assert user.client.delete(f"{GUARDIANS}{added.json()['id']}/").status_code == 204
    refused = user.client.post(GUARDIANS, {"name": "b", "phone": "01077770009"}, format="json")
    assert refused.status_code == 429
    assert not Guardian.objects.filter(phone="01077770009").exists()
    assert SmsMessage.objects.filter(to="01077770009").count() == 0
    assert user.client.get(GUARDIANS).status_code == 200


@pytest.mark.django_db
def test_trip_starts_are_throttled(settings, centers):
    set_rate(settings, "trips", "2/hour")
    user = make_app_user()
    assert [start_trip(user).status_code for _ in range(3)] == [201, 201, 429]
    assert Trip.objects.filter(citizen=user.citizen).count() == 2


@pytest.mark.django_db
def test_one_number_gets_at_most_its_daily_budget_of_texts(settings):
    """Add, delete, add again: each add texts the same stranger; the number's budget stops it."""
    settings.SMS_BUDGET_PER_NUMBER_DAY = 3
    user = make_app_user(guardian=False)
    for _ in range(3):
        added = user.client.post(GUARDIANS, {"name": "b", "phone": "010-6666-0000"}, format="json")
        assert added.status_code == 201
        user.client.delete(f"{GUARDIANS}{added.json()['id']}/")
    refused = user.client.post(GUARDIANS, {"name": "b", "phone": "010-6666-0000"}, format="json")
    assert refused.status_code == 429 and "문자 한도" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    assert not Guardian.objects.filter(phone="01066660000").exists()
    assert SmsMessage.objects.filter(to="01066660000").count() == 3
    # Another citizen can't text that number today either: the budget is the number's.
    other = make_app_user(guardian=False)
    again = other.client.post(GUARDIANS, {"name": "b", "phone": "01066660000"}, format="json")
    assert again.status_code == 429


@pytest.mark.django_db
def test_a_citizens_daily_budget_refuses_a_trip_but_never_an_sos(settings, centers):
    settings.SMS_BUDGET_PER_CITIZEN_DAY = 5
    user = make_app_user(guardian=False)
    for n in range(5):
        Guardian.objects.create(citizen=user.citizen, name=f"g{n}", phone=f"0104444000{n}",
                                decline_token=f"budget-{n}")
    assert start_trip(user).status_code == 201  # five texts: the whole day's budget
    refused = start_trip(user)
    assert refused.status_code == 429 and "문자 한도" in refused.json()["detail"]
    assert Trip.objects.filter(citizen=user.citizen).count() == 1
    assert SmsMessage.objects.filter(purpose="trip_started").count() == 5
    # An SOS's texts always go (docs/sms.md): the budget only counts what a citizen may retry.
    assert user.client.post(SOS, sos_body(loc(INSIDE_HWASEONG)), format="json").status_code == 201
    assert SmsMessage.objects.filter(purpose="sos").count() == 5


@pytest.mark.django_db
def test_sign_up_codes_to_one_number_stop_at_its_daily_budget(settings):
    settings.SMS_BUDGET_PER_NUMBER_DAY = 3
    codes = []
    for n in range(4):
        codes.append(APIClient().post("/api/v1/app/register", {"phone": "01033332222", "name": "a"},
                                 format="json", REMOTE_ADDR=f"10.1.0.{n}").status_code)
    assert codes == [202, 202, 202, 429]
    assert PhoneVerification.objects.filter(phone="01033332222").count() == 3
    assert SmsMessage.objects.filter(to="01033332222").count() == 3


@pytest.mark.django_db
def test_redis_away_lets_requests_through(settings, centers, monkeypatch, caplog):
    """Throttles and budgets fail open (an SOS must never be stopped by Redis), and say so in the log."""
    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionError("redis down")

    monkeypatch.setattr(ratelimit, "_client", broken)
    user = make_app_user()
    assert user.client.post(SOS, sos_body(loc(INSIDE_HWASEONG)), format="json").status_code == 201
    assert start_trip(user).status_code == 201
    assert "throttle sos unavailable" in caplog.text and "SMS budget unavailable" in caplog.text
