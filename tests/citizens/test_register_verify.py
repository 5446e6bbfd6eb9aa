from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from citizens.api.views import _VERIFY_ERRORS
from citizens.auth import hash_token
from citizens.models import AppToken, Citizen, PhoneVerification
from citizens.verification import Outcome
from sms.models import SmsMessage
from tests.factories import make_center
from tests.fixtures.citizens import code_from

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/app/register"
VERIFY = "/api/v1/app/verify"


def register(api, capture, phone: str = "010-1234-5678", name: str = "홍길동"):
    with capture(execute=True):
        return api.post(REGISTER, {"phone": phone, "name": name}, format="json")


@pytest.mark.parametrize(
    "phone", ["010-1234-5678", "01012345678", "+82 10 1234 5678", "+82-010-1234-5678", "010 1234 5678"]
)
def test_register_accepts_usual_forms_and_sends_korean_code(
    api, django_capture_on_commit_callbacks, outbox, phone
) -> None:
    response = register(api, django_capture_on_commit_callbacks, phone)
    assert response.status_code == 202
    assert response.json()["expires_in"] == 300
    assert [m["to"] for m in outbox] == ["01012345678"]
    assert "인증번호" in outbox[0]["body"]
    code = code_from(outbox, "01012345678")
    verification = PhoneVerification.objects.get()
    assert verification.phone == "01012345678"
    assert code not in verification.code_hash  # only a hash is stored
    assert SmsMessage.objects.get().purpose == "verification"


@pytest.mark.parametrize("phone", ["02-123-4567", "010-123", "hello", "", "+1 650 253 0000"])
def test_register_refuses_invalid_phone(api, outbox, phone) -> None:
    response = api.post(REGISTER, {"phone": phone, "name": "홍길동"}, format="json")
    assert response.status_code == 400
    assert "phone" in response.json()
    assert outbox == [] and not PhoneVerification.objects.exists()


def test_register_requires_name(api) -> None:
    response = api.post(REGISTER, {"phone": "01012345678"}, format="json")
    assert response.status_code == 400 and "name" in response.json()


def test_verify_creates_citizen_with_registered_name(api, django_capture_on_commit_callbacks, outbox) -> None:
    register(api, django_capture_on_commit_callbacks, name="김영희")
    code = code_from(outbox, "01012345678")
    response = api.post(VERIFY, {"phone": "010 1234 5678", "code": code, "device_name": "Galaxy"},
                        format="json")
    assert response.status_code == 200
    body = response.json()
    citizen = Citizen.objects.get()
    assert body["user"] == {"id": citizen.id, "name": "김영희", "phone": "01012345678"}
    token = AppToken.objects.get(key_hash=hash_token(body["token"]))
    assert token.citizen == citizen and token.device_name == "Galaxy"
    me = api.get("/api/v1/app/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200 and me.json()["name"] == "김영희"


def test_verify_existing_citizen_gets_new_token_and_keeps_name(
    api, django_capture_on_commit_callbacks, outbox, citizen
) -> None:
    old = AppToken.objects.create(citizen=citizen, key_hash="x" * 64)
    register(api, django_capture_on_commit_callbacks, name="다른이름")
    response = api.post(VERIFY, {"phone": "01012345678", "code": code_from(outbox, "01012345678")},
                        format="json")
    assert response.status_code == 200
    assert response.json()["user"]["id"] == citizen.id
    assert Citizen.objects.get().name == "홍길동"
    assert AppToken.objects.filter(citizen=citizen).count() == 2
    assert AppToken.objects.get(pk=old.pk).revoked_at is None


def test_code_is_single_use(api, django_capture_on_commit_callbacks, outbox) -> None:
    register(api, django_capture_on_commit_callbacks)
    code = code_from(outbox, "01012345678")
    assert api.post(VERIFY, {"phone": "01012345678", "code": code}, format="json").status_code == 200
    again = api.post(VERIFY, {"phone": "01012345678", "code": code}, format="json")
    assert again.status_code == 400 and "code" in again.json()


def test_wrong_code_counts_tries_until_exhausted(api, django_capture_on_commit_callbacks, outbox) -> None:
    register(api, django_capture_on_commit_callbacks)
    code = code_from(outbox, "01012345678")
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1, 0):
        response = api.post(VERIFY, {"phone": "01012345678", "code": wrong}, format="json")
        assert response.status_code == 400
        assert str(left) in response.json()["code"][0]
    assert PhoneVerification.objects.get().attempts == 5
    # Even the right code is refused now: the attacker's 5 tries are the limit.
    response = api.post(VERIFY, {"phone": "01012345678", "code": code}, format="json")
    assert response.status_code == 400
    with translation.override("ko"):  # the API answers in the default language, Korean
        expected = str(_VERIFY_ERRORS[Outcome.EXHAUSTED])
    assert response.json()["code"] == [expected]
    assert not Citizen.objects.exists()


