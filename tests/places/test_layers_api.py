"""The console's context layers: staff only, by bounding box, simplified, cacheable."""

from __future__ import annotations

from itertools import count

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from rest_framework.test import APIClient

from citizens.auth import issue_token
from citizens.models import Citizen
from operators.models import Role
from places.models import Facility, FacilityKind
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

AREAS, FACILITIES = "/api/v1/places/areas/", "/api/v1/places/facilities/"
BOX = "126.79,37.09,126.96,37.26"


@pytest.fixture
def facilities(db) -> None:
    for kind, name, lon in ((FacilityKind.POLICE, "남양파출소", 126.82),
                            (FacilityKind.FIRE, "남양119안전센터", 126.83),
                            (FacilityKind.CHILD_ZONE, "남양초등학교", 126.84),
                            (FacilityKind.POLICE, "먼파출소", 127.5)):
        Facility.objects.create(kind=kind, name=name, address="주소", location=Point(lon, 37.2, srid=4326))


_users = count(1)


def staff_client(role: str = Role.OPERATOR) -> Client:
    client = Client()
    client.force_login(make_staff(f"u-{role}-{next(_users)}", role=role))
    return client


def test_areas_in_the_box_with_names_and_label_points(synthetic_areas):
    response = staff_client().get(AREAS, {"bbox": BOX})
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "max-age=600" in response["Cache-Control"]
    [nam] = response.json()["features"]  # 읍면동 by default
    assert nam["properties"]["name"] == "남양읍" and nam["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lon, lat = nam["properties"]["label"]
    assert 126.80 < lon < 126.88 and 37.10 < lat < 37.25
    cities = staff_client("supervisor").get(AREAS, {"bbox": BOX, "level": "sigungu"}).json()["features"]
    assert sorted(f["properties"]["name"] for f in cities) == ["안산시", "화성시"]
    assert staff_client().get(AREAS, {"bbox": "127.5,37.5,127.6,37.6"}).json()["features"] == []


def test_facilities_in_the_box_by_kind(facilities):
    body = staff_client().get(FACILITIES, {"bbox": BOX}).json()
    names = sorted(f["properties"]["name"] for f in body["features"])
    assert names == ["남양119안전센터", "남양초등학교", "남양파출소"]
    assert body["truncated"] is False
    police = staff_client().get(FACILITIES, {"bbox": BOX, "kind": "police,fire"}).json()["features"]
    assert {f["properties"]["kind"] for f in police} == {"police", "fire"}


@pytest.mark.parametrize("query", [{}, {"bbox": "1,2,3"}, {"bbox": "127,37,126,38"},
                                   {"bbox": BOX, "kind": "zoo"}, {"bbox": BOX, "kind": ","}])
def test_bad_queries_are_400(facilities, query):
    response = staff_client().get(FACILITIES, query)
    assert response.status_code == 400


@pytest.mark.parametrize("url", [AREAS, FACILITIES])
def test_only_staff_may_read_the_layers(facilities, url):
    assert Client().get(url, {"bbox": BOX}).status_code in (401, 403)
    citizen = Citizen.objects.create(phone="01012341234", name="앱")
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(citizen)}")
    assert app.get(url, {"bbox": BOX}).status_code in (401, 403)
    no_role = Client()
    no_role.force_login(make_staff("no-role", role=""))
    assert no_role.get(url, {"bbox": BOX}).status_code == 403
    for role in (Role.OPERATOR, Role.SUPERVISOR, Role.POLICE, Role.CAMERA_ADMIN):
        assert staff_client(role).get(url, {"bbox": BOX}).status_code == 200
