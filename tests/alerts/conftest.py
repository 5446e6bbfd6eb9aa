"""Shared fixtures for the trip and SOS API tests: synthetic centers, an app user with a token."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.gis.geos import Point
from rest_framework.test import APIClient

from guardians.auth import issue_token
from guardians.models import Citizen, Guardian
from operators.models import Center
from sms.transports import LocmemTransport
from tests.factories import make_center

# Synthetic jurisdictions sharing a border at latitude 37.25 (BORDER_BAND_METERS = 500).
HWASEONG_BBOX = (126.80, 37.10, 126.95, 37.25)
ANSAN_BBOX = (126.80, 37.25, 126.95, 37.35)
INSIDE_HWASEONG = (37.17, 126.87)  # lat, lon
INSIDE_ANSAN = (37.30, 126.87)
BORDER_HWASEONG = (37.248, 126.87)  # in 화성, ~220 m from 안산
SEA_WEST = (37.15, 126.50)  # the sea west of 화성: no city at all


@dataclass
class AppUser:
    client: APIClient
    citizen: Citizen
    token: str


@pytest.fixture(autouse=True)
def _clear_sms_outbox():
    LocmemTransport.outbox.clear()
    yield
    LocmemTransport.outbox.clear()


@pytest.fixture
def centers(db) -> dict[str, Center]:
    hwaseong = make_center("41590", HWASEONG_BBOX, name="화성시")
    hwaseong.phone = "031-369-1234"
    hwaseong.save()
    return {"hwaseong": hwaseong, "ansan": make_center("41270", ANSAN_BBOX, name="안산시")}


_phones = iter(range(10_000_000, 99_999_999))


def make_app_user(name: str = "김화성", *, guardian: bool = True) -> AppUser:
    citizen = Citizen.objects.create(phone=f"010{next(_phones)}", name=name)
    if guardian:
        Guardian.objects.create(citizen=citizen, name="보호자", phone=f"010{next(_phones)}",
                                relation="부모", decline_token=f"decline-{citizen.pk}")
    token = issue_token(citizen)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return AppUser(client=client, citizen=citizen, token=token)


@pytest.fixture
def app(db) -> AppUser:
    return make_app_user()


@pytest.fixture
def other(db) -> AppUser:
    return make_app_user("이타인")


def loc(latlon: tuple[float, float], **extra: object) -> dict:
    return {"latitude": latlon[0], "longitude": latlon[1], **extra}


def point(latlon: tuple[float, float]) -> Point:
    return Point(latlon[1], latlon[0], srid=4326)
