"""Admin changes of citizens, guardians and cameras, camera export/import, and the log's own admin."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse

from cameras.models import Camera, Status
from citizens.models import Citizen
from guardians.models import Guardian
from operators.audit import record_access
from operators.models import AccessAction, AccessRecord, Role, User
from tests.factories import make_camera
from tests.fixtures.cameras import camera_form_data, csv_upload
from tests.fixtures.citizens import make_app_user

pytestmark = pytest.mark.django_db

LOG = reverse("admin:operators_accessrecord_changelist")


def change_data(client: Client, url: str, **changes: object) -> dict:
    """What the change form would post back unchanged, with ``changes``."""
    context = client.get(url).context
    form = context["adminform"].form
    data = {form.add_prefix(n): form[n].value() for n in form.fields if form[n].value() is not None}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for part in [formset.management_form, *formset.forms]:
            data |= {part.add_prefix(n): part[n].value() for n in part.fields if part[n].value() is not None}
    return data | changes


def one(action: str) -> AccessRecord:
    found = list(AccessRecord.objects.filter(action=action))
    assert len(found) == 1, found
    return found[0]


def test_citizen_change_and_delete_are_recorded(admin_client: Client, admin_user: User) -> None:
    citizen = make_app_user("김화성").citizen
    url = reverse("admin:citizens_citizen_change", args=[citizen.pk])
    data = change_data(admin_client, url, is_active=False)
    response = admin_client.post(url, data, REMOTE_ADDR="192.0.2.5")
    assert response.status_code == 302
    record = one(AccessAction.ADMIN_CHANGE)
    assert (record.account, record.ip, record.subject_citizen_id) == (admin_user, "192.0.2.5", citizen.pk)
    assert record.target == f"citizens.citizen:{citizen.pk}" and record.detail["fields"]
    delete = reverse("admin:citizens_citizen_delete", args=[citizen.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Citizen.objects.filter(pk=citizen.pk).exists()
    assert one(AccessAction.ADMIN_DELETE).subject_citizen_id == citizen.pk  # the record outlives them


def test_guardian_change_and_revoke_name_the_citizen(admin_client: Client, admin_user: User) -> None:
    guardian = Guardian.objects.get(citizen=make_app_user().citizen)
    url = reverse("admin:guardians_guardian_change", args=[guardian.pk])
    assert admin_client.post(url, change_data(admin_client, url, relation="형제")).status_code == 302
    assert one(AccessAction.ADMIN_CHANGE).subject_citizen_id == guardian.citizen_id
    changelist = reverse("admin:guardians_guardian_changelist")
    admin_client.post(changelist, {"action": "revoke_tracking_links", "_selected_action": [guardian.pk]})
    revoked = AccessRecord.objects.filter(action=AccessAction.ADMIN_CHANGE).order_by("id").last()
    assert revoked.subject_citizen_id == guardian.citizen_id
    assert revoked.detail == {"fields": ["tracking_revoked_at"]}
    # Names and phones stay out of the log.
    assert guardian.name not in str(list(AccessRecord.objects.values_list("detail", "target")))


def test_camera_add_change_bulk_and_delete_are_recorded(admin_client: Client, admin_user: User) -> None:
    add = reverse("admin:cameras_camera_add")
    data = camera_form_data(Camera(agency="경기도 화성시", management_number="HS-NEW", status=Status.ACTIVE))
    assert admin_client.post(add, data).status_code == 302
    camera = Camera.objects.get(management_number="HS-NEW")
    record = one(AccessAction.ADMIN_ADD)
    assert (record.account, record.subject_citizen_id, record.target) == (
        admin_user, None, f"cameras.camera:{camera.pk}")
    change = reverse("admin:cameras_camera_change", args=[camera.pk])
    data = camera_form_data(camera, road_address="경기도 화성시 송산면")
    assert admin_client.post(change, data).status_code == 302
    assert one(AccessAction.ADMIN_CHANGE).target == f"cameras.camera:{camera.pk}"
    changelist = reverse("admin:cameras_camera_changelist")
    admin_client.post(changelist, {"action": "mark_offline", "_selected_action": [camera.pk]})
    bulk = AccessRecord.objects.filter(action=AccessAction.ADMIN_CHANGE).order_by("id").last()
    assert bulk.detail == {"ids": [camera.pk], "status": "offline"}
    assert admin_client.post(reverse("admin:cameras_camera_delete", args=[camera.pk]), {"post": "yes"}
                             ).status_code == 302
    assert one(AccessAction.ADMIN_DELETE).target == f"cameras.camera:{camera.pk}"


@pytest.mark.parametrize("action", ["export_standard_csv", "export_standard_csv_cp949"])
def test_camera_export_is_recorded(admin_client: Client, admin_user: User, action: str) -> None:
    chosen = [make_camera(126.83, 37.2), make_camera(126.84, 37.2)]
    response = admin_client.post(reverse("admin:cameras_camera_changelist"),
                                 {"action": action, "_selected_action": [c.pk for c in chosen]},
                                 REMOTE_ADDR="192.0.2.9")
    assert response["Content-Type"].startswith("text/csv")
    record = one(AccessAction.CAMERA_EXPORT)
    assert (record.account, record.ip) == (admin_user, "192.0.2.9")
    assert record.detail["ids"] == sorted(c.pk for c in chosen)


def test_camera_import_is_recorded_with_counts(admin_client: Client, admin_user: User) -> None:
    url = reverse("admin:cameras_camera_import")
    assert admin_client.post(url, {"file": csv_upload(), "dry_run": "on"}).status_code == 200
    assert admin_client.post(url, {"file": csv_upload()}).status_code == 200
    dry, real = AccessRecord.objects.filter(action=AccessAction.CAMERA_IMPORT).order_by("id")
    assert (dry.account, dry.detail["dry_run"], dry.detail["created"]) == (admin_user, True, 3)
    assert (real.detail["dry_run"], real.detail["created"], real.detail["skipped"]) == (False, 3, 1)


def staff_member(username: str, role: str) -> Client:
    user = User.objects.create_user(username, password="pw-for-tests-only", role=role, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_accessrecord"))
    client = Client()
    client.force_login(user)
    return client


def test_nobody_may_add_change_or_delete_records(admin_client: Client, admin_user: User) -> None:
    record = record_access(admin_user, AccessAction.ALERT_VIEW, subject_citizen_id=7, target="alert:1")
    assert admin_client.get(reverse("admin:operators_accessrecord_add")).status_code == 403
    change = reverse("admin:operators_accessrecord_change", args=[record.pk])
    page = admin_client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # view only
    assert admin_client.post(change, {"target": "forged"}).status_code == 403
    delete = reverse("admin:operators_accessrecord_delete", args=[record.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    actions = admin_client.get(LOG).context["action_form"].fields["action"].choices
    assert [name for name, _label in actions if name] == ["export_csv"]  # no delete_selected
    assert AccessRecord.objects.get(pk=record.pk).target == "alert:1"


def test_the_list_filters_and_searches_by_subject(admin_client: Client, admin_user: User) -> None:
    for subject in (7, 8):
        record_access(admin_user, AccessAction.ALERT_VIEW, subject_citizen_id=subject, target="alert:1")
    assert [r.subject_citizen_id for r in admin_client.get(LOG, {"q": "7"}).context["cl"].result_list] == [7]
    assert admin_client.get(LOG, {"q": "not a number"}).status_code == 200
    params = {"action__exact": AccessAction.ALERT_VIEW, "account__id__exact": admin_user.pk}
    filtered = admin_client.get(LOG, params)
    assert len(filtered.context["cl"].result_list) == 2


def test_supervisors_export_and_the_export_is_recorded(admin_user: User) -> None:
    viewed = record_access(admin_user, AccessAction.ALERT_VIEW, subject_citizen_id=7, target="alert:1")
    formula = "=cmd|' /C calc'!A0"
    record_access(admin_user, AccessAction.CAMERA_OPENED, subject_citizen_id=None, target=formula)
    client = staff_member("supervisor", Role.SUPERVISOR)
    ids = list(AccessRecord.objects.values_list("pk", flat=True))
    response = client.post(LOG, {"action": "export_csv", "_selected_action": ids}, REMOTE_ADDR="192.0.2.77")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert f"{viewed.pk}," in text and "alert_view" in text
    assert "'=cmd" in text  # a spreadsheet shows it as text, never runs it
    export = one(AccessAction.AUDIT_EXPORT)
    assert (export.username, export.ip, export.detail["count"]) == ("supervisor", "192.0.2.77", 2)


def test_operators_get_no_export(admin_user: User) -> None:
    record_access(admin_user, AccessAction.ALERT_VIEW, subject_citizen_id=7, target="alert:1")
    client = staff_member("viewer", Role.OPERATOR)
    page = client.get(LOG)
    assert page.status_code == 200 and "export_csv" not in page.content.decode()
    response = client.post(LOG, {"action": "export_csv", "_selected_action": [AccessRecord.objects.get().pk]})
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert not AccessRecord.objects.filter(action=AccessAction.AUDIT_EXPORT).exists()


def test_the_list_searches_by_ip_and_target(admin_client: Client, admin_user: User) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.9")
    request.user = admin_user
    record_access(request, AccessAction.ALERT_VIEW, subject_citizen_id=1, target="alert:31")
    record_access(admin_user, AccessAction.ALERT_VIEW, subject_citizen_id=2, target="alert:32")
    by_ip = admin_client.get(LOG, {"q": "198.51.100.9"}).context["cl"].result_list
    by_target = admin_client.get(LOG, {"q": "alert:32"}).context["cl"].result_list
    assert [r.target for r in by_ip] == ["alert:31"] and [r.target for r in by_target] == ["alert:32"]


def test_supervisors_open_the_monthly_review_and_it_is_recorded(admin_user: User) -> None:
    night = datetime(2026, 10, 14, 23, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    AccessRecord.objects.bulk_create(
        AccessRecord(username="night-owl", at=night + timedelta(minutes=i), action=AccessAction.ALERT_VIEW,
                     target=f"alert:{i}", subject_citizen_id=i) for i in range(20))
    client = staff_member("supervisor", Role.SUPERVISOR)
    page = client.get(reverse("admin:operators_accessrecord_review_month", args=[2026, 10]))
    assert page.status_code == 200
    assert [(f.rule, f.username) for f in page.context["findings"]] == [("night_bulk", "night-owl")]
    assert "night-owl" in page.content.decode()
    assert one(AccessAction.AUDIT_REVIEW).detail == {"month": "2026-10", "findings": 1}
    assert client.get(reverse("admin:operators_accessrecord_review")).status_code == 200  # last month


def test_operators_may_not_open_the_review() -> None:
    client = staff_member("viewer", Role.OPERATOR)
    url = reverse("admin:operators_accessrecord_review_month", args=[2026, 10])
    assert client.get(url).status_code == 403
    assert not AccessRecord.objects.filter(action=AccessAction.AUDIT_REVIEW).exists()
