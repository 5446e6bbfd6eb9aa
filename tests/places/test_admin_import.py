"""Reference places are importable in the admin, by staff who may add and change them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from operators.models import Role, User
from places.models import Facility
from tests.fixtures.places import FIRE

pytestmark = pytest.mark.django_db

URL = "/admin/places/facility/import/"


def upload(name: str = "fire.csv", content: bytes = FIRE.encode("cp949")) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_a_superuser_imports_a_cp949_file_and_sees_the_report(client: Client) -> None:
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "x"))
    assert 'href="/admin/places/facility/import/"' in client.get("/admin/places/facility/").content.decode()
    response = client.post(URL, {"file": upload()})
    assert response.status_code == 200
    assert Facility.objects.filter(name="남양119안전센터").exists()
    assert 'id="import-report"' in response.content.decode()
    assert client.post("/admin/places/adminarea/import/", {"file": upload()}).status_code == 200


@pytest.mark.parametrize("name, content", [("fire.xlsx", b"PK\x03\x04"), ("x.csv", b"a,b\n1,2\n")])
def test_a_wrong_file_is_refused_with_a_message_and_stores_nothing(client: Client, name, content) -> None:
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "x"))
    response = client.post(URL, {"file": upload(name, content)})
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert not Facility.objects.exists()


def test_camera_admins_import_the_map_layers(client: Client) -> None:
    client.force_login(User.objects.create_user("cam", password="x", role=Role.CAMERA_ADMIN, is_staff=True))
    assert client.post(URL, {"file": upload()}).status_code == 200
    assert Facility.objects.filter(name="남양119안전센터").exists()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.SYSTEM_ADMIN])
def test_staff_without_the_permissions_may_not_import(client: Client, role) -> None:
    client.force_login(User.objects.create_user("u", password="x", role=role, is_staff=True))
    assert client.post(URL, {"file": upload()}).status_code == 403
    assert not Facility.objects.exists()
