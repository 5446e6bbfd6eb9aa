from __future__ import annotations

import pytest

from tests.fixtures.platform import ROOT

pytestmark = pytest.mark.django_db


def test_openapi_document_describes_the_camera_endpoints(client) -> None:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    nearest = paths["/api/v1/cameras/nearest/"]["get"]
    assert {p["name"] for p in nearest["parameters"]} >= {"latitude", "longitude", "limit", "radius"}
    assert {p["name"] for p in paths["/api/v1/cameras/"]["get"]["parameters"]} == {"bbox"}


def test_swagger_ui_is_served_without_outside_hosts(client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html and "unpkg" not in html
    assert "/static/drf_spectacular_sidecar/" in html


def test_healthz_reports_database(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok"}


def test_pages_are_korean_even_for_an_english_browser_until_english_is_chosen(client) -> None:
    korean = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "통합운영센터" in korean
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert "Integrated Operations Center" in english


def test_api_messages_follow_accept_language(client) -> None:
    korean = client.get("/api/v1/cameras/nearest/").json()["detail"]
    english = client.get("/api/v1/cameras/nearest/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert korean != english
    assert english == "Authentication credentials were not provided."


def test_schema_generates_without_warnings_and_validates() -> None:
    """drf-spectacular's own checks: no guessed types, no name clashes, valid OpenAPI 3."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
