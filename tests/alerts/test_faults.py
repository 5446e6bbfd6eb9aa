"""Faults: Redis down during an SOS, a worker killed mid-send, and the guardians' "closed" SMS.

The SMS rules under test are docs/sms.md's: never lost; a duplicate only when the provider
accepted the message and the worker died before recording it, and only for a transport that
ignores the idempotency key (locmem, file and SENS do; an idempotent gateway does not).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from alerts.actions.handling import AlertFinished, do_close_alert
from alerts.actions.notices import CLOSED_SMS_PURPOSE
from alerts.actions.sos import do_cancel_alert
from alerts.models import Alert, Disclosure
from guardians.models import Guardian
from sms.delivery import STALE_AFTER, claim
from sms.models import SmsMessage, SmsStatus
from sms.tasks import resend_stale_sms, send_sms
from sms.transports import LocmemTransport
from tests.factories import make_staff
from tests.fixtures.alerts import loc, raise_sos
from tests.fixtures.centers import INSIDE_HWASEONG
from tests.fixtures.citizens import AppUser, make_app_user
from tests.fixtures.faults import redis_down

pytestmark = pytest.mark.django_db(transaction=True)

outbox = LocmemTransport.outbox  # cleared around every test (tests/fixtures/sms.py)


def with_guardians(user: AppUser, *, active: int = 1, declined: int = 0) -> list[str]:
    """Add guardians to ``user`` (who has one already); returns the phones of the active ones."""
    citizen = user.citizen
    for n in range(active + declined):
        phone = f"0109{citizen.pk % 1000:03d}{n:04d}"
        declined_at = timezone.now() if n >= active else None
        Guardian.objects.create(citizen=citizen, name=f"보호자{n}", phone=phone, relation="형제",
                                decline_token=f"decline-{citizen.pk}-{n}", declined_at=declined_at)
    return list(citizen.guardians.filter(declined_at__isnull=True).values_list("phone", flat=True))


# --- (a) an SOS while Redis is unreachable ---------------------------------------------------

def test_sos_with_redis_down_is_201_and_reaches_each_guardian_once_when_redis_is_back(centers, caplog):
    user = make_app_user()
    phones = with_guardians(user, active=1, declined=1)
    assert len(phones) == 2
    with redis_down():
        response = user.client.post("/api/v1/alerts/", {"client_id": str(uuid.uuid4()),
                                                         "location": loc(INSIDE_HWASEONG)}, format="json")
    assert response.status_code == 201
    alert = Alert.objects.get(pk=response.json()["id"])
    rows = SmsMessage.objects.filter(purpose="sos")
    # Stored and waiting: one row per guardian who has not declined, none sent, no attempt made.
    assert sorted(rows.values_list("to", flat=True)) == sorted(phones)
    assert set(rows.values_list("status", "attempts")) == {(SmsStatus.QUEUED, 0)}
    assert outbox == []
    assert "could not publish alert" in caplog.text  # the live alarm failed too, loudly

    # Redis is back. Before the stale threshold the sweeper leaves the rows to their own task...
    assert resend_stale_sms() == 0
    with time_machine.travel(timezone.now() + STALE_AFTER + timedelta(seconds=1)):
        assert resend_stale_sms() == 2
        assert resend_stale_sms() == 0  # ...and after it, sends each once, and never again
    assert sorted(m["to"] for m in outbox) == sorted(phones)
    assert all(alert.citizen.name in m["body"] for m in outbox)
    assert set(rows.values_list("status", "attempts")) == {(SmsStatus.SENT, 1)}


# --- (b) a worker killed mid-task: acks_late redelivers the same SMS id ---------------------

def _sms() -> SmsMessage:
    return SmsMessage.objects.create(to="01055556666", body="[화성안전귀가] 테스트", purpose="sos")


def _after_lease(message: SmsMessage) -> time_machine.travel:
    message.refresh_from_db()
    return time_machine.travel(message.lease_until + timedelta(seconds=1))


def test_redelivery_of_a_task_that_finished_sends_nothing_more() -> None:
    """The worker died after recording "sent" but before acking: the task runs again."""
    message = _sms()
    assert send_sms(message.id) == "sent"
    assert send_sms(message.id) == "skipped"
    assert len(outbox) == 1


def test_redelivery_while_the_first_attempt_is_still_sending_is_skipped(monkeypatch) -> None:
    """Two deliveries at once (a redelivery racing a live worker): the lease lets one through."""
    message = _sms()
    real_send = LocmemTransport.send
    nested: list[str] = []

    def send_and_get_redelivered(self, to: str, body: str, *, key: str = ""):
        nested.append(send_sms(message.id))  # the second delivery runs mid-send
        return real_send(self, to, body, key=key)

    monkeypatch.setattr(LocmemTransport, "send", send_and_get_redelivered)
    assert send_sms(message.id) == "sent"
    assert nested == ["skipped"]
    assert len(outbox) == 1


def test_killed_after_the_attempt_was_recorded_before_sending_is_sent_exactly_once(monkeypatch) -> None:
    message = _sms()
    with monkeypatch.context() as patch:
        patch.setattr(LocmemTransport, "send", _killed)
        with pytest.raises(SystemExit):
            send_sms(message.id)
    message.refresh_from_db()
    # The evidence docs/sms.md describes: an attempt, a lease, no result, no error.
    assert (message.status, message.attempts, message.last_error) == (SmsStatus.QUEUED, 1, "")
    assert send_sms(message.id) == "skipped"  # redelivered at once: the lease holds it back
    with _after_lease(message):
        assert send_sms(message.id) == "sent"  # redelivered after the lease (or the sweeper)
        assert send_sms(message.id) == "skipped"
        assert resend_stale_sms() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.SENT, 2)
    assert len(outbox) == 1


def test_killed_after_the_transport_took_it_before_the_result_is_the_one_allowed_duplicate(
        monkeypatch) -> None:
    """The one ambiguous moment: locmem (like file and SENS) ignores the idempotency key, so per
    docs/sms.md the retry sends again — never lost, at most one duplicate — and then stops."""
    message = _sms()
    real_send = LocmemTransport.send

    def send_then_die(self, to: str, body: str, *, key: str = ""):
        real_send(self, to, body, key=key)
        raise SystemExit("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(LocmemTransport, "send", send_then_die)
        with pytest.raises(SystemExit):
            send_sms(message.id)
    assert len(outbox) == 1
    assert send_sms(message.id) == "skipped"
    with _after_lease(message):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("sms.delivery.STALE_AFTER", timedelta(0))
            assert resend_stale_sms() == 1
            assert resend_stale_sms() == 0
        assert send_sms(message.id) == "skipped"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.SENT, 2)
    assert len(outbox) == 2


def test_a_second_worker_cannot_claim_a_row_in_flight() -> None:
    message = _sms()
    assert claim(message.id) is not None
    assert claim(message.id) is None
    assert send_sms(message.id) == "skipped"
    assert outbox == []


def _killed(self, to: str, body: str, *, key: str = ""):
    raise SystemExit("worker killed")


# --- (d) the guardians' "closed" SMS -----------------------------------------------------------

@pytest.fixture
def operator(centers):
    return make_staff("op-close", center=centers["hwaseong"])


def _closed_sms() -> list[dict[str, str]]:
    return [m for m in outbox if "종결" in m["body"]]


CLOSED_SAFE = ("[화성안전귀가] 김안전님의 긴급신고가 관제센터에서 종결되었습니다(안전 확인). "
               "문의: 관제센터 화성시 031-369-1234")


def test_close_sends_one_sms_per_active_guardian_without_location(centers, operator) -> None:
    user = make_app_user("김안전")
    phones = with_guardians(user, active=1, declined=1)
    alert = raise_sos(app=user)
    disclosures = Disclosure.objects.count()
    do_close_alert(alert, operator, "safe", "귀가 확인")
    sent = _closed_sms()
    assert sorted(m["to"] for m in sent) == sorted(phones)  # not the declined guardian
    assert {m["body"] for m in sent} == {CLOSED_SAFE}
    assert Disclosure.objects.count() == disclosures  # it names no place: no disclosure record
    assert SmsMessage.objects.filter(purpose=CLOSED_SMS_PURPOSE, status=SmsStatus.SENT).count() == 2
    with pytest.raises(AlertFinished):
        do_close_alert(alert, operator, "safe")
    assert len(_closed_sms()) == 2  # closed once, told once


@pytest.mark.parametrize(("disposition", "suffix"), [
    ("false_alarm", "종결되었습니다(오인 신고)."), ("crime", "종결되었습니다."),
    ("fire_disaster", "종결되었습니다."), ("medical", "종결되었습니다."), ("other", "종결되었습니다."),
])
def test_only_reassuring_outcomes_are_named(centers, operator, disposition, suffix) -> None:
    do_close_alert(raise_sos(), operator, disposition)
    [sms] = _closed_sms()
    assert sms["body"].endswith(suffix + " 문의: 관제센터 화성시 031-369-1234")


def test_no_closed_sms_for_a_duress_alert(centers, operator) -> None:
    user = make_app_user()
    user.citizen.set_pins("1234", "9876")
    user.citizen.save()
    alert = raise_sos(app=user)
    do_cancel_alert(alert, "9876")  # the duress PIN: the app shows "cancelled", the center sees duress
    alert.refresh_from_db()
    assert alert.is_duress
    do_close_alert(alert, operator, "safe")
    assert _closed_sms() == []
    assert not SmsMessage.objects.filter(purpose=CLOSED_SMS_PURPOSE).exists()


def test_a_close_that_rolls_back_sends_nothing(centers, operator) -> None:
    alert = raise_sos()
    with pytest.raises(RuntimeError), transaction.atomic():
        do_close_alert(alert, operator, "safe")
        raise RuntimeError("the request failed after the close")
    assert _closed_sms() == []
    assert not SmsMessage.objects.filter(purpose=CLOSED_SMS_PURPOSE).exists()
