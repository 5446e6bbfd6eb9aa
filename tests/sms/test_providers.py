"""The HTTP SMS transports against a real local server; retries, fallback and a worker crash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
import time_machine
from celery.exceptions import Retry
from django.db import transaction
from django.utils import timezone

from hwaseong_safety.outbound import http as outbound_http
from sms import transports
from sms.delivery import backoff, claim, deliver
from sms.length import euckr_length, message_type, too_long
from sms.models import SmsMessage, SmsStatus
from sms.outbox import queue_sms
from sms.tasks import resend_stale_sms, send_sms
from sms.transports import TransportError, fill_template
from tests.fakes.sms_server import FakeSmsServer, Reply, running, sens_success

pytestmark = pytest.mark.django_db(transaction=True)

TO = "01012345678"
SHORT = "[화성안전귀가] 홍길동님이 SOS를 보냈습니다."
LONG = "[화성안전귀가] " + "긴급 상황입니다. " * 10


# --- SMS or LMS -------------------------------------------------------------------------------

def test_message_type_counts_euckr_bytes() -> None:
    assert message_type("a" * 90) == "SMS" and message_type("a" * 91) == "LMS"
    assert euckr_length("가" * 45) == 90 and message_type("가" * 45) == "SMS"
    assert message_type("가" * 46) == "LMS"
    assert message_type(SHORT) == "SMS" and message_type(LONG) == "LMS"
    assert euckr_length("🚨") == 2  # not in CP949: counted long, never a cut-off SMS
    assert not too_long("가" * 1000) and too_long("가" * 1001)


def test_template_values_are_json_escaped() -> None:
    template = json.loads('{"to": "{to}", "msg": {"text": "{body}", "kind": "{type}"}, "n": 1}')
    nasty = 'He said "hi"\\ {to}\n}'
    payload = fill_template(template, {"to": TO, "body": nasty, "type": "SMS"})
    assert json.loads(json.dumps(payload)) == {"to": TO, "msg": {"text": nasty, "kind": "SMS"}, "n": 1}


# --- fixtures ---------------------------------------------------------------------------------

@pytest.fixture
def gateway(settings) -> Iterator[FakeSmsServer]:
    with running(idempotency_header="Idempotency-Key") as server:
        settings.SMS_TRANSPORT = "http"
        settings.SMS_HTTP_URL = f"{server.url}/v1/send?x=1"
        settings.SMS_HTTP_METHOD = "POST"
        settings.SMS_HTTP_BODY_TEMPLATE = '{"recipient": "{to}", "text": "{body}", "kind": "{type}"}'
        settings.SMS_HTTP_AUTH_HEADER = "X-Api-Key"
        settings.SMS_HTTP_AUTH_VALUE = "secret-key"
        settings.SMS_HTTP_ID_PATH = "result.messageId"
        settings.SMS_HTTP_IDEMPOTENCY_HEADER = "Idempotency-Key"
        settings.SMS_HTTP_TIMEOUT = 0.5
        settings.SMS_FALLBACK_TRANSPORT = ""
        yield server


@pytest.fixture
def sens(settings) -> Iterator[FakeSmsServer]:
    with running(success=sens_success) as server:
        settings.SMS_TRANSPORT = "naver_sens"
        settings.SMS_SENS_BASE_URL = server.url
        settings.SMS_SENS_SERVICE_ID = "ncp:sms:kr:123456789012:hwaseong"
        settings.SMS_SENS_ACCESS_KEY = "AK-TEST"
        settings.SMS_SENS_SECRET_KEY = "SK-TEST"
        settings.SMS_SENS_FROM = "0313690000"
        settings.SMS_HTTP_TIMEOUT = 0.5
        settings.SMS_FALLBACK_TRANSPORT = ""
        yield server


def _message(body: str = SHORT, to: str = TO) -> SmsMessage:
    return SmsMessage.objects.create(to=to, body=body, purpose="sos")


def _queue(body: str = SHORT) -> SmsMessage:
    """The real path: queued in a transaction, sent by the (eager) task after commit."""
    with transaction.atomic():
        message = queue_sms(TO, body, "sos")
    message.refresh_from_db()
    return message


# --- generic HTTP gateway ---------------------------------------------------------------------

def test_http_success_sends_the_exact_request(gateway) -> None:
    message = _queue()
    assert (message.status, message.attempts, message.transport) == (SmsStatus.SENT, 1, "http")
    assert message.provider_message_id == "MSG-1" and message.lease_until is None
    [request] = gateway.requests
    assert (request.method, request.path) == ("POST", "/v1/send?x=1")
    assert request.headers["x-api-key"] == "secret-key"
    assert request.headers["idempotency-key"] == f"sms-{message.id}"
    assert request.headers["content-type"].startswith("application/json")
    assert request.json == {"recipient": TO, "text": SHORT, "kind": "SMS"}


def test_http_long_text_is_lms_and_id_falls_back_to_a_hash(gateway, settings) -> None:
    gateway.script(Reply(200, "OK"))
    message = _queue(LONG)
    assert gateway.requests[0].json["kind"] == "LMS"
    assert message.status == SmsStatus.SENT and message.provider_message_id.startswith("http-")


def test_http_5xx_then_success_is_one_sms_in_two_attempts(gateway) -> None:
    gateway.script(Reply(503, "maintenance"))
    message = _queue()
    assert (message.status, message.attempts) == (SmsStatus.SENT, 2)
    assert len(gateway.requests) == 2 and len(gateway.delivered) == 1


@pytest.mark.parametrize("status", [408, 429, 500, 502])
def test_http_passing_statuses_are_transient(gateway, status) -> None:
    gateway.script(Reply(status, "busy"))
    message = _message()
    outcome = deliver(message.id)
    message.refresh_from_db()
    assert (outcome.state, outcome.retry_in) == ("retry", 5)
    assert message.status == SmsStatus.QUEUED and f"HTTP {status}" in message.last_error


def test_http_permanent_4xx_fails_without_retry(gateway) -> None:
    gateway.script(Reply(401, {"error": "bad key"}))
    message = _queue()
    assert (message.status, message.attempts) == (SmsStatus.FAILED, 1)
    assert "HTTP 401" in message.last_error and len(gateway.requests) == 1


def test_provider_error_text_has_the_number_masked(gateway) -> None:
    gateway.script(Reply(400, {"error": "bad recipient 010-1234-5678 / 01012345678"}))
    message = _queue()
    assert message.status == SmsStatus.FAILED
    assert "5678" in message.last_error and "1234" not in message.last_error


def test_http_timeout_is_transient(gateway) -> None:
    gateway.script(Reply(200, {"result": {"messageId": "late"}}, delay=1.5))
    message = _message()
    started = time.monotonic()
    outcome = deliver(message.id)
    assert time.monotonic() - started < 1.4  # the client gave up at SMS_HTTP_TIMEOUT
    message.refresh_from_db()
    assert outcome.state == "retry" and "timeout" in message.last_error
    assert message.status == SmsStatus.QUEUED


def test_connection_refused_is_transient(settings) -> None:
    with running() as server:
        url = server.url
    settings.SMS_TRANSPORT, settings.SMS_HTTP_URL = "http", url  # nobody listens there any more
    with pytest.raises(TransportError) as error:
        transports.HttpTransport().send(TO, SHORT)
    assert not error.value.permanent


def test_missing_configuration_is_permanent(settings) -> None:
    settings.SMS_HTTP_URL = ""
    settings.SMS_SENS_SERVICE_ID = ""
    for transport in (transports.HttpTransport(), transports.NaverSensTransport()):
        with pytest.raises(TransportError) as error:
            transport.send(TO, SHORT)
        assert error.value.permanent and not error.value.message_fault


# --- NAVER Cloud SENS -------------------------------------------------------------------------

def _expected_signature(path: str, timestamp: str) -> str:
    message = f"POST {path}\n{timestamp}\nAK-TEST".encode()
    return base64.b64encode(hmac.new(b"SK-TEST", message, hashlib.sha256).digest()).decode()


def test_sens_success_sends_the_exact_signed_request(sens) -> None:
    before = int(time.time() * 1000)
    message = _queue()
    after = int(time.time() * 1000)
    assert (message.status, message.transport, message.provider_message_id) == (
        SmsStatus.SENT, "naver_sens", "RID-1")
    [request] = sens.requests
    path = "/sms/v2/services/ncp:sms:kr:123456789012:hwaseong/messages"
    assert (request.method, request.path) == ("POST", path)
    timestamp = request.headers["x-ncp-apigw-timestamp"]
    assert before <= int(timestamp) <= after  # milliseconds since the epoch
    assert request.headers["x-ncp-iam-access-key"] == "AK-TEST"
    assert request.headers["x-ncp-apigw-signature-v2"] == _expected_signature(path, timestamp)
    assert request.json == {"type": "SMS", "contentType": "COMM", "countryCode": "82",
                            "from": "0313690000", "content": SHORT, "messages": [{"to": TO}]}


def test_sens_long_text_goes_as_lms_with_a_subject(sens) -> None:
    _queue(LONG)
    body = sens.requests[0].json
    assert (body["type"], body["subject"], body["content"]) == ("LMS", "화성안전귀가", LONG)


def test_sens_5xx_then_success(sens) -> None:
    sens.script(Reply(500, {"error": "internal"}))
    message = _queue()
    assert (message.status, message.attempts, message.provider_message_id) == (SmsStatus.SENT, 2, "RID-1")
    assert len(sens.delivered) == 1


def test_sens_unexpected_answer_is_not_taken_for_success(sens) -> None:
    sens.script(Reply(202, {"statusCode": "400", "statusName": "fail"}))
    message = _queue()
    assert message.status == SmsStatus.FAILED and "unexpected answer" in message.last_error


# --- fallback ---------------------------------------------------------------------------------

def test_provider_fault_falls_back_and_records_who_sent_it(sens, settings) -> None:
    """SENS refuses our keys (401): its fault, not the message's; the HTTP gateway sends it."""
    with running() as backup:
        settings.SMS_FALLBACK_TRANSPORT = "http"
        settings.SMS_HTTP_URL = f"{backup.url}/send"
        settings.SMS_HTTP_ID_PATH = "result.messageId"
        sens.script(Reply(401, {"errorMessage": "Authentication Failed"}))
        message = _queue()
    assert (message.status, message.transport, message.provider_message_id) == (SmsStatus.SENT, "http",
                                                                                 "MSG-1")
    assert (message.attempts, message.fallback_after) == (2, 1)
    assert len(sens.requests) == 1 and len(backup.delivered) == 1


