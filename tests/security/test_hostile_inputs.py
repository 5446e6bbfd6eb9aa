"""Issue 16: the security probe's hostile inputs against every public endpoint, kept as a regression
suite. Each answers a clean 4xx (never a 500) and stores nothing; or, where the input is a valid
value in disguise (a phone in full-width digits), it is understood as that value.

Inputs: deeply nested JSON (5-6), non-ASCII digits (5), huge numbers and NUL bytes (7), formula
cells (8). HTML in text fields is checked in a real browser (tests/browser).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

import pytest
from rest_framework.test import APIClient

from alerts.models import Alert, AlertLocation, Trip, TripLocation
from guardians.models import Citizen, Guardian, PhoneVerification, SmsMessage
from guardians.sms.transports import LocmemTransport
from tests.alerts.conftest import HWASEONG_BBOX, INSIDE_HWASEONG, loc, make_app_user
from tests.factories import make_center

pytestmark = pytest.mark.django_db

NESTED = b"[" * 10_000  # what the probe sent: 10 KB of '['
NESTED_IN_OBJECT = b'{"phone": ' + b"[" * 5_000 + b"]" * 5_000 + b"}"  # parses in C, too deep for us
DEEP_BUT_PARSEABLE = b'{"location": ' + b'{"a": ' * 200 + b"1" + b"}" * 200 + b"}"

FULL_WIDTH = "０１０－１２３４－５６７８"
DEEP_BODIES = [NESTED, NESTED_IN_OBJECT, DEEP_BUT_PARSEABLE]
ARABIC_INDIC = "٠١٠١٢٣٤٥٦٧٨"
EXTENDED_ARABIC = "۰۱۰۱۲۳۴۵۶۷۸"
ASCII = "01012345678"


@pytest.fixture
def city(db) -> None:
    make_center("41590", HWASEONG_BBOX, name="화성시")


@pytest.fixture(autouse=True)
def _outbox():
    LocmemTransport.outbox.clear()
    yield LocmemTransport.outbox
    LocmemTransport.outbox.clear()


def nothing_stored() -> bool:
    return not (Alert.objects.exists() or AlertLocation.objects.exists() or Trip.objects.exists()
                or TripLocation.objects.exists() or PhoneVerification.objects.exists()
                or SmsMessage.objects.exists())


# --- deeply nested JSON ---------------------------------------------------------------------------

PUBLIC = ["/api/v1/app/register", "/api/v1/app/verify"]
WITH_TOKEN = ["/api/v1/alerts/", "/api/v1/trips/", "/api/v1/guardians/"]


@pytest.mark.parametrize("body", DEEP_BODIES, ids=["raw", "in-object", "200"])
@pytest.mark.parametrize("path", PUBLIC)
def test_nested_json_to_public_endpoints_is_400(path, body):
    response = APIClient().post(path, body, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert nothing_stored() and not Citizen.objects.exists()


@pytest.mark.parametrize("body", DEEP_BODIES, ids=["raw", "in-object", "200"])
def test_nested_json_to_app_endpoints_is_400(city, body):
    user = make_app_user(guardian=False)
    sos = user.client.post("/api/v1/alerts/", {"client_id": "6a3b2f1e-0000-4000-8000-000000000001",
                                               "location": loc(INSIDE_HWASEONG)}, format="json")
    assert sos.status_code == 201
    alert_id = sos.json()["id"]
    Alert.objects.all().delete()
    SmsMessage.objects.all().delete()
    paths = [*WITH_TOKEN, f"/api/v1/alerts/{alert_id}/locations/", f"/api/v1/alerts/{alert_id}/cancel"]
    for path in paths:
        response = user.client.generic("POST", path, body, content_type="application/json")
        assert response.status_code in (400, 404), (path, response.status_code, response.content[:200])
    patched = user.client.generic("PATCH", "/api/v1/app/me", body, content_type="application/json")
    assert patched.status_code == 400
    assert nothing_stored() and not Guardian.objects.exists()


@pytest.mark.parametrize("body", [NESTED, NESTED_IN_OBJECT], ids=["raw", "in-object"])
def test_nested_json_to_the_dispatch_callback_is_a_clean_4xx(settings, body):
    """Parsed (for the agency) before the signature is checked: unsigned, it must still be clean."""
    settings.DISPATCH_POLICE_SECRET = "police-secret-for-tests"
    unsigned = APIClient().post("/api/v1/dispatch/callback", body, content_type="application/json")
    assert unsigned.status_code == 400
    stamp = str(int(time.time()))
    mac = hmac.new(b"police-secret-for-tests", stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    signed = APIClient().post("/api/v1/dispatch/callback", body, content_type="application/json",
                              HTTP_X_HWASEONG_SIGNATURE=f"sha256={mac}", HTTP_X_HWASEONG_TIMESTAMP=stamp,
                              HTTP_X_HWASEONG_AGENCY="police")
    assert signed.status_code == 400


# --- non-ASCII digits in phone numbers ----------------------------------------------------------

@pytest.mark.parametrize("raw", [FULL_WIDTH, ARABIC_INDIC, EXTENDED_ARABIC, "+８２ １０ １２３４ ５６７８"])
def test_a_phone_in_other_digits_is_stored_as_ascii(raw):
    response = APIClient().post("/api/v1/app/register", {"phone": raw, "name": "a"}, format="json")
    assert response.status_code == 202
    assert list(PhoneVerification.objects.values_list("phone", flat=True)) == [ASCII]


@pytest.mark.parametrize("raw", ["010\x001234\x005678", "010-CALL-5678", "۰۱۰۱۲۳۴۵۶۷۸۹۹۹۹", "+1 650 253 0000",
                                 "1" * 10_000, "010 1234 5678\u202e"])
def test_not_a_korean_mobile_is_400(raw):
    response = APIClient().post("/api/v1/app/register", {"phone": raw, "name": "a"}, format="json")
    assert response.status_code == 400 and "phone" in response.json()
    assert nothing_stored()


def test_other_digits_make_no_second_account(_outbox, django_capture_on_commit_callbacks):
    Citizen.objects.create(phone=ASCII, name="원래")
    client = APIClient()
    with django_capture_on_commit_callbacks(execute=True):
        registered = client.post("/api/v1/app/register", {"phone": ARABIC_INDIC, "name": "b"}, format="json")
    assert registered.status_code == 202
    code = re.search(r"\[(\d{6})\]", _outbox[-1]["body"]).group(1)
    verified = client.post("/api/v1/app/verify", {"phone": FULL_WIDTH, "code": code}, format="json")
    assert verified.status_code == 200, verified.content
    assert Citizen.objects.count() == 1 and verified.json()["user"]["phone"] == ASCII


def test_other_digits_count_against_the_same_phone_throttle():
    forms = [ASCII, FULL_WIDTH, ARABIC_INDIC, EXTENDED_ARABIC, "+82 10 1234 5678"]
    codes = [APIClient().post("/api/v1/app/register", {"phone": raw, "name": "a"}, format="json",
                              REMOTE_ADDR=f"10.2.0.{n}").status_code for n, raw in enumerate(forms)]
    assert codes == [202] * 5
    sixth = APIClient().post("/api/v1/app/register", {"phone": FULL_WIDTH, "name": "a"}, format="json",
                             REMOTE_ADDR="10.2.1.1")
    assert sixth.status_code == 429


def test_other_digits_do_not_slip_past_the_guardian_checks():
    user = make_app_user(guardian=False)
    own = user.citizen.phone
    own_full_width = own.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    mine = user.client.post("/api/v1/guardians/", {"name": "나", "phone": own_full_width}, format="json")
    assert mine.status_code == 400 and "phone" in mine.json()
    first = user.client.post("/api/v1/guardians/", {"name": "엄마", "phone": ASCII}, format="json")
    assert first.status_code == 201
    again = user.client.post("/api/v1/guardians/", {"name": "엄마", "phone": ARABIC_INDIC}, format="json")
    assert again.status_code == 400 and "phone" in again.json()
    assert list(Guardian.objects.values_list("phone", flat=True)) == [ASCII]
