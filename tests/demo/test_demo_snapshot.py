"""The demo snapshot: an SVG with the camera's number, address and the Seoul time."""

from __future__ import annotations

from datetime import datetime, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_camera, make_center

pytestmark = [pytest.mark.django_db]

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 25, 8, 0, 5, tzinfo=SEOUL)


def snapshot_url(pk: int) -> str:
    return reverse("demo:camera-snapshot", kwargs={"pk": pk})


@pytest.fixture
def camera():
    center = make_center("41590", (126.8, 37.1, 126.9, 37.3), "화성시")
    return make_camera(126.8313, 37.1995, management_number="HS-0042",
                       road_address="경기도 화성시 남양읍 시청로 159", center=center)


def test_url_shape() -> None:
    assert snapshot_url(7) == "/demo/cameras/7/snapshot.svg"


@time_machine.travel(NOW, tick=False)
def test_draws_number_address_center_and_seoul_time(client, camera) -> None:
    response = client.get(snapshot_url(camera.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"] == "no-store"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    body = response.content.decode()
    root = ElementTree.fromstring(response.content)  # well-formed XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    for text in ("HS-0042", "경기도 화성시 남양읍 시청로 159", "화성시", "2026-11-25 08:00:05 KST"):
        assert text in body


def test_changes_every_second(client, camera) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        first = client.get(snapshot_url(camera.pk)).content.decode()
        traveller.shift(timedelta(seconds=1))
        second = client.get(snapshot_url(camera.pk)).content.decode()
    assert "08:00:05 KST" in first and "08:00:06 KST" in second


@time_machine.travel(datetime(2026, 11, 24, 23, 59, 59, tzinfo=ZoneInfo("UTC")), tick=False)
def test_time_is_seoul_time_whatever_the_server_zone(client, camera) -> None:
    assert "2026-11-25 08:59:59 KST" in client.get(snapshot_url(camera.pk)).content.decode()


def test_text_is_escaped(client) -> None:
    camera = make_camera(126.83, 37.19, management_number="", road_address='<script>alert("x")</script> & 1')
    response = client.get(snapshot_url(camera.pk))
    body = response.content.decode()
    ElementTree.fromstring(response.content)
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert f"#{camera.pk}" in body  # no management number: the id stands in


def test_unknown_camera_is_404(client) -> None:
    assert client.get(snapshot_url(999_999)).status_code == 404


def test_only_get_and_head(client, camera) -> None:
    assert client.head(snapshot_url(camera.pk)).status_code == 200
    assert client.post(snapshot_url(camera.pk)).status_code == 405


def test_not_served_in_production(client, camera, settings) -> None:
    settings.PRODUCTION, settings.DEBUG = True, False
    assert client.get(snapshot_url(camera.pk)).status_code == 404
    settings.DEBUG = True  # a production-mode box debugged on purpose still shows it
    assert client.get(snapshot_url(camera.pk)).status_code == 200
