"""One registry of timeline kinds (alerts/timeline.py): every kind is named in Korean and English,
every place that writes a timeline entry goes through it, and the admin shows names, not keys."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from alerts import timeline
from alerts.models import AlertEvent
from console.views import console_labels
from operators.models import User
from sms.models import SmsMessage
from tests.fixtures.alerts import loc, raise_sos
from tests.fixtures.platform import ROOT

APPS = ("alerts", "citizens", "guardians", "operators", "cameras")


def _written_kinds() -> set[str]:
    """Every literal kind passed to record_event in the application code."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            found |= set(re.findall(r'record_event\([^,]+,\s*"(\w+)"', path.read_text()))
    return found


def test_every_kind_has_a_korean_and_an_english_label() -> None:
    for key, kind in timeline.KINDS.items():
        with translation.override("en"):
            english = str(kind.label)
        with translation.override("ko"):
            korean = str(kind.label)
        assert english and english != key, f"{key} has no English label"
        assert korean != english and re.search("[가-힣]", korean), f"{key} has no Korean label"
        assert kind.push in {"alert.created", "alert.updated", "alert.claimed", "alert.timeline",
                             "alert.moved"}


def test_nothing_writes_the_timeline_but_the_registry() -> None:
    direct = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            text = path.read_text()
            writes = re.search(r"AlertEvent\.objects\.(bulk_)?create|AlertEvent\(\s*(alert|kind)", text)
            if writes and path.name != "timeline.py" and "migrations" not in path.parts:
                direct.append(str(path.relative_to(ROOT)))
    assert direct == []
    # Data migrations use the historical model (no app code): their kinds must be registered too.
    for path in (ROOT / "alerts" / "migrations").glob("*.py"):
        for kind in re.findall(r'AlertEvent\([^)]*kind="(\w+)"', path.read_text()):
            assert kind in timeline.KINDS, (path.name, kind)
    written = _written_kinds()
    assert {"created", "claimed", "escalated", "closed", "cancelled", "duress"} <= written
    assert written <= set(timeline.KINDS), written - set(timeline.KINDS)


@pytest.mark.django_db
def test_an_unknown_kind_is_refused(app, centers) -> None:
    alert_id = raise_sos(app=app, through_api=True).pk
    with pytest.raises(timeline.UnknownTimelineKind):
        timeline.record_event(alert_id, "made_up_kind")
    assert not AlertEvent.objects.filter(kind="made_up_kind").exists()


def test_the_console_gets_every_label_from_the_server() -> None:
    with translation.override("ko"):
        labels = console_labels()
    assert set(labels["event"]) == set(timeline.KINDS)
    assert labels["event"]["escalation_failed"] == "기관 전송 실패 — 지금 전화로 신고하세요"
    assert "unclaimed_alarm" in labels["alarmKinds"] and "note" not in labels["alarmKinds"]


@pytest.mark.django_db
def test_timeline_entries_carry_their_label(app, centers, client) -> None:
    from console.api.serializers import TimelineEventSerializer

    alert_id = raise_sos(app=app, through_api=True).pk
    event = AlertEvent.objects.get(alert_id=alert_id, kind="created")
    with translation.override("ko"):
        data = TimelineEventSerializer(event).data
    assert data["label"] == "접수" and data["alarms"] is True
    assert str(event) == f"접수 #{event.pk}" or str(event) == f"Received #{event.pk}"


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    return client


@pytest.mark.django_db
def test_admin_alert_page_is_readable_in_korean(admin_client, app, centers) -> None:
    alert_id = raise_sos(app=app, through_api=True).pk
    app.client.post(f"/api/v1/alerts/{alert_id}/locations/", {"locations": [loc((37.3, 126.87))]},
                    format="json")
    page = admin_client.get(f"/admin/alerts/alert/{alert_id}/change/", HTTP_ACCEPT_LANGUAGE="ko")
    html = page.content.decode()
    assert "object (" not in html
    assert "위치 이동으로 이관" in html and "처리 이력" in html  # the kind's and the inline's names
    assert "관할 결정 근거" in html  # a data key by its name
    for raw in ("transferred", "routed_by", "&quot;out_of_area", "Citizen", "Trip"):
        assert raw not in html, raw
    sms = SmsMessage.objects.filter(purpose="sos").first()
    page = admin_client.get("/admin/sms/smsmessage/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "긴급신고 보호자 알림" in page
    detail = admin_client.get(f"/admin/sms/smsmessage/{sms.pk}/change/",
                              HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "긴급신고 보호자 알림" in detail and sms.to not in detail  # the number stays masked
