"""The content security policy: on every page, strict, configurable only within bounds, and pages
that need nothing inline. The real-browser check is tests/hwaseong_safety/browser/test_csp.py."""

from __future__ import annotations

import logging
from html.parser import HTMLParser

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from cameras.models import Camera
from citizens.models import Citizen
from guardians.tracking import tracking_token
from hwaseong_safety.csp import REPORT_ONLY_WARNING, build_policy, header_value, parse_extra
from operators.models import Role, User
from tests.factories import decline_path, make_center, make_guardian, make_trip
from tests.fixtures.platform import ROOT, run_manage

PASSWORD = "pw-csp-tests-1"


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


class InlineFinder(HTMLParser):
    """Everything a policy without 'unsafe-inline' would block: inline scripts (a JSON data block is
    not a script), <style> elements, style="" attributes, on* handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/json":
            self.found.append(f"inline <script> {attrs}")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")


def inline_parts(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture
def pages(db) -> dict[str, tuple[Client, str]]:
    """Each page of the site once: (a client allowed to see it, its URL)."""
    center = make_center("41590", (126.80, 37.10, 126.95, 37.25), name="화성시")
    operator = User.objects.create_user("csp-op", password=PASSWORD, role=Role.OPERATOR, center=center)
    admin = User.objects.create_superuser("csp-admin", "c@example.invalid", PASSWORD, role=Role.SYSTEM_ADMIN)
    camera = Camera.objects.create(agency="화성시", management_number="CSP-1", center=center,
                                   location=Point(126.8314, 37.1995, srid=4326), bearing=90, field_of_view=60)
    citizen = Citizen.objects.create(phone="01012349876", name="홍길동")
    guardian = make_guardian(citizen)
    trip = make_trip(citizen, last_location=Point(126.8314, 37.1995, srid=4326))
    anonymous, as_operator, as_admin = Client(), Client(), Client()
    as_operator.force_login(operator)
    as_admin.force_login(admin)
    return {
        "home": (anonymous, "/"),
        "login": (anonymous, "/login/"),
        "console": (as_operator, "/console/"),
        "admin login": (anonymous, "/admin/login/"),
        "admin index": (as_admin, "/admin/"),
        "camera list": (as_admin, "/admin/cameras/camera/"),
        "camera change": (as_admin, f"/admin/cameras/camera/{camera.pk}/change/"),
        "camera import": (as_admin, "/admin/cameras/camera/import/"),
        "tracking": (anonymous, f"/t/{tracking_token(guardian, trip=trip)}/"),
        "decline": (anonymous, decline_path(guardian)),
    }


def test_every_page_has_the_strict_policy_and_nothing_inline(pages) -> None:
    for name, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        policy = policy_of(response)
        assert policy["default-src"] == ["'self'"], name
        assert policy["script-src"] == ["'self'"], name
        assert policy["style-src"] == ["'self'"], name
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert set(policy["img-src"]) >= {"'self'", "data:", "blob:"}
        assert policy["media-src"] == ["'self'", "blob:"]
        assert policy["connect-src"] == ["'self'", "ws://testserver"]
        assert not any("unsafe" in source for sources in policy.values() for source in sources)
        assert inline_parts(response.content.decode()) == [], name


def test_pages_have_the_other_security_headers(pages) -> None:
    client, url = pages["login"]
    response = client.get(url)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    features = response["Permissions-Policy"]
    assert "geolocation=()" in features and "camera=()" in features and "microphone=()" in features


def test_over_https_the_socket_source_is_wss(pages) -> None:
    client, url = pages["console"]
    response = client.get(url, secure=True)
    assert policy_of(response)["connect-src"] == ["'self'", "wss://testserver"]


def test_json_responses_carry_no_page_policy(pages) -> None:
    client, _url = pages["console"]
    response = client.get("/healthz")
    assert "Content-Security-Policy" not in response


@pytest.mark.django_db
def test_error_pages_have_the_policy_except_debugs_technical_pages(settings) -> None:
    assert "default-src 'self'" in Client().get("/no-such-page/")["Content-Security-Policy"]
    settings.DEBUG = True
    assert "Content-Security-Policy" not in Client().get("/no-such-page/")


def test_report_only_mode_sends_the_same_policy_under_the_other_name(pages, settings) -> None:
    settings.CSP_REPORT_ONLY = True
    client, url = pages["login"]
    response = client.get(url)
    assert "Content-Security-Policy" not in response
    assert "default-src 'self'" in response["Content-Security-Policy-Report-Only"]


def test_no_template_has_inline_script_or_style() -> None:
    """Pages not rendered above (error pages, other helpers' new ones) are held to the same rule."""
    offenders = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        found = inline_parts(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_tile_server_and_media_servers_are_allowed_by_origin_only() -> None:
    policy = build_policy(tile_url="http://{s}.tiles.local:8080/{z}/{x}/{y}.png",
                          media_origins=["https://vms.hwaseong.local/live/"])
    assert policy["img-src"] == ("'self'", "data:", "blob:", "http://*.tiles.local:8080",
                                 "https://vms.hwaseong.local")
    assert policy["media-src"] == ("'self'", "blob:", "https://vms.hwaseong.local")
    assert policy["connect-src"] == ("'self'", "https://vms.hwaseong.local")
    assert "tiles" not in " ".join(policy["connect-src"] + policy["script-src"])
    assert build_policy()["img-src"] == ("'self'", "data:", "blob:")
    with pytest.raises(ImproperlyConfigured):
        build_policy(media_origins=["https://*"])


def test_csp_extra_adds_sources_to_fetch_directives() -> None:
    policy = build_policy(extra="img-src https://a.example; connect-src wss://push.example https://b.example;")
    assert policy["img-src"][-1] == "https://a.example"
    assert build_policy(extra="img-src https:")["img-src"][-1] == "https:"  # any https picture: allowed
    assert policy["connect-src"] == ("'self'", "wss://push.example", "https://b.example")
    header = header_value(policy, websocket_origin="wss://safety.example.org")
    assert "connect-src 'self' wss://push.example https://b.example wss://safety.example.org" in header


@pytest.mark.parametrize("raw", [
    "script-src 'unsafe-inline'", "style-src 'unsafe-eval'", "img-src *", "frame-ancestors https://x.example",
    "base-uri https://x.example", "img-src javascript:", "sript-src https://x.example",
    "script-src https:", "script-src data:", "default-src blob:", "img-src 'self' 'none'",
    "connect-src https://*", "img-src https://user:pw@x.example",
])
def test_csp_extra_refuses_what_would_weaken_the_policy(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="CSP_EXTRA"):
        parse_extra(raw)


def test_a_bad_csp_extra_stops_the_server_from_starting() -> None:
    result = run_manage("check", CSP_EXTRA="script-src 'unsafe-inline'")
    assert result.returncode != 0
    assert "CSP_EXTRA" in result.stderr


@pytest.mark.parametrize("report_only", [True, False])
def test_a_worker_warns_at_start_when_the_policy_is_only_reported(
    report_only: bool, settings, caplog, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hwaseong_safety import warmup

    settings.CSP_REPORT_ONLY = report_only
    # Only the start's message is under test here; the warm-up itself has its own tests.
    monkeypatch.setattr(warmup, "warm_up", dict)
    monkeypatch.setattr(warmup, "freeze_heap", lambda: 0)
    with caplog.at_level(logging.WARNING, logger="hwaseong_safety.warmup"):
        warmup.start_worker()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    if report_only:
        assert warnings == [REPORT_ONLY_WARNING]
        assert "NOT enforced" in warnings[0] and "CSP_REPORT_ONLY=false" in warnings[0]
    else:
        assert warnings == []
