"""No personal data in logs: an SOS with its guardian SMS, sent and failed, never logs a full phone
number (hwaseong_safety/phones.py ``mask`` gives 010-****-5678)."""

from __future__ import annotations

import logging
import re

import pytest

from sms.models import SmsMessage, SmsStatus
from tests.factories import make_center, make_guardian
from tests.fakes.sms_server import Reply, running
from tests.fixtures.alerts import raise_sos
from tests.fixtures.citizens import make_app_user

pytestmark = pytest.mark.django_db(transaction=True)

CITIZEN_PHONE = "01012345678"
GUARDIAN_PHONE = "01098765432"


def full_numbers_in(text: str) -> list[str]:
    """Any of the two numbers, written with or without separators or the +82 prefix."""
    flat = re.sub(r"[\s\-().]", "", text)
    found = []
    for phone in (CITIZEN_PHONE, GUARDIAN_PHONE):
        if phone in flat or phone[3:] in flat or "+82" + phone[1:] in flat:
            found.append(phone)
    return found


def sos_with_a_guardian() -> None:
    make_center("41590", (126.80, 37.10, 126.95, 37.25), name="화성시")
    user = make_app_user("홍길동", guardian=False, phone=CITIZEN_PHONE)
    make_guardian(user.citizen, phone=GUARDIAN_PHONE, name="김보호")
    raise_sos(app=user, through_api=True)


def all_log_text(caplog: pytest.LogCaptureFixture) -> str:
    # Messages with their arguments, exceptions and any extra fields a formatter could print.
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.__dict__))
    return "\n".join(parts)


def test_the_sos_and_its_sms_log_no_full_phone_number(settings, caplog) -> None:
    settings.SMS_TRANSPORT = "console"  # the transport that writes each SMS to the log
    with caplog.at_level(logging.DEBUG):
        sos_with_a_guardian()
    sent = SmsMessage.objects.filter(to=GUARDIAN_PHONE)
    assert sent.exists() and all(m.status == SmsStatus.SENT for m in sent)
    text = all_log_text(caplog)
    assert "SMS to 010-****-5432" in text  # the send was logged, masked
    assert full_numbers_in(text) == []
    # Nor the body: it names the citizen and carries the guardian's live-location link.
    assert all(m.body not in text for m in sent) and "/t/" not in text


def test_a_provider_echoing_the_number_in_its_error_is_logged_masked(settings, caplog) -> None:
    with running() as server:
        server.script(*[Reply(400, {"error": f"bad recipient {GUARDIAN_PHONE} / 010-9876-5432"})] * 5)
        settings.SMS_TRANSPORT = "http"
        settings.SMS_HTTP_URL = f"{server.url}/v1/send"
        settings.SMS_HTTP_TIMEOUT = 0.5
        settings.SMS_FALLBACK_TRANSPORT = ""
        with caplog.at_level(logging.DEBUG):
            sos_with_a_guardian()
    failed = SmsMessage.objects.filter(to=GUARDIAN_PHONE)
    assert failed.exists() and all(m.status == SmsStatus.FAILED for m in failed)
    text = all_log_text(caplog)
    assert "failed" in text
    assert full_numbers_in(text) == []
