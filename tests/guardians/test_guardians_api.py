from __future__ import annotations

import re

import pytest
from django.conf import settings

from guardians.models import Guardian, decline_digest
from sms.models import SmsMessage
from tests.fixtures.citizens import client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/guardians/"


def add(client, capture, name: str = "홍부모", phone: str = "010-2222-3333", relation: str = "부모"):
    with capture(execute=True):
        return client.post(URL, {"name": name, "phone": phone, "relation": relation}, format="json")


def test_guardians_require_token(api) -> None:
    assert api.get(URL).status_code == 401
    assert api.post(URL, {"name": "a", "phone": "01022223333"}, format="json").status_code == 401
    assert api.delete(f"{URL}1/").status_code == 401


def test_add_guardian_sends_korean_sms_with_absolute_decline_link(
    app_client, citizen, django_capture_on_commit_callbacks, outbox
) -> None:
    response = add(app_client, django_capture_on_commit_callbacks)
    assert response.status_code == 201
    body = response.json()
    guardian = Guardian.objects.get()
    assert body["id"] == guardian.id and body["phone"] == "01022223333"
    assert body["relation"] == "부모" and body["declined"] is False
    assert set(body) == {"id", "name", "phone", "relation", "declined", "created_at"}
    assert len(outbox) == 1 and outbox[0]["to"] == "01022223333"
    text = outbox[0]["body"]
    assert "홍길동님이 회원님을 보호자로 지정했습니다" in text
    link = re.search(rf"{re.escape(settings.SITE_URL)}/g/decline/([\w-]+)/", text)
    assert link, text
    # Only the token's digest is stored: the database alone declines nobody.
    assert guardian.decline_token == decline_digest(link.group(1)) != link.group(1)
    assert SmsMessage.objects.get().purpose == "guardian_added"


def test_relation_is_optional(app_client) -> None:
    response = app_client.post(URL, {"name": "친구", "phone": "01022223333"}, format="json")
    assert response.status_code == 201 and response.json()["relation"] == ""


def test_list_shows_only_own_guardians(app_client, citizen, make_citizen, django_capture_on_commit_callbacks):
    add(app_client, django_capture_on_commit_callbacks, phone="01022223333")
    other = client_for(make_citizen(phone="01099998888", name="남남"))
    add(other, django_capture_on_commit_callbacks, name="남의보호자", phone="01044445555")
    rows = app_client.get(URL).json()
    assert [r["phone"] for r in rows] == ["01022223333"]


def test_list_shows_declined(app_client, citizen, django_capture_on_commit_callbacks) -> None:
    add(app_client, django_capture_on_commit_callbacks)
    Guardian.objects.update(declined_at="2026-01-01T00:00:00+09:00")
    assert app_client.get(URL).json()[0]["declined"] is True


def test_sixth_guardian_is_refused(app_client, django_capture_on_commit_callbacks, outbox) -> None:
    for i in range(5):
        assert add(app_client, django_capture_on_commit_callbacks, phone=f"0102222000{i}").status_code == 201
    response = add(app_client, django_capture_on_commit_callbacks, phone="01022220009")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert Guardian.objects.count() == 5 and len(outbox) == 5


def test_declined_guardians_still_count_towards_the_limit_until_removed(
    app_client, django_capture_on_commit_callbacks
) -> None:
    for i in range(5):
        add(app_client, django_capture_on_commit_callbacks, phone=f"0102222000{i}")
    Guardian.objects.filter(phone="01022220000").update(declined_at="2026-01-01T00:00:00+09:00")
    assert add(app_client, django_capture_on_commit_callbacks, phone="01022220009").status_code == 400
    gone = Guardian.objects.get(phone="01022220000")
    assert app_client.delete(f"{URL}{gone.id}/").status_code == 204
    assert add(app_client, django_capture_on_commit_callbacks, phone="01022220009").status_code == 201


def test_same_phone_twice_in_any_form_is_refused(app_client, django_capture_on_commit_callbacks, outbox):
    assert add(app_client, django_capture_on_commit_callbacks, phone="010-2222-3333").status_code == 201
    response = add(app_client, django_capture_on_commit_callbacks, phone="+82 10 2222 3333")
    assert response.status_code == 400 and "phone" in response.json()
    assert Guardian.objects.count() == 1 and len(outbox) == 1


def test_two_citizens_may_share_a_guardian(app_client, make_citizen, django_capture_on_commit_callbacks):
    other = client_for(make_citizen(phone="01099998888", name="남남"))
    assert add(app_client, django_capture_on_commit_callbacks).status_code == 201
    assert add(other, django_capture_on_commit_callbacks).status_code == 201


def test_citizen_cannot_name_themself(app_client, django_capture_on_commit_callbacks, outbox) -> None:
    response = add(app_client, django_capture_on_commit_callbacks, phone="+82 10-1234-5678")
    assert response.status_code == 400 and "phone" in response.json()
    assert not Guardian.objects.exists() and outbox == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "보호자", "phone": "02-123-4567"}, "phone"),
        ({"name": "보호자"}, "phone"),
        ({"phone": "01022223333"}, "name"),
        ({"name": "", "phone": "01022223333"}, "name"),
        ({"name": "보호자", "phone": "01022223333", "relation": "x" * 31}, "relation"),
    ],
)
def test_invalid_guardian_is_refused(app_client, payload, field) -> None:
    response = app_client.post(URL, payload, format="json")
    assert response.status_code == 400 and field in response.json()


def test_delete_own_guardian(app_client, django_capture_on_commit_callbacks) -> None:
    guardian_id = add(app_client, django_capture_on_commit_callbacks).json()["id"]
    assert app_client.delete(f"{URL}{guardian_id}/").status_code == 204
    assert not Guardian.objects.exists()
    assert app_client.delete(f"{URL}{guardian_id}/").status_code == 404


def test_another_users_guardian_is_404(app_client, make_citizen, django_capture_on_commit_callbacks) -> None:
    guardian_id = add(app_client, django_capture_on_commit_callbacks).json()["id"]
    intruder = client_for(make_citizen(phone="01099998888", name="남남"))
    assert intruder.delete(f"{URL}{guardian_id}/").status_code == 404
    assert Guardian.objects.filter(pk=guardian_id).exists()
