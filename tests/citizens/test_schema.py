from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

EXPECTED = {
    "/api/v1/app/register": {"post"},
    "/api/v1/app/verify": {"post"},
    "/api/v1/app/me": {"get", "patch"},
    "/api/v1/app/logout": {"post"},
    "/api/v1/app/disclosures": {"get"},
    "/api/v1/guardians/": {"get", "post"},
    "/api/v1/guardians/{id}/": {"delete"},
}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_lists_every_app_path_with_its_methods(schema) -> None:
    for path, methods in EXPECTED.items():
        assert path in schema["paths"], path
        operations = {m for m in schema["paths"][path] if m != "parameters"}
        assert operations == methods, path


def test_every_operation_has_bilingual_summary_and_description(schema) -> None:
    for path in EXPECTED:
        for operation in schema["paths"][path].values():
            assert operation["summary"] and operation["description"]
            assert any("가" <= ch <= "힣" for ch in operation["description"]), path


def test_register_and_verify_need_no_auth_the_rest_bearer(schema) -> None:
    scheme = schema["components"]["securitySchemes"]["appToken"]
    assert scheme == {"type": "http", "scheme": "bearer"}
    for path in ("/api/v1/app/register", "/api/v1/app/verify"):
        operation = schema["paths"][path]["post"]
        assert operation.get("security", [{}]) in ([{}], [])
        assert set(operation["responses"]) == {"202" if "register" in path else "200", "400", "429"}
    me = schema["paths"]["/api/v1/app/me"]["get"]
    assert me["security"] == [{"appToken": []}]
    assert "401" in me["responses"]
    assert {"204", "401", "404"} <= set(schema["paths"]["/api/v1/guardians/{id}/"]["delete"]["responses"])


def test_bodies_are_described(schema) -> None:
    components = schema["components"]["schemas"]
    assert set(components["Profile"]["properties"]) >= {
        "id", "name", "phone", "has_cancel_pin", "has_duress_pin", "created_at", "cancel_pin", "duress_pin"
    }
    assert set(components["Guardian"]["properties"]) == {
        "id", "name", "phone", "relation", "declined", "created_at"
    }
    assert set(components["VerifyResponse"]["properties"]) == {"token", "user"}
    assert set(components["RegisterError"]["properties"]) == {"phone", "name"}
