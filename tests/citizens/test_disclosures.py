from __future__ import annotations

import pytest

from alerts.models import Disclosure
from tests.factories import make_alert, make_trip
from tests.fixtures.citizens import client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/app/disclosures"


def _disclose(citizen, **fields) -> Disclosure:
    fields.setdefault("recipient_kind", "guardian")
    fields.setdefault("recipient", "엄마 010-****-3333")
    fields.setdefault("purpose", "sos")
    return Disclosure.objects.create(citizen=citizen, **fields)


def test_requires_token(api) -> None:
    assert api.get(URL).status_code == 401


def test_lists_own_disclosures_newest_first(app_client, citizen, make_citizen) -> None:
    trip, alert = make_trip(citizen), make_alert(citizen)
    first = _disclose(citizen, trip=trip, purpose="trip_started")
    second = _disclose(citizen, alert=alert, recipient_kind="police", recipient="112")
    _disclose(make_citizen(phone="01099998888", name="남남"))
    body = app_client.get(URL).json()
    assert body["count"] == 2
    rows = body["results"]
    assert [r["id"] for r in rows] == [second.id, first.id]
    assert rows[0] == {
        "id": second.id, "recipient_kind": "police", "recipient": "112", "purpose": "sos",
        "alert": alert.id, "trip": None, "created_at": rows[0]["created_at"],
    }
    assert rows[1]["trip"] == trip.id and rows[1]["alert"] is None
    assert rows[0]["created_at"].endswith("+09:00")


def test_other_user_sees_none_of_mine(citizen, make_citizen) -> None:
    _disclose(citizen)
    other = client_for(make_citizen(phone="01099998888", name="남남"))
    assert other.get(URL).json()["results"] == []


def test_is_paginated(app_client, citizen) -> None:
    for _ in range(60):
        _disclose(citizen)
    body = app_client.get(URL).json()
    assert body["count"] == 60 and len(body["results"]) == 50 and body["next"]
    assert len(app_client.get(URL, {"limit": 500}).json()["results"]) == 60  # capped at 200
