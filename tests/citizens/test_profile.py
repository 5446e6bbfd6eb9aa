from __future__ import annotations

import pytest

from citizens.models import Citizen
from tests.fixtures.citizens import client_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/app/me"


def test_me_requires_token(api) -> None:
    assert api.get(ME).status_code == 401
    assert api.get(ME, HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401


def test_me_shows_profile_without_pins(app_client, citizen) -> None:
    citizen.set_pins("1234", "5678")
    citizen.save()
    body = app_client.get(ME).json()
    assert set(body) == {"id", "name", "phone", "has_cancel_pin", "has_duress_pin", "created_at"}
    assert body["id"] == citizen.id and body["phone"] == "01012345678"
    assert body["has_cancel_pin"] is True and body["has_duress_pin"] is True
    assert body["created_at"].endswith("+09:00")  # ISO 8601 with offset


def test_patch_sets_name_and_pins_hashed(app_client, citizen) -> None:
    response = app_client.patch(ME, {"name": " 김철수 ", "cancel_pin": "1234", "duress_pin": "98765432"},
                                format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "김철수" and body["has_cancel_pin"] and body["has_duress_pin"]
    assert "cancel_pin" not in body and "duress_pin" not in body
    citizen.refresh_from_db()
    assert citizen.cancel_pin != "1234" and citizen.pin_matches("cancel_pin", "1234")
    assert citizen.pin_matches("duress_pin", "98765432")


def test_patch_name_only_keeps_pins(app_client, citizen) -> None:
    citizen.set_pins("1234", None)
    citizen.save()
    assert app_client.patch(ME, {"name": "새이름"}, format="json").status_code == 200
    citizen.refresh_from_db()
    assert citizen.name == "새이름" and citizen.pin_matches("cancel_pin", "1234")


def test_phone_is_read_only(app_client, citizen) -> None:
    app_client.patch(ME, {"phone": "01099998888"}, format="json")
    citizen.refresh_from_db()
    assert citizen.phone == "01012345678"


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "12 34", "", "１２３４"])
@pytest.mark.parametrize("field", ["cancel_pin", "duress_pin"])
def test_pin_must_be_4_to_8_digits(app_client, field, pin) -> None:
    response = app_client.patch(ME, {field: pin}, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("pin", [1234, None, ["1234"], "1234\n"])
def test_pin_must_be_a_string_of_digits(app_client, pin) -> None:
    response = app_client.patch(ME, {"cancel_pin": pin}, format="json")
    assert response.status_code == 400 and "cancel_pin" in response.json()


def test_equal_pins_in_one_request_are_refused(app_client, citizen) -> None:
    response = app_client.patch(ME, {"cancel_pin": "4321", "duress_pin": "4321"}, format="json")
    assert response.status_code == 400 and "duress_pin" in response.json()
    citizen.refresh_from_db()
    assert citizen.cancel_pin == "" and citizen.duress_pin == ""


def test_new_duress_pin_equal_to_stored_cancel_pin_is_refused(app_client, citizen) -> None:
    citizen.set_pins("4321", None)
    citizen.save()
    response = app_client.patch(ME, {"duress_pin": "4321"}, format="json")
    assert response.status_code == 400 and "duress_pin" in response.json()


def test_new_cancel_pin_equal_to_stored_duress_pin_is_refused(app_client, citizen) -> None:
    citizen.set_pins(None, "4321")
    citizen.save()
    response = app_client.patch(ME, {"cancel_pin": "4321"}, format="json")
    assert response.status_code == 400 and "cancel_pin" in response.json()


def test_swapping_both_pins_at_once_is_allowed(app_client, citizen) -> None:
    citizen.set_pins("1111", "2222")
    citizen.save()
    response = app_client.patch(ME, {"cancel_pin": "2222", "duress_pin": "1111"}, format="json")
    assert response.status_code == 200
    citizen.refresh_from_db()
    assert citizen.pin_matches("cancel_pin", "2222") and citizen.pin_matches("duress_pin", "1111")


def test_blank_name_is_refused(app_client) -> None:
    response = app_client.patch(ME, {"name": "  "}, format="json")
    assert response.status_code == 400 and "name" in response.json()


def test_logout_revokes_only_the_token_used(citizen) -> None:
    phone_a, phone_b = client_for(citizen), client_for(citizen)
    assert phone_a.post("/api/v1/app/logout").status_code == 204
    assert phone_a.get(ME).status_code == 401
    assert phone_a.post("/api/v1/app/logout").status_code == 401
    assert phone_b.get(ME).status_code == 200


def test_logout_requires_token(api) -> None:
    assert api.post("/api/v1/app/logout").status_code == 401


def test_inactive_citizen_token_is_refused(app_client, citizen) -> None:
    Citizen.objects.filter(pk=citizen.pk).update(is_active=False)
    assert app_client.get(ME).status_code == 401
