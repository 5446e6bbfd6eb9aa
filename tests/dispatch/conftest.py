"""Dispatch fixtures: the fake police/fire receiver on a free port, settings pointing at it, and
an SOS escalated by a 화성 operator (its delivery not yet attempted: tests drive the attempts)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator

import pytest
from django.test import Client

from alerts.actions.handling import do_add_note, do_escalate_alert
from alerts.models import Alert, Escalation
from demo.fake_dispatch import FakeDispatch
from tests.console.conftest import (  # noqa: F401 - fixtures used by the dispatch tests
    INSIDE_HWASEONG,
    Staff,
    _clear_sms_outbox,
    centers,
    close_db_connections,
    logged_in,
    make_app_user,
    private_channel_layer,
    raise_sos,
    staff,
)
from tests.factories import make_camera

SECRETS = {"police": "police-secret-for-tests", "fire": "fire-secret-for-tests"}
CALLBACK = "/api/v1/dispatch/callback"


@pytest.fixture
def fake(settings) -> Iterator[FakeDispatch]:
    """Answers 200 unless scripted; sends no callbacks (the flow test turns them on)."""
    with FakeDispatch(dict(SECRETS), send_callbacks=False, hang_s=1.5) as server:
        settings.DISPATCH_POLICE_URL, settings.DISPATCH_FIRE_URL = server.url("police"), server.url("fire")
        settings.DISPATCH_POLICE_SECRET, settings.DISPATCH_FIRE_SECRET = SECRETS["police"], SECRETS["fire"]
        settings.DISPATCH_MAX_ATTEMPTS = 3
        settings.DISPATCH_TIMEOUT_SECONDS = 0.5
        settings.DISPATCH_RETRY_BASE_SECONDS = 1.0
        yield server


@pytest.fixture
def published(monkeypatch) -> list[tuple[int, str, int | None]]:
    """What dispatch code published to the consoles: (alert id, kind, timeline event id)."""
    calls: list[tuple[int, str, int | None]] = []

    def record(alert: Alert, kind: str, **kwargs: object) -> None:
        event = kwargs.get("event")
        calls.append((alert.pk, kind, event.pk if event is not None else None))

    monkeypatch.setattr("alerts.dispatch.delivery.publish_alert_event", record)
    monkeypatch.setattr("alerts.dispatch.callbacks.publish_alert_event", record)
    return calls


def camera_near(offset: float = 0.0002, **fields: object):
    lat, lon = INSIDE_HWASEONG
    fields.setdefault("road_address", "경기도 화성시 시청로 159")
    fields.setdefault("hls_url", "https://cams.example/1/index.m3u8")
    fields.setdefault("snapshot_url", "https://cams.example/1/latest.jpg")
    return make_camera(lon + offset, lat + offset, **fields)


def escalate(people: Staff, agencies: tuple[str, ...] = ("police",), reason: str = "비명 청취") -> Escalation:
    alert = raise_sos()
    do_add_note(alert, people.hwaseong, "통화 중 비명")
    _alert, _event, escalations = do_escalate_alert(alert, people.hwaseong, agencies, reason)
    return escalations[0]


@pytest.fixture
def escalation(fake, staff) -> Escalation:  # noqa: F811
    staff.hwaseong.first_name, staff.hwaseong.last_name = "관제", "박"
    staff.hwaseong.save()
    camera_near()
    return escalate(staff)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Recomputed here, independently of alerts.dispatch.signing."""
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def post_callback(body: dict | bytes, *, agency: str = "police", secret: str | None = None,
                  timestamp: int | None = None, tamper: bytes | None = None) -> object:
    """POST a callback the way an agency would; ``tamper`` replaces the body after signing."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {"HTTP_X_HWASEONG_SIGNATURE": sign(secret or SECRETS[agency], ts, raw),
               "HTTP_X_HWASEONG_TIMESTAMP": ts, "HTTP_X_HWASEONG_AGENCY": agency}
    client = Client(enforce_csrf_checks=True)  # no CSRF token, no session: the signature is enough
    return client.post(CALLBACK, tamper if tamper is not None else raw, content_type="application/json",
                       **headers)
