"""Retention holds released by a supervisor (alerts/holds.py): the trail stays whole until the
release takes effect, can be restored until then, and is reduced by the next run after it. Every
release and restore is on the timeline (with its reason) and in the access log (without it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from alerts.holds import HoldError, do_release_hold, do_restore_hold, held_alerts
from alerts.models import Alert, AlertEvent, AlertStatus, Escalation, TripStatus
from alerts.retention import run_retention
from operators.models import AccessAction, AccessRecord, Role
from tests.factories import make_staff
from tests.fixtures.retention import DAYS, ended_alert, ended_trip, trail

pytestmark = pytest.mark.django_db

GRACE = 7
REASON = "경찰 사건 2026-1234 종결 (화성서부서 담당자 확인)"


@pytest.fixture(autouse=True)
def days(settings):
    settings.LOCATION_RETENTION_DAYS = DAYS
    settings.LOCATION_HOLD_RELEASE_GRACE_DAYS = GRACE


def admin_staff(username: str, role: str):
    user = make_staff(username, role=role)
    user.is_staff = True  # the admin-site roles' accounts (operators.roles.ADMIN_SITE_ROLES)
    user.save()
    return user


@pytest.fixture
def supervisor():
    return admin_staff("sup", Role.SUPERVISOR)


def crime(days_ago: float = DAYS + 5, **fields) -> Alert:
    return ended_alert(days_ago, disposition="crime", **fields)


def test_a_release_takes_effect_after_the_grace_period_then_the_trail_goes(supervisor) -> None:
    held = crime()
    do_release_hold(held.pk, supervisor, REASON)
    assert run_retention().alerts_reduced == 0 and trail(held) == 3  # released, not yet in effect
    with time_machine.travel(timezone.now() + timedelta(days=GRACE, hours=1)):
        run = run_retention()
    held.refresh_from_db()
    assert trail(held) == 0 and held.reduced_at is not None
    assert (run.alerts_reduced, run.alerts_held) == (1, 0)


def test_an_escalated_alert_can_be_released_too(supervisor) -> None:
    handed = ended_alert(DAYS + 5)
    Escalation.objects.create(alert=handed, agency="police", reason="폭행 의심", requested_by=supervisor)
    do_release_hold(handed.pk, supervisor, REASON)
    assert held_alerts().filter(pk=handed.pk).exists()
    later = timezone.now() + timedelta(days=GRACE + 1)
    assert not held_alerts(later).filter(pk=handed.pk).exists()


def test_a_trip_follows_its_released_alert(supervisor) -> None:
    walk = ended_trip(DAYS + 5, status=TripStatus.ARRIVED)
    held = crime(trip=walk)
    run_retention()
    assert trail(walk) == 4
    do_release_hold(held.pk, supervisor, REASON)
    with time_machine.travel(timezone.now() + timedelta(days=GRACE + 1)):
        assert run_retention().trips_reduced == 1
    assert trail(walk) == 0


def test_release_and_restore_are_on_the_timeline_and_in_the_access_log(supervisor) -> None:
    held = crime()
    do_release_hold(held.pk, supervisor, f"  {REASON}\n ")
    held.refresh_from_db()
    assert held.hold_released_by == supervisor and held.hold_release_reason == REASON  # spaces folded
    do_restore_hold(held.pk, supervisor)
    held.refresh_from_db()
    assert held.hold_released_at is None and held.hold_release_reason == ""
    events = list(AlertEvent.objects.filter(alert=held).values_list("kind", "actor", "data"))
    assert events == [("hold_released", supervisor.pk, {"reason": REASON}),
                      ("hold_restored", supervisor.pk, {})]
    records = list(AccessRecord.objects.filter(action=AccessAction.RETENTION_HOLD).order_by("id")
                   .values_list("account", "subject_citizen_id", "target", "detail"))
    target = f"alerts.alert:{held.pk}"
    assert records == [(supervisor.pk, held.citizen_id, target, {"released": True}),
                       (supervisor.pk, held.citizen_id, target, {"released": False})]
    # Restored: held again, the next run keeps it whole even past the grace period.
    with time_machine.travel(timezone.now() + timedelta(days=GRACE + 1)):
        assert run_retention().alerts_held == 1
    assert trail(held) == 3


@pytest.mark.parametrize(("make", "reason", "code"), [
    (lambda: crime(status=AlertStatus.CLAIMED), REASON, "open"),
    (lambda: ended_alert(DAYS + 5), REASON, "not_held"),
    (crime, "짧음", "reason"),
    (crime, "가" * 501, "reason"),
], ids=["open", "not held", "short reason", "long reason"])
def test_nothing_to_release_is_refused_and_stores_nothing(supervisor, make, reason, code) -> None:
    target = make()
    with pytest.raises(HoldError) as refused:
        do_release_hold(target.pk, supervisor, reason)
    assert refused.value.code == code
    target.refresh_from_db()
    assert target.hold_released_at is None
    assert not AlertEvent.objects.exists() and not AccessRecord.objects.exists()


def test_a_release_is_made_once_and_undone_only_before_it_takes_effect(supervisor) -> None:
    held = crime()
    do_release_hold(held.pk, supervisor, REASON)
    with pytest.raises(HoldError) as refused:
        do_release_hold(held.pk, supervisor, REASON)
    assert refused.value.code == "released"
    with time_machine.travel(timezone.now() + timedelta(days=GRACE + 1)), pytest.raises(HoldError) as refused:
        do_restore_hold(held.pk, supervisor)
    assert refused.value.code == "in_effect"
    with pytest.raises(HoldError) as refused:
        do_restore_hold(crime().pk, supervisor)
    assert refused.value.code == "not_released"


# The admin page (alerts/admin_holds.py).

def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def hold_url(target: Alert) -> str:
    return f"/admin/alerts/alert/{target.pk}/hold/"


def test_a_supervisor_releases_and_restores_in_the_admin(supervisor) -> None:
    held, client = crime(), admin_client(supervisor)
    page = client.get(hold_url(held))
    assert page.status_code == 200 and "범죄 또는 화재·재난으로 종결" in page.content.decode()
    assert 'id="retention-hold-link"' in client.get(f"/admin/alerts/alert/{held.pk}/change/").content.decode()
    response = client.post(hold_url(held), {"release": "1", "reason": REASON})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.hold_release_reason == REASON
    page = client.get(hold_url(held)).content.decode()
    assert REASON in page and 'name="restore"' in page
    assert client.post(hold_url(held), {"restore": "1"}).status_code == 302
    held.refresh_from_db()
    assert held.hold_released_at is None
    record = AccessRecord.objects.filter(action=AccessAction.RETENTION_HOLD).first()
    assert record.ip == "127.0.0.1"  # recorded through the request


def test_a_bad_release_in_the_admin_is_400_and_stores_nothing(supervisor) -> None:
    held, client = crime(), admin_client(supervisor)
    response = client.post(hold_url(held), {"release": "1", "reason": "짧"})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    open_one = crime(status=AlertStatus.CLAIMED)
    response = client.post(hold_url(open_one), {"release": "1", "reason": REASON})
    assert response.status_code == 400 and 'id="hold-error"' in response.content.decode()
    assert not Alert.objects.filter(hold_released_at__isnull=False).exists()
    assert not AccessRecord.objects.filter(action=AccessAction.RETENTION_HOLD).exists()
    assert client.get("/admin/alerts/alert/999999/hold/").status_code == 404


def test_only_supervisors_release(supervisor) -> None:
    held = crime()
    for role in (Role.CAMERA_ADMIN, Role.SYSTEM_ADMIN):
        other = admin_staff(f"x-{role}", role)
        assert admin_client(other).post(hold_url(held), {"release": "1", "reason": REASON}).status_code == 403
    held.refresh_from_db()
    assert held.hold_released_at is None


def test_the_held_filter_and_the_retention_runs_page(supervisor) -> None:
    held, released, plain = crime(), crime(), ended_alert(DAYS + 5)
    do_release_hold(released.pk, supervisor, REASON)
    client = admin_client(supervisor)
    for value, expected in (("held", held), ("released", released), ("none", plain)):
        listed = client.get("/admin/alerts/alert/", {"hold": value}).context["cl"].result_list
        assert [a.pk for a in listed] == [expected.pk], value
    run_retention()
    page = client.get("/admin/alerts/retentionrun/")
    assert page.status_code == 200 and len(page.context["cl"].result_list) == 1
