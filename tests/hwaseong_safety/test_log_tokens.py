"""Issue 16, point 10: no live tracking or decline token in any log line. Each way Django logs a
request path (405, 404, CSRF failure, 500) is driven with a real token and the configured log
handler's output (settings.LOGGING, with its scrubbing filter) is read back."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from guardians.models import decline_digest
from guardians.tracking import tracking_token
from hwaseong_safety.logscrub import ScrubTokens, scrub
from tests.factories import make_guardian, make_trip

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the configured handlers write, captured by pointing their streams at a buffer."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)
                and any(isinstance(f, ScrubTokens) for f in h.filters)]
    assert handlers, "settings.LOGGING's handler lost its ScrubTokens filter"
    buffer = io.StringIO()
    old = [h.setStream(buffer) for h in handlers]
    try:
        yield buffer
    finally:
        for handler, stream in zip(handlers, old, strict=True):
            handler.setStream(stream)


@pytest.fixture
def tokens(db) -> tuple[str, str]:
    from citizens.models import Citizen

    citizen = Citizen.objects.create(phone="01012340000", name="홍길동")
    guardian = make_guardian(citizen, phone="01012340001")
    guardian.decline_token = decline_digest("decline-secret-token-0123456789abcdef")
    guardian.save()
    return tracking_token(guardian, trip=make_trip(citizen)), "decline-secret-token-0123456789abcdef"


def test_405_404_and_csrf_failures_log_no_token(tokens, log_output) -> None:
    tracking, decline = tokens
    client = Client()
    assert client.head(f"/t/{tracking}/").status_code == 405
    assert client.put(f"/t/{tracking}/position.json").status_code == 405
    assert client.delete(f"/g/decline/{decline}/").status_code == 405
    assert client.get(f"/t/{tracking}/nothing-here").status_code == 404
    assert client.get(f"/t/{tracking}x/").status_code == 404
    assert Client(enforce_csrf_checks=True).post(f"/g/decline/{decline}/").status_code == 403  # no CSRF
    text = log_output.getvalue()
    assert "Method Not Allowed" in text and "Not Found" in text and "Forbidden (CSRF" in text
    assert "/t/[token]/" in text and "/g/decline/[token]/" in text
    assert tracking not in text and decline not in text


def test_a_traceback_naming_the_path_is_scrubbed(tokens, log_output) -> None:
    tracking, _ = tokens
    try:
        raise RuntimeError(f"failed on /t/{tracking}/position.json")
    except RuntimeError:
        logging.getLogger("django.request").exception("Internal Server Error: /t/%s/", tracking)
    text = log_output.getvalue()
    assert "RuntimeError: failed on /t/[token]/position.json" in text and tracking not in text


def test_scrub_keeps_other_paths() -> None:
    assert scrub("GET /api/v1/trips/12/ and /admin/t/x") == "GET /api/v1/trips/12/ and /admin/t/x"
    assert scrub("Not Found: /t/abc:def-ghi/position.json") == "Not Found: /t/[token]/position.json"
    assert scrub("link http://127.0.0.1:8000/g/decline/abc/") == "link http://127.0.0.1:8000/g/decline/[token]/"
    assert scrub("'/t/abc/'\n/t/def/") == "'/t/[token]/'\n/t/[token]/"