def test_recipient_refused_fails_for_both(gateway, settings, outbox) -> None:
    settings.SMS_HTTP_RECIPIENT_ERROR_STATUSES = [422]
    settings.SMS_FALLBACK_TRANSPORT = "locmem"
    gateway.script(Reply(422, {"error": "invalid recipient"}))
    message = _queue()
    assert (message.status, message.attempts, message.fallback_after) == (SmsStatus.FAILED, 1, None)
    assert outbox == []


def test_invalid_number_is_refused_before_any_provider(gateway, settings, outbox) -> None:
    settings.SMS_FALLBACK_TRANSPORT = "locmem"
    message = _message(to="12345")
    assert deliver(message.id).state == "failed"
    assert gateway.requests == [] and outbox == []


def test_transient_failures_back_off_then_fall_back(gateway, settings, outbox) -> None:
    """Step by step, as the worker would run them: 5 s, 15 s, then the fallback after 3 attempts
    (SMS_FALLBACK_AFTER); the fallback's own failures back off from 5 s again until the budget."""
    settings.SMS_FALLBACK_TRANSPORT = "locmem"
    gateway.script(*[Reply(503)] * 3)
    message = _message()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert [deliver(message.id, n).retry_in for n in (None, 1)] == [5, 15]
        assert deliver(message.id).state == "skipped"  # a stray task inside the backoff: nothing
        clock.shift(15)
        assert deliver(message.id).state == "fallback"  # the sweeper's task, after the lease
        message.refresh_from_db()
        assert (message.attempts, message.fallback_after, message.transport) == (3, 3, "http")
        assert deliver(message.id, 3).state == "sent"
    message.refresh_from_db()
    assert (message.status, message.transport, message.attempts) == (SmsStatus.SENT, "locmem", 4)
    assert outbox == [{"to": TO, "body": SHORT}] and len(gateway.requests) == 3


