"""Releasing an alert's retention hold in the admin, in a real browser: from the alert's page to the
hold page, a reason, the release, then undoing it (Korean UI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.models import Alert
from operators.models import Role, User
from tests.fixtures.retention import DAYS, ended_alert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-password-1"
REASON = "경찰 사건 2026-1234 종결"


def test_release_and_undo_a_hold(live_server: object, browser_page: object, artifacts: Path) -> None:
    supervisor = User.objects.create_user("browser-sup", password=PASSWORD, role=Role.SUPERVISOR,
                                          is_staff=True)
    held = ended_alert(DAYS + 5, disposition="crime")
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    change = f"/admin/alerts/alert/{held.pk}/change/"
    page.goto(f"{live_server.url}/admin/login/?next={change}")
    page.fill("#id_username", supervisor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{change}")
    assert "보존 보류" in page.locator(".field-retention_hold").inner_text()

    page.click("#retention-hold-link")
    page.wait_for_url(f"**/admin/alerts/alert/{held.pk}/hold/")
    assert "범죄 또는 화재·재난으로 종결" in page.locator("#hold-reasons").inner_text()
    page.click("input[name=release]")  # no reason yet: refused, nothing stored
    assert page.locator(".errorlist").count() == 1
    assert Alert.objects.get(pk=held.pk).hold_released_at is None

    page.fill("#id_reason", REASON)
    page.click("input[name=release]")
    page.wait_for_selector("#hold-release")
    assert page.locator("#hold-release-reason").inner_text() == REASON
    assert "7일 후" in page.locator(".messagelist").inner_text()
    page.screenshot(path=str(artifacts / "admin_hold_released.png"), full_page=True)
    assert Alert.objects.get(pk=held.pk).hold_release_reason == REASON

    page.click("input[name=restore]")
    page.wait_for_selector("#hold-release-form")
    assert Alert.objects.get(pk=held.pk).hold_released_at is None
    assert errors == []
