"""/api/schema/ describes the trip and SOS endpoints exactly."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_every_endpoint_is_documented_in_korean_and_english(schema):
    paths = schema["paths"]
    operations = {
        ("/api/v1/alerts/", "post"), ("/api/v1/alerts/", "get"), ("/api/v1/alerts/{id}/", "get"),
        ("/api/v1/alerts/{id}/locations/", "post"), ("/api/v1/alerts/{id}/cancel", "post"),
        ("/api/v1/trips/", "post"), ("/api/v1/trips/{id}/", "get"), ("/api/v1/trips/{id}/locations/", "post"),
        ("/api/v1/trips/{id}/arrive", "post"),
    }
    for path, method in operations:
        operation = paths[path][method]
        assert " / " in operation["summary"], path  # "한국어 / English"
        assert operation["description"], path
        assert operation["security"] == [{"appToken": []}], path  # bearer only: no session, no anonymous


def test_sos_documents_201_and_200(schema):
    create = schema["paths"]["/api/v1/alerts/"]["post"]
    assert {"200", "201", "400", "401", "429"} <= set(create["responses"])
    ref = create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == create["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"]["SosCreate"]
    assert body["required"] == ["client_id"]
    assert set(body["properties"]) == {"client_id", "trigger", "location", "trip"}
    created = schema["components"]["schemas"]["SosCreated"]
    assert set(created["properties"]) == {"id", "status", "center", "created_at"}
    [status] = created["properties"]["status"]["allOf"]
    assert status["enum"] == ["received", "in_progress", "dispatched", "closed", "cancelled"]


def test_cancel_documents_403_and_409(schema):
    cancel = schema["paths"]["/api/v1/alerts/{id}/cancel"]["post"]
    assert {"200", "403", "404", "409"} <= set(cancel["responses"])
    alert = schema["components"]["schemas"]["Alert"]
    assert set(alert["properties"]) == {"id", "status", "status_label", "center", "created_at", "updated_at"}


def test_location_batches_are_202(schema):
    for path in ("/api/v1/alerts/{id}/locations/", "/api/v1/trips/{id}/locations/"):
        operation = schema["paths"][path]["post"]
        assert "202" in operation["responses"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body["$ref"].endswith("/LocationBatch")