def test_without_fallback_gives_up_after_max_attempts(gateway, settings) -> None:
    settings.SMS_MAX_ATTEMPTS = 6
    gateway.script(*[Reply(503)] * 6)
    message = _message()
    outcomes = [deliver(message.id, None)]
    while outcomes[-1].state == "retry":
        outcomes.append(deliver(message.id, outcomes[-1].attempts))
    assert [o.retry_in for o in outcomes] == [5, 15, 45, 135, 405, None]
    assert [backoff(n) for n in range(1, 6)] == [5, 15, 45, 135, 405]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.FAILED, 6)


def test_task_retries_through_celery_with_the_backoff(gateway, monkeypatch) -> None:
    """Not eager: the countdown handed to Celery is the backoff, and the retry carries its claim."""
    calls = []
    monkeypatch.setattr(send_sms, "apply_async", lambda *a, **kw: calls.append((a, kw)))
    gateway.script(Reply(503))
    message = _message()

    with pytest.raises(Retry):
        _run_as_worker(message.id)
    [(args, options)] = calls
    assert args[:2] == ((message.id,), {"expected_attempts": 1}) and options["countdown"] == 5


def _run_as_worker(message_id: int) -> None:
    """Call the task body with a worker-like request (an id, not eager, not called directly)."""
    send_sms.push_request(id="test-task-id", retries=0, is_eager=False, called_directly=False,
                          args=(message_id,), kwargs={})
    try:
        send_sms.run(message_id)
    finally:
        send_sms.pop_request()


