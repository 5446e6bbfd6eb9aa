"""Request body limits: DRF's JSON endpoints too (their parsers bypass Django's own check), chunked
bodies on the real ASGI application, and the camera import's larger limit."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from alerts.models import Alert, TripLocation
from citizens.auth import issue_token
from citizens.models import Citizen
from hwaseong_safety.body_limits import body_limit
from operators.models import Role, User
from tests.factories import make_trip
from tests.fixtures.servers import run_asgi

pytestmark = pytest.mark.fastpath
FIVE_MB = 5 * 1024 * 1024


def huge_locations_json() -> bytes:
    """A well-formed 5 MB JSON body: parsed, it would be a valid-looking batch of positions."""
    one = {"latitude": 37.1995, "longitude": 126.8314, "accuracy": 10, "source": "gnss"}
    body = {"client_id": "7c1f8f6e-1d7e-4d53-9d1b-6f8a2a4b0c11", "trigger": "button",
            "location": one, "locations": [one] * (FIVE_MB // 80)}
    data = json.dumps(body).encode()
    assert len(data) >= FIVE_MB
    return data


def test_limits_are_set_deliberately() -> None:
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 10
    assert body_limit("/api/v1/alerts/") == settings.REQUEST_BODY_MAX_BYTES == 2_621_440
    assert body_limit("/admin/cameras/camera/import/") > settings.CAMERA_IMPORT_MAX_BYTES
    assert body_limit("/admin/cameras/camera/1/change/") == settings.REQUEST_BODY_MAX_BYTES


@pytest.mark.django_db
def test_a_5mb_sos_is_413_json_and_stores_nothing() -> None:
    citizen = Citizen.objects.create(phone="01012340001", name="홍길동")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(citizen)}")
    response = client.post("/api/v1/alerts/", huge_locations_json(), content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "2621440" in response.json()["detail"]
    assert Alert.objects.count() == 0


@pytest.mark.django_db
def test_a_5mb_location_batch_is_413_and_stores_nothing() -> None:
    citizen = Citizen.objects.create(phone="01012340002", name="홍길동")
    trip = make_trip(citizen)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(citizen)}")
    response = client.post(f"/api/v1/trips/{trip.pk}/locations/", huge_locations_json(),
                           content_type="application/json")
    assert response.status_code == 413
    assert "detail" in response.json()
    assert TripLocation.objects.filter(trip=trip).count() == 0
    # A normal batch still goes through.
    small = {"locations": [{"latitude": 37.1995, "longitude": 126.8314, "accuracy": 10, "source": "gnss"}]}
    assert client.post(f"/api/v1/trips/{trip.pk}/locations/", small,
                       content_type="application/json").status_code == 202
    assert TripLocation.objects.filter(trip=trip).count() == 1


@pytest.mark.django_db
def test_a_large_form_post_outside_the_api_is_a_plain_413_page() -> None:
    response = Client().post("/login/", {"username": "x" * (3 * 1024 * 1024), "password": "y"})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_a_malformed_length_is_400() -> None:
    response = Client().generic("POST", "/api/v1/alerts/", b"{}", content_type="application/json",
                                CONTENT_LENGTH="12abc")
    assert response.status_code == 400


@pytest.mark.django_db
def test_the_camera_import_takes_files_over_the_general_limit(tmp_path) -> None:
    admin = User.objects.create_superuser("import-admin", "i@example.invalid", "pw-import-1",
                                          role=Role.SYSTEM_ADMIN)
    client = Client()
    client.force_login(admin)
    header = "관리기관명,소재지도로명주소,소재지지번주소,설치목적구분,카메라대수,카메라화소수,촬영방면정보," \
             "보관일수,설치연월,관리기관전화번호,WGS84위도,WGS84경도,데이터기준일자\n"
    row = ("경기도 화성시,,경기도 화성시 남양읍 남양리 1,생활방범,1,200,,30,2020-01,031-000-0000,,,"
           "2024-01-01\n")
    data = (header + row * (3 * 1024 * 1024 // len(row.encode()) + 1)).encode()
    assert len(data) > settings.REQUEST_BODY_MAX_BYTES
    upload = SimpleUploadedFile("cctv.csv", data, content_type="text/csv")
    response = client.post("/admin/cameras/camera/import/", {"file": upload, "dry_run": "on"})
    # Past the body limit: the import view itself answered (its report or its form).
    assert response.status_code == 200
    assert b"import-report" in response.content or b"errorlist" in response.content


# --- The real ASGI application: bodies counted as they arrive ---------------------------------

def http_scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
            "root_path": "", "headers": [(b"host", b"localhost"), *headers],
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}


@pytest.mark.asyncio
async def test_asgi_refuses_a_declared_length_before_reading_the_body() -> None:
    scope = http_scope("/api/v1/alerts/", [(b"content-type", b"application/json"),
                                           (b"content-length", str(FIVE_MB).encode())])
    status, headers, body = await run_asgi(scope, [b"{"])  # the rest never needs to arrive
    assert status == 413
    assert headers[b"Content-Type"] == b"application/json"
    assert "detail" in json.loads(body)


@pytest.mark.asyncio
async def test_asgi_stops_a_chunked_body_without_length_at_the_limit() -> None:
    scope = http_scope("/api/v1/trips/1/locations/", [(b"content-type", b"application/json"),
                                                      (b"transfer-encoding", b"chunked")])
    chunk = b" " * (1024 * 1024)
    status, _headers, body = await run_asgi(scope, [b"{"] + [chunk] * 5)
    assert status == 413
    assert "detail" in json.loads(body)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_asgi_lets_a_small_body_through_to_the_view() -> None:
    body = b'{"trigger": "button"}'
    scope = http_scope("/api/v1/alerts/", [(b"content-type", b"application/json"),
                                           (b"content-length", str(len(body)).encode())])
    status, _headers, _body = await run_asgi(scope, [body[:5], body[5:]])
    assert status == 401  # the view ran: no token
