"""The one SMS path: a row per message, sent after commit, never lost, never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from sms.models import SmsMessage, SmsStatus
from sms.outbox import queue_sms
from sms.tasks import resend_stale_sms, send_sms
from sms.transports import FileTransport, TransportError

pytestmark = pytest.mark.django_db(transaction=True)


def test_sent_after_commit_and_recorded(outbox) -> None:
    with transaction.atomic():
        message = queue_sms("01012345678", "안녕하세요", "test")
        assert outbox == []  # nothing leaves before the cause is committed
    message.refresh_from_db()
    assert outbox == [{"to": "01012345678", "body": "안녕하세요"}]
    assert message.status == SmsStatus.SENT
    assert message.attempts == 1
    assert message.transport == "locmem"
    assert message.provider_message_id.startswith("locmem-")
    assert message.sent_at is not None


def test_rolled_back_cause_sends_nothing(outbox) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_sms("01012345678", "롤백", "test")
        raise RuntimeError("cause failed")
    assert outbox == []
    assert not SmsMessage.objects.exists()


def test_a_second_task_for_the_same_message_sends_nothing(outbox) -> None:
    message = queue_sms("01012345678", "한 번만", "test")
    send_sms(message.id)
    send_sms(message.id)
    assert len(outbox) == 1


def test_sweeper_sends_messages_whose_task_never_ran(outbox) -> None:
    """The broker was down at commit time: the row stayed queued. Once it is back, the sweeper
    sends it exactly once, and leaves fresh rows to their own task."""
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        lost = SmsMessage.objects.create(to="01011112222", body="늦게라도", purpose="sos")
    fresh = SmsMessage.objects.create(to="01033334444", body="방금", purpose="sos")
    assert resend_stale_sms() == 1
    assert resend_stale_sms() == 0
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == SmsStatus.SENT
    assert fresh.status == SmsStatus.QUEUED
    assert outbox == [{"to": "01011112222", "body": "늦게라도"}]


def test_sweeper_leaves_rows_owned_by_an_attempt_or_a_backoff(outbox) -> None:
    """A row whose lease has not run out belongs to an attempt in flight or a scheduled retry:
    the sweeper must not send it early (that would be a second SMS, or a skipped backoff)."""
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        message = SmsMessage.objects.create(to="01011112222", body="재시도 대기", purpose="sos")
    leased_until = timezone.now() + timedelta(seconds=30)
    SmsMessage.objects.filter(pk=message.pk).update(attempts=1, lease_until=leased_until, last_error="busy")
    assert resend_stale_sms() == 0
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert resend_stale_sms() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.SENT, 2)
    assert outbox == [{"to": "01011112222", "body": "재시도 대기"}]


def test_permanent_error_fails_the_message_transient_keeps_it_queued(settings, monkeypatch) -> None:
    from sms.transports import LocmemTransport

    message = SmsMessage.objects.create(to="01012345678", body="x", purpose="test")
    monkeypatch.setattr(LocmemTransport, "send", _raise(TransportError("busy", permanent=False)))
    send_sms(message.id)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (SmsStatus.QUEUED, 1, "busy")
    assert message.lease_until is not None  # the backoff: nobody sends it before then
    monkeypatch.setattr(LocmemTransport, "send", _raise(TransportError("invalid number", permanent=True)))
    send_sms(message.id)
    message.refresh_from_db()
    assert message.attempts == 1  # still inside the backoff: left alone
    with time_machine.travel(message.lease_until + timedelta(seconds=1)):
        send_sms(message.id)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.FAILED, 2)


def test_file_transport_writes_one_json_per_message(settings, tmp_path) -> None:
    import json

    settings.SMS_FILE_DIR = tmp_path
    sent = FileTransport().send("01012345678", "파일 전송")
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    payload = json.loads(files[0].read_text(encoding="utf-8"))
    assert payload["to"] == "01012345678" and payload["body"] == "파일 전송"
    assert payload["sent_at"].endswith("+09:00")
    assert sent.provider_message_id.startswith("file-")


def _raise(error: Exception):
    def send(self, to: str, body: str, *, key: str = ""):
        raise error

    return send