# --- a worker killed mid-send -----------------------------------------------------------------

def _kill_after_the_provider_answers(monkeypatch) -> None:
    """The worst moment: the provider accepted the SMS, the worker dies before recording it."""
    real = outbound_http.client

    class Dying(httpx.Client):
        def request(self, *args, **kwargs):  # type: ignore[override]
            super().request(*args, **kwargs)
            raise SystemExit("worker killed")

    def client(timeout: float) -> httpx.Client:
        base = real(timeout)
        return Dying(timeout=base.timeout)

    monkeypatch.setattr(outbound_http, "client", client)


def _crash_then_recover(monkeypatch, message: SmsMessage) -> SmsMessage:
    with monkeypatch.context() as patch:
        _kill_after_the_provider_answers(patch)
        with pytest.raises(SystemExit):
            send_sms(message.id)
    message.refresh_from_db()
    # The evidence: the attempt was recorded and committed, no result.
    assert (message.status, message.attempts, message.provider_message_id) == (SmsStatus.QUEUED, 1, "")
    assert message.lease_until is not None and message.lease_until > timezone.now()
    # acks_late redelivers the task at once: the lease keeps it from sending while it may still be
    # in flight. The sweeper sends it once the lease has run out.
    assert send_sms(message.id) == "skipped"
    with time_machine.travel(message.lease_until + timedelta(seconds=1)):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("sms.delivery.STALE_AFTER", timedelta(0))
            assert resend_stale_sms() == 1
        assert resend_stale_sms() == 0
    message.refresh_from_db()
    return message


def test_crash_with_sens_sends_at_most_one_duplicate(sens, monkeypatch) -> None:
    """SENS has no idempotency key: never lost, at most one duplicate (docs/sms.md)."""
    message = _crash_then_recover(monkeypatch, _message())
    assert (message.status, message.attempts, message.provider_message_id) == (SmsStatus.SENT, 2, "RID-2")
    assert len(sens.delivered) == 2


def test_crash_with_an_idempotent_gateway_sends_exactly_one(gateway, monkeypatch) -> None:
    message = _crash_then_recover(monkeypatch, _message())
    assert (message.status, message.attempts, message.provider_message_id) == (SmsStatus.SENT, 2, "MSG-1")
    assert len(gateway.requests) == 2 and len(gateway.delivered) == 1


def test_crash_before_the_provider_got_it_sends_exactly_one(sens, monkeypatch) -> None:
    message = _message()
    with monkeypatch.context() as patch:
        patch.setattr(outbound_http, "client", _raise_system_exit)
        with pytest.raises(SystemExit):
            send_sms(message.id)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        resend_stale_sms()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.SENT, 2)
    assert len(sens.delivered) == 1


def _raise_system_exit(timeout: float) -> httpx.Client:
    raise SystemExit("worker killed")


def test_a_claimed_message_is_not_claimed_twice(gateway) -> None:
    message = _message()
    assert claim(message.id) is not None
    assert claim(message.id) is None  # a second worker, while the first is sending