def test_expired_code_is_refused(api, django_capture_on_commit_callbacks, outbox) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        register(api, django_capture_on_commit_callbacks)
        code = code_from(outbox, "01012345678")
        traveller.shift(timedelta(minutes=5, seconds=1))
        response = api.post(VERIFY, {"phone": "01012345678", "code": code}, format="json")
    assert response.status_code == 400
    assert "expired" in response.json()["code"][0] or "만료" in response.json()["code"][0]
    assert not Citizen.objects.exists()


def test_code_just_inside_five_minutes_works(api, django_capture_on_commit_callbacks, outbox) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        register(api, django_capture_on_commit_callbacks)
        traveller.shift(timedelta(minutes=4, seconds=59))
        response = api.post(VERIFY, {"phone": "01012345678", "code": code_from(outbox, "01012345678")},
                            format="json")
    assert response.status_code == 200


def test_new_register_supersedes_earlier_code(api, django_capture_on_commit_callbacks, outbox) -> None:
    register(api, django_capture_on_commit_callbacks)
    first = code_from(outbox, "01012345678")
    register(api, django_capture_on_commit_callbacks)
    second = code_from(outbox, "01012345678")
    if first != second:
        stale = api.post(VERIFY, {"phone": "01012345678", "code": first}, format="json")
        assert stale.status_code == 400
    response = api.post(VERIFY, {"phone": "01012345678", "code": second}, format="json")
    assert response.status_code == 200


def test_verify_without_register_is_refused(api) -> None:
    response = api.post(VERIFY, {"phone": "01012345678", "code": "123456"}, format="json")
    assert response.status_code == 400 and "code" in response.json()


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", "", "１２３４５６", "123456\n"])
def test_verify_rejects_malformed_code(api, code) -> None:
    response = api.post(VERIFY, {"phone": "01012345678", "code": code}, format="json")
    assert response.status_code == 400 and "code" in response.json()


def test_verify_rejects_invalid_phone(api) -> None:
    response = api.post(VERIFY, {"phone": "12345", "code": "123456"}, format="json")
    assert response.status_code == 400 and "phone" in response.json()


def test_disabled_citizen_cannot_sign_in(api, django_capture_on_commit_callbacks, outbox, citizen) -> None:
    Citizen.objects.filter(pk=citizen.pk).update(is_active=False)
    register(api, django_capture_on_commit_callbacks)
    response = api.post(VERIFY, {"phone": "01012345678", "code": code_from(outbox, "01012345678")},
                        format="json")
    assert response.status_code == 400
    assert not AppToken.objects.exists()


def test_a_new_citizen_gets_the_host_center_as_home(api, django_capture_on_commit_callbacks, outbox,
                                                     settings) -> None:
    make_center("41270", (126.80, 37.25, 126.95, 37.35), name="안산시")
    host = make_center("41590", (126.80, 37.10, 126.95, 37.25), name="화성시")
    settings.HOST_CENTER_CODE = "41590"
    register(api, django_capture_on_commit_callbacks, name="김영희")
    response = api.post(VERIFY, {"phone": "01012345678", "code": code_from(outbox, "01012345678")},
                        format="json")
    assert response.status_code == 200
    assert Citizen.objects.get().home_center == host
