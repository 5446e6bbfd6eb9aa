"""Rates from settings: register 5/hour per phone, 20/hour per IP; verify 20/hour per phone, 60 per IP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db]

REGISTER = "/api/v1/app/register"
VERIFY = "/api/v1/app/verify"


def reg(api, phone: str, ip: str = "127.0.0.1", **extra: str) -> int:
    response = api.post(REGISTER, {"phone": phone, "name": "a"}, format="json", REMOTE_ADDR=ip, **extra)
    return response.status_code


def test_register_by_phone_in_any_form(api) -> None:
    forms = ["010-1234-5678", "01012345678", "+82 10 1234 5678", "+82-010-1234-5678", "010 1234 5678"]
    for i, phone in enumerate(forms):
        # A different IP each time: only the phone bucket can trip.
        assert reg(api, phone, f"10.0.0.{i}") == 202
    assert reg(api, "01012345678", "10.0.1.1") == 429
    assert reg(api, "01012345679", "10.0.1.1") == 202


def test_register_phone_limit_resets_after_an_hour(api) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for i in range(5):
            reg(api, "01012345678", f"10.0.0.{i}")
        assert reg(api, "01012345678") == 429
        traveller.shift(timedelta(hours=1, seconds=1))
        assert reg(api, "01012345678") == 202


def test_register_by_ip(api) -> None:
    for i in range(20):
        assert reg(api, f"010123400{i:02d}") == 202
    assert reg(api, "01099990000") == 429
    # Invalid phones count against the IP too (no phone bucket to hide in).
    assert reg(api, "bad") == 429
    assert reg(api, "01099990000", "10.9.9.9") == 202


def test_forwarded_for_header_does_not_escape_the_ip_limit(api) -> None:
    for i in range(20):
        reg(api, f"010123400{i:02d}", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert reg(api, "01099990000", HTTP_X_FORWARDED_FOR="192.0.2.200") == 429


def test_verify_by_phone(api) -> None:
    for i in range(20):
        response = api.post(VERIFY, {"phone": "010-1234-5678", "code": "000000"}, format="json",
                            REMOTE_ADDR=f"10.0.0.{i}")
        assert response.status_code == 400
    response = api.post(VERIFY, {"phone": "+82 10 1234 5678", "code": "000000"}, format="json",
                        REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429


def test_verify_by_ip(api) -> None:
    for i in range(60):
        response = api.post(VERIFY, {"phone": f"0101234{i:04d}", "code": "000000"}, format="json")
        assert response.status_code == 400
    assert api.post(VERIFY, {"phone": "01099990000", "code": "000000"}, format="json").status_code == 429
