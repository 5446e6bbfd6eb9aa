from __future__ import annotations

import pytest

from cameras import api
from tests.factories import make_camera, make_staff

pytestmark = pytest.mark.django_db

URL = "/api/v1/cameras/"


@pytest.fixture
def operator_client(client):
    client.force_login(make_staff("op"))
    return client


def test_bbox_returns_only_cameras_inside_as_geojson(operator_client) -> None:
    inside = make_camera(126.83, 37.20, road_address="경기도 화성시 남양읍 시청로 159", bearing=90)
    make_camera(126.95, 37.20)
    response = operator_client.get(URL, {"bbox": "126.80,37.18,126.86,37.22"})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["truncated"] is False
    assert [f["id"] for f in body["features"]] == [inside.id]
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [126.83, 37.2]}
    assert feature["properties"]["address"] == "경기도 화성시 남양읍 시청로 159"
    assert feature["properties"]["bearing"] == 90


def test_bbox_is_truncated_past_the_cap(operator_client, monkeypatch) -> None:
    monkeypatch.setattr(api, "BBOX_MAX_FEATURES", 2)
    ids = [make_camera(126.83 + i * 0.001, 37.2).id for i in range(3)]
    body = operator_client.get(URL, {"bbox": "126.8,37.1,126.9,37.3"}).json()
    assert body["truncated"] is True
    assert [f["id"] for f in body["features"]] == ids[:2]


BAD_BBOXES = ["", "1,2,3", "a,b,c,d", "127,37,126,38", "126,37,127,nan", "126,-95,127,38"]


@pytest.mark.parametrize("bbox", BAD_BBOXES)
def test_bad_bbox_is_a_400(operator_client, bbox: str) -> None:
    response = operator_client.get(URL, {"bbox": bbox})
    assert response.status_code == 400
    assert "bbox" in response.json()


def test_anonymous_is_refused(client) -> None:
    assert client.get(URL, {"bbox": "126,37,127,38"}).status_code == 401
