"""Admin pages that show people's data are in the access log like the console's views (issue 16,
point 4): the change (or view-only) page, the list and its searches, and the history page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.actions.trips import do_start_trip
from alerts.locations import Fix
from alerts.models import Alert, RetentionRun, Trip
from citizens.models import Citizen
from guardians.models import Guardian, TrackingView
from guardians.tracking import tracking_token
from operators.audit import PersonalDataAdminMixin
from operators.models import AccessAction, AccessRecord, Role, User
from sms.models import SmsMessage
from tests.fixtures.alerts import raise_sos
from tests.fixtures.centers import INSIDE_HWASEONG, point

pytestmark = pytest.mark.django_db


@dataclass
class People:
    alert: Alert
    citizen: Citizen
    guardian: Guardian
    trip: Trip
    sms: SmsMessage
    view: TrackingView


@pytest.fixture
def people(centers) -> People:
    alert = raise_sos(INSIDE_HWASEONG, name="김조회")
    citizen = alert.citizen
    guardian = citizen.guardians.get()
    fix = Fix(point(INSIDE_HWASEONG), 10.0, "gnss", timezone.now())
    trip = do_start_trip(citizen, fix, point((37.2, 126.9)), "집", timezone.now() + timedelta(hours=1))
    assert Client().get(f"/t/{tracking_token(guardian, alert=alert)}/").status_code == 200
    sms = SmsMessage.objects.filter(to=guardian.phone).first()
    assert sms is not None  # the SOS texted the guardian
    return People(alert, citizen, guardian, trip, sms, TrackingView.objects.get())


def new_records(since: int, action: str) -> list[AccessRecord]:
    return list(AccessRecord.objects.filter(pk__gt=since, action=action).order_by("id"))


def last_id() -> int:
    return AccessRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0


PAGES: dict[str, Callable[[People], tuple[str, object]]] = {
    # name: (the object, whose data it is)
    "citizen": lambda p: (p.citizen, p.citizen.pk),
    "guardian": lambda p: (p.guardian, p.citizen.pk),
    "alert": lambda p: (p.alert, p.citizen.pk),
    "trip": lambda p: (p.trip, p.citizen.pk),
    "smsmessage": lambda p: (p.sms, p.citizen.pk),
    "trackingview": lambda p: (p.view, p.citizen.pk),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_the_change_page_is_recorded(admin_client: Client, admin_user: User, people: People,
                                     page: str) -> None:
    obj, subject = PAGES[page](people)
    since = last_id()
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    assert admin_client.get(url, REMOTE_ADDR="192.0.2.31").status_code == 200
    [record] = new_records(since, AccessAction.ADMIN_VIEW)
    assert (record.account, record.ip, record.subject_citizen_id) == (admin_user, "192.0.2.31", subject)
    assert record.target == f"{obj._meta.label_lower}:{obj.pk}"


@pytest.mark.parametrize("page", list(PAGES))
def test_the_list_is_recorded_per_person_shown(admin_client: Client, admin_user: User, people: People,
                                               page: str) -> None:
    obj, subject = PAGES[page](people)
    since = last_id()
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    records = new_records(since, AccessAction.ADMIN_LIST)
    assert [r.subject_citizen_id for r in records] == [subject]
    assert records[0].target == obj._meta.label_lower and records[0].detail["search"] is False


def test_a_phone_search_is_recorded_without_the_number(admin_client: Client, people: People) -> None:
    url = reverse("admin:citizens_citizen_changelist")
    since = last_id()
    found = admin_client.get(url, {"q": people.citizen.phone})
    assert [c.pk for c in found.context["cl"].result_list] == [people.citizen.pk]
    [record] = new_records(since, AccessAction.ADMIN_LIST)
    assert record.subject_citizen_id == people.citizen.pk and record.detail["search"] is True
    # A search that finds nobody still says who searched (it tells whether a number is registered).
    since = last_id()
    admin_client.get(url, {"q": "01099998888"})
    [nobody] = new_records(since, AccessAction.ADMIN_LIST)
    assert nobody.subject_citizen_id is None and nobody.detail == {"search": True, "shown": 0, "page": 1}
    numbers = (people.citizen.phone, "01099998888", people.guardian.phone)
    assert not any(n in str(r.detail) + r.target for r in AccessRecord.objects.all() for n in numbers)


def test_a_guardian_search_by_the_citizens_phone_is_recorded(admin_client: Client, people: People) -> None:
    since = last_id()
    admin_client.get(reverse("admin:guardians_guardian_changelist"), {"q": people.citizen.phone})
    assert [r.subject_citizen_id for r in new_records(since, AccessAction.ADMIN_LIST)] == [people.citizen.pk]


def test_the_history_page_is_recorded(admin_client: Client, people: People) -> None:
    since = last_id()
    url = reverse("admin:citizens_citizen_history", args=[people.citizen.pk])
    assert admin_client.get(url).status_code == 200
    [record] = new_records(since, AccessAction.ADMIN_VIEW)
    assert record.subject_citizen_id == people.citizen.pk and record.detail == {"page": "history"}


def test_a_supervisors_views_are_recorded_too(people: People) -> None:
    supervisor = User.objects.create_user("sup-views", password="pw-for-tests-only", role=Role.SUPERVISOR,
                                          is_staff=True)
    client = Client()
    client.force_login(supervisor)
    since = last_id()
    assert client.get(reverse("admin:alerts_alert_change", args=[people.alert.pk])).status_code == 200
    assert client.get(reverse("admin:citizens_citizen_changelist")).status_code == 200
    views = AccessRecord.objects.filter(pk__gt=since, account=supervisor)
    assert {(r.action, r.subject_citizen_id) for r in views} == {
        (AccessAction.ADMIN_VIEW, people.citizen.pk), (AccessAction.ADMIN_LIST, people.citizen.pk)}


def test_admin_views_count_in_the_monthly_review() -> None:
    from operators.audit_review import PERSONAL_VIEWS

    assert {AccessAction.ADMIN_VIEW, AccessAction.ADMIN_LIST} <= set(PERSONAL_VIEWS)


def test_every_admin_of_peoples_data_records_its_views() -> None:
    """A new admin of the citizens, alerts or guardians apps must choose: record views, or be on this list
    of models that hold nobody's data."""
    no_personal_data = {RetentionRun}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in {"citizens", "alerts", "guardians"} and model not in no_personal_data:
            assert isinstance(model_admin, PersonalDataAdminMixin), model
