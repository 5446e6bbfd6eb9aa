from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from cameras.admin_views import import_view
from cameras.models import Camera
from operators.models import User
from tests.fixtures.cameras import csv_upload


def _import(request: HttpRequest) -> HttpResponse:
    # The camera ModelAdmin wires this in its get_urls; here a plain ModelAdmin stands in for it.
    return import_view(ModelAdmin(Camera, admin.site), request)


urlpatterns = [
    path("admin/cameras/camera/import/", _import, name="camera-import"),
    path("admin/", admin.site.urls),
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
URL = "/admin/cameras/camera/import/"


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "x"))
    return client


def test_get_shows_the_form(admin_client: Client) -> None:
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html and 'name="dry_run"' in html
    assert response.context["site_header"]  # the admin's context: it looks like the admin


def test_post_dry_run_reports_and_stores_nothing(admin_client: Client) -> None:
    response = admin_client.post(URL, {"file": csv_upload(), "dry_run": "on"})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.dry_run and (report.total, report.created) == (4, 3)
    assert report.skipped_total == 1
    assert not Camera.objects.exists()
    assert "import-report" in response.content.decode()


def test_post_imports(admin_client: Client) -> None:
    response = admin_client.post(URL, {"file": csv_upload()})
    assert response.status_code == 200
    assert response.context["report"].created == 3
    assert Camera.objects.count() == 3
    again = admin_client.post(URL, {"file": csv_upload()}).context["report"]
    assert (again.unchanged, again.created) == (3, 0)


@override_settings(CAMERA_IMPORT_MAX_BYTES=1024)
def test_rejects_large_files(admin_client: Client) -> None:
    response = admin_client.post(URL, {"file": csv_upload(rows=100)})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert response.context["report"] is None
    assert not Camera.objects.exists()


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("cctv.xlsx", b"PK\x03\x04 zipped sheet", content_type="application/vnd.ms-excel"),
    SimpleUploadedFile("cctv.csv", b"PK\x03\x04 zipped sheet renamed", content_type="text/csv"),
    SimpleUploadedFile("cctv.csv", "관리기관명,주소\n화성시청,어딘가\n".encode(), content_type="text/csv"),
])
def test_rejects_non_csv_and_unusable_files(admin_client: Client, upload: SimpleUploadedFile) -> None:
    response = admin_client.post(URL, {"file": upload})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not Camera.objects.exists()


def test_requires_add_and_change_permission(client: Client) -> None:
    client.force_login(User.objects.create_user("op", password="x", is_staff=True))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": csv_upload()}).status_code == 403
    assert not Camera.objects.exists()
