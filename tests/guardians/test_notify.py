from __future__ import annotations

import pytest
from django.conf import settings

from alerts.models import Disclosure
from guardians.models import Guardian
from guardians.notify import notify_guardians
from guardians.tracking import resolve_tracking_token
from sms.models import SmsMessage
from tests.factories import make_alert, make_guardian, make_trip

pytestmark = pytest.mark.django_db


def _body(guardian: Guardian, link: str) -> str:
    return f"[화성안전귀가] 홍길동님이 귀가를 시작했습니다. {link}"


def test_each_active_guardian_gets_own_link_and_disclosure(
    citizen, django_capture_on_commit_callbacks, outbox
) -> None:
    mother = make_guardian(citizen, "01022223333", "엄마")
    father = make_guardian(citizen, "01044445555", "아빠")
    trip = make_trip(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        messages = notify_guardians(citizen, "trip_started", _body, trip=trip)
    assert [m.to for m in messages] == ["01022223333", "01044445555"]
    assert {m.purpose for m in SmsMessage.objects.all()} == {"trip_started"}
    assert [m["to"] for m in outbox] == ["01022223333", "01044445555"]
    links = [m["body"].rsplit(" ", 1)[1] for m in outbox]
    assert all(link.startswith(f"{settings.SITE_URL}/t/") for link in links)
    targets = [resolve_tracking_token(link.rsplit("/", 2)[1]) for link in links]
    assert [t.guardian for t in targets] == [mother, father]
    assert all(t.trip == trip for t in targets)
    rows = list(Disclosure.objects.order_by("id").values("recipient_kind", "recipient", "purpose", "trip"))
    assert rows == [
        {"recipient_kind": "guardian", "recipient": "엄마 010-****-3333", "purpose": "trip_started",
         "trip": trip.id},
        {"recipient_kind": "guardian", "recipient": "아빠 010-****-5555", "purpose": "trip_started",
         "trip": trip.id},
    ]


def test_declined_guardian_gets_nothing(citizen, django_capture_on_commit_callbacks, outbox) -> None:
    make_guardian(citizen, "01022223333")
    declined = make_guardian(citizen, "01044445555")
    Guardian.objects.filter(pk=declined.pk).update(declined_at="2026-01-01T00:00:00+09:00")
    alert = make_alert(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        notify_guardians(citizen, "sos", _body, alert=alert)
    assert [m["to"] for m in outbox] == ["01022223333"]
    assert not SmsMessage.objects.filter(to="01044445555").exists()
    assert Disclosure.objects.get().alert == alert


def test_without_trip_or_alert_link_is_empty(citizen) -> None:
    make_guardian(citizen)
    links: list[str] = []
    notify_guardians(citizen, "trip_ended", lambda g, link: links.append(link) or "끝",
                     discloses_location=False)
    assert links == [""]
    assert not Disclosure.objects.exists()


def test_other_citizens_guardians_are_not_told(citizen, make_citizen, outbox) -> None:
    make_guardian(make_citizen(phone="01099998888", name="남남"), "01022223333")
    assert notify_guardians(citizen, "sos", _body, alert=make_alert(citizen)) == []


def test_rollback_of_caller_sends_nothing(citizen, django_capture_on_commit_callbacks, outbox) -> None:
    from django.db import transaction

    make_guardian(citizen)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            notify_guardians(citizen, "sos", _body, alert=make_alert(citizen))
            raise RuntimeError("the caller fails")
    assert outbox == [] and not SmsMessage.objects.exists() and not Disclosure.objects.exists()
