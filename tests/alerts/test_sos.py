"""POST /api/v1/alerts/: an SOS is stored once, routed, and never refused for its location."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.api.common import SosThrottle
from alerts.models import Alert, AlertEvent, AlertLocation, Disclosure, Trip
from guardians.models import Guardian
from sms.models import SmsMessage
from sms.transports import LocmemTransport
from tests.factories import make_staff
from tests.fixtures.alerts import loc, sos_body
from tests.fixtures.centers import BORDER_HWASEONG, INSIDE_ANSAN, INSIDE_HWASEONG, SEA_WEST, point
from tests.fixtures.citizens import make_app_user

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db]
URL = "/api/v1/alerts/"


def sos(client: APIClient, location: object = None, **fields: object):
    if "client_id" in fields:
        fields["client_id"] = str(fields["client_id"])
    return client.post(URL, sos_body(location, "shake", **fields), format="json")


def test_sos_with_a_fix_goes_to_the_center_containing_it(app, centers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sos(app.client, loc(INSIDE_HWASEONG, accuracy=8, source="gnss"))
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "status", "center", "created_at"}
    assert body["status"] == "received"
    assert body["center"] == {"code": "41590", "name": "화성시"}
    assert body["created_at"].endswith("+09:00")
    alert = Alert.objects.get(pk=body["id"])
    assert (alert.kind, alert.trigger, alert.out_of_area) == ("sos", "shake", False)
    assert alert.location.equals_exact(point(INSIDE_HWASEONG), 1e-9) and alert.accuracy == 8
    assert list(alert.border_centers.all()) == []
    assert AlertLocation.objects.filter(alert=alert).count() == 1
    created = AlertEvent.objects.get(alert=alert)
    assert created.kind == "created" and created.data["routed_by"] == "fix"
    app.citizen.refresh_from_db()
    assert app.citizen.last_location.equals_exact(point(INSIDE_HWASEONG), 1e-9)
    # The guardian: one Korean SMS with the name, the Seoul time, a tracking link and the center phone.
    [sms] = LocmemTransport.outbox
    seoul = timezone.localtime(alert.created_at).strftime("%H:%M")
    assert "김화성" in sms["body"] and seoul in sms["body"] and "031-369-1234" in sms["body"]
    assert "/t/" in sms["body"] and "긴급" in sms["body"]
    assert Disclosure.objects.filter(citizen=app.citizen, alert=alert, purpose="sos").count() == 1


def test_the_same_client_id_again_returns_the_first_alert_with_200(app, centers):
    client_id = uuid.uuid4()
    first = sos(app.client, loc(INSIDE_HWASEONG), client_id=client_id)
    again = sos(app.client, loc(INSIDE_HWASEONG), client_id=client_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Alert.objects.count() == 1
    assert SmsMessage.objects.filter(purpose="sos").count() == 1  # guardians told once


def test_client_ids_are_per_user(app, other, centers):
    client_id = uuid.uuid4()
    assert sos(app.client, loc(INSIDE_HWASEONG), client_id=client_id).status_code == 201
    assert sos(other.client, loc(INSIDE_HWASEONG), client_id=client_id).status_code == 201
    assert Alert.objects.count() == 2


def test_a_retry_with_a_fix_fills_in_an_alert_that_had_none(app, centers):
    client_id = uuid.uuid4()
    first = sos(app.client, None, client_id=client_id)
    # No fix, no last location, no home center: the host center (화성시) watches it meanwhile.
    assert first.json()["center"]["code"] == "41590"
    again = sos(app.client, loc(INSIDE_ANSAN), client_id=client_id)
    assert again.status_code == 200
    assert again.json()["center"]["code"] == "41270"
    assert Alert.objects.get().location is not None


def test_without_a_fix_the_last_known_location_routes_it(app, centers):
    app.citizen.last_location = point(INSIDE_ANSAN)
    app.citizen.last_location_at = timezone.now() - timedelta(hours=1)
    app.citizen.home_center = centers["hwaseong"]
    app.citizen.save()
    response = sos(app.client, None)
    assert response.status_code == 201
    assert response.json()["center"]["code"] == "41270"
    alert = Alert.objects.get()
    assert alert.location is None  # the alert has no fix of its own
    assert alert.events.get().data["routed_by"] == "last_location"


def test_without_any_location_the_home_center_takes_it(app, centers):
    app.citizen.home_center = centers["ansan"]
    app.citizen.save()
    response = sos(app.client)
    assert response.status_code == 201
    assert response.json()["center"] == {"code": "41270", "name": "안산시"}


def test_with_no_location_and_no_home_center_the_host_center_takes_it(app, centers, settings):
    settings.HOST_CENTER_CODE = "41270"  # the setting names the host, not a hard-coded city
    response = sos(app.client, None)
    assert response.status_code == 201
    assert response.json()["center"] == {"code": "41270", "name": "안산시"}
    alert = Alert.objects.get()
    assert alert.center == centers["ansan"] and alert.location is None and not alert.out_of_area
    assert alert.events.get().data["routed_by"] == "host_center"


def test_without_the_named_host_center_the_first_linked_center_takes_it(app, centers, settings):
    settings.HOST_CENTER_CODE = "99999"  # misconfigured or not loaded: still someone watches it
    response = sos(app.client, None)
    assert response.json()["center"]["code"] == "41270"


def test_with_nothing_at_all_it_is_still_accepted_with_no_center(app, db):
    response = sos(app.client)  # not even a center in the database
    assert response.status_code == 201
    assert response.json()["center"] is None
    assert Alert.objects.get().center is None


def test_out_of_area_goes_to_the_nearest_center_flagged(app, centers):
    response = sos(app.client, loc(SEA_WEST))
    assert response.status_code == 201
    assert response.json()["center"]["code"] == "41590"
    alert = Alert.objects.get()
    assert alert.out_of_area
    assert alert.events.get().data["distance_outside_m"] == pytest.approx(26_600, rel=0.02)


def test_in_the_border_band_the_neighbour_sees_it_too(app, centers):
    response = sos(app.client, loc(BORDER_HWASEONG))
    assert response.json()["center"]["code"] == "41590"
    alert = Alert.objects.get()
    assert [c.code for c in alert.border_centers.all()] == ["41270"]
    assert not alert.out_of_area


def test_a_stale_fix_is_kept_with_its_age(app, centers):
    recorded = timezone.now() - timedelta(minutes=7)
    response = sos(app.client, loc(INSIDE_HWASEONG, recorded_at=recorded.isoformat()))
    assert response.status_code == 201
    alert = Alert.objects.get()
    assert alert.location_recorded_at == recorded
    data = alert.events.get().data
    assert data["location_stale"] is True and 415 <= data["location_age_s"] <= 430


@pytest.mark.parametrize("bad", [
    {"latitude": "NaN", "longitude": 126.87},
    {"latitude": 91, "longitude": 126.87},
    {"latitude": 37.17},
    "somewhere",
])
def test_a_malformed_location_does_not_cost_the_sos(app, centers, bad):
    app.citizen.home_center = centers["hwaseong"]
    app.citizen.save()
    response = sos(app.client, bad)
    assert response.status_code == 201
    assert response.json()["center"]["code"] == "41590"
    alert = Alert.objects.get()
    assert alert.location is None and "rejected_location" in alert.events.get().data


@pytest.mark.parametrize("recorded_at", ["1970-01-01T00:00:00Z", "2999-01-01T00:00:00+09:00"])
def test_a_wrong_phone_clock_keeps_the_point_timed_on_receipt(app, centers, recorded_at):
    before = timezone.now()
    response = sos(app.client, loc(INSIDE_HWASEONG, recorded_at=recorded_at))
    assert response.status_code == 201
    alert = Alert.objects.get()
    assert (alert.location.y, alert.location.x) == INSIDE_HWASEONG
    assert alert.location_recorded_at >= before
    assert "recorded_at" in alert.events.get().data["rejected_location_time"]


@pytest.mark.parametrize("body, field", [
    ({"trigger": "shake"}, "client_id"),
    ({"client_id": "not-a-uuid"}, "client_id"),
    ({"client_id": str(uuid.uuid4()), "trigger": "timer"}, "trigger"),
])
def test_bad_request_fields_are_400_naming_the_field(app, centers, body, field):
    response = app.client.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Alert.objects.exists()


def test_someone_elses_trip_id_is_ignored_not_refused(app, other, centers):
    theirs = Trip.objects.create(citizen=other.citizen, destination=point(INSIDE_HWASEONG),
                                 expected_arrival=timezone.now() + timedelta(hours=1))
    response = sos(app.client, loc(INSIDE_HWASEONG), trip=theirs.pk)
    assert response.status_code == 201
    assert Alert.objects.get().trip is None


def test_own_trip_is_linked(app, centers):
    mine = Trip.objects.create(citizen=app.citizen, destination=point(INSIDE_HWASEONG),
                               expected_arrival=timezone.now() + timedelta(hours=1))
    sos(app.client, loc(INSIDE_HWASEONG), trip=mine.pk)
    assert Alert.objects.get().trip == mine


def test_anonymous_and_staff_are_refused(client, centers):
    assert APIClient().post(URL, {"client_id": str(uuid.uuid4())}, format="json").status_code == 401
    client.force_login(make_staff("op", center=centers["hwaseong"]))
    session = client.post(URL, {"client_id": str(uuid.uuid4())}, content_type="application/json")
    assert session.status_code == 401  # a console session is no app token
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert bad.post(URL, {"client_id": str(uuid.uuid4())}, format="json").status_code == 401
    assert not Alert.objects.exists()


def test_the_sos_throttle_never_goes_below_30_per_minute(settings):
    assert SosThrottle().get_rate() == (120, 60)  # the configured "sos" scope
    for rate, expected in [("5/minute", (30, 60)), ("1/second", (1, 1)), ("120/minute", (120, 60))]:
        rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "sos": rate}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
        assert SosThrottle().get_rate() == expected


@pytest.mark.django_db(transaction=True)
def test_an_sos_makes_few_round_trips_and_the_publish_does_not_read_it_again(centers, caplog):
    """The SOS request is what stands between a shake and the operator's alarm (docs/benchmarks.md):
    token, retry check, routing (without the cities' boundaries), the alert and its timeline,
    trail, citizen, guardians' SMS and disclosures, in one transaction; after commit the live alarm
    is built from what the request already knows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_app_user()
    for n in range(2):  # three guardians: their SMS and disclosures are one INSERT each, not three
        Guardian.objects.create(citizen=user.citizen, name=f"보호자{n}", phone=f"0108888000{n}",
                                decline_token=f"decline-round-trips-{n}")
    with CaptureQueriesContext(connection) as queries:
        response = sos(user.client, loc(INSIDE_HWASEONG))
    assert response.status_code == 201
    statements = [q["sql"] for q in queries.captured_queries]
    commit = statements.index("COMMIT")
    before, after = statements[:commit], statements[commit + 1:]
    # 16 on a fresh process (the token's first use is written, GeoDjango looks up the SRID once);
    # 14 once warm, whatever the number of guardians.
    assert len(before) <= 16, [sql[:60] for sql in before]
    assert not any(sql.startswith('SELECT "alerts_alert"') for sql in before)  # no read before the INSERT
    routing = [sql for sql in before if '"operators_center"' in sql]
    boundary_column = re.compile(r'(SELECT |, )"operators_center"\."boundary"(,| FROM)')
    assert routing and not any(boundary_column.search(sql) for sql in routing), routing
    # After commit: the guardian's SMS task runs eagerly in tests; nothing reads the alert again.
    assert not any('FROM "alerts_alert"' in sql for sql in after), after
    assert "could not publish" not in caplog.text
    assert SmsMessage.objects.filter(purpose="sos").count() == 3


def test_the_first_position_makes_the_city_the_citizens_home_center(app, centers, settings):
    settings.HOST_CENTER_CODE = "41590"
    app.citizen.home_center = centers["hwaseong"]  # the host center, given at sign-up
    app.citizen.save()
    assert sos(app.client, loc(INSIDE_ANSAN)).status_code == 201
    app.citizen.refresh_from_db()
    assert app.citizen.home_center == centers["ansan"]
    app.citizen.last_location = None  # only the first known position counts: later ones never move it
    assert sos(app.client, loc(INSIDE_HWASEONG)).status_code == 201
    app.citizen.refresh_from_db()
    assert app.citizen.home_center == centers["ansan"]


def test_a_home_center_chosen_by_staff_or_an_out_of_area_first_fix_changes_nothing(app, other, centers,
                                                                                      settings):
    settings.HOST_CENTER_CODE = "41590"
    app.citizen.home_center = centers["ansan"]  # not the host: someone chose it
    app.citizen.save()
    sos(app.client, loc(INSIDE_HWASEONG))
    other.citizen.home_center = centers["hwaseong"]
    other.citizen.save()
    sos(other.client, loc(SEA_WEST))
    app.citizen.refresh_from_db()
    other.citizen.refresh_from_db()
    assert (app.citizen.home_center, other.citizen.home_center) == (centers["ansan"], centers["hwaseong"])
