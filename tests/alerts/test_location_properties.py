"""Property tests of the app's location parsing (alerts/locations.py, alerts/api/serializers.py): any
JSON an app could send is either a valid fix, in range and finite, or a field error; an SOS is
never refused for its location (docs/app-api.md)."""

from __future__ import annotations

import json
import math
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts.api.serializers import ClockFixedLocation, PointSerializer, RejectedLocation, SosCreateSerializer
from alerts.locations import (
    MAX_ACCURACY_M,
    MAX_AGE,
    MAX_FUTURE,
    Fix,
    LocationBatchSerializer,
    LocationSerializer,
)
from alerts.models import Alert, LocationSource
from tests.fixtures.citizens import make_app_user
from tests.fixtures.platform import clear_throttles

FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None)

NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20),
                    st.floats(-200, 200))
JSON_SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=12),
                         st.sampled_from(["37.5", " 126.9 ", "1e400", "NaN", "-inf", "", "0x10", "37,5"]))
JSON = st.recursive(JSON_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                          st.dictionaries(st.text(max_size=5), inner,
                                                                          max_size=3)), max_leaves=6)
SEOUL = st.just(timezone.get_current_timezone())
# Any time at all, and times around now (the accepted window is the last 24 hours to 5 minutes ahead),
# never within 30 s of its edges: time moves on while a test compares two validations.
RECENT = (st.integers(-2 * 86_400, 3_600).filter(lambda s: abs(s + 86_400) > 30 and abs(s - 300) > 30)
          .map(lambda s: (timezone.now() + timedelta(seconds=s)).isoformat()))
TIMES = st.one_of(st.datetimes(timezones=SEOUL).map(lambda t: t.isoformat()), RECENT, st.text(max_size=10),
                  st.none(), NUMBERS)
ODD = st.one_of(NUMBERS, JSON_SCALARS)


@st.composite
def locations(draw: st.DrawFn) -> object:
    """Mostly location-shaped objects with odd values, sometimes any JSON at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON)
    body = {"latitude": draw(ODD), "longitude": draw(ODD)}
    for name, values in (("accuracy", ODD), ("recorded_at", TIMES),
                         ("source", st.one_of(st.sampled_from(LocationSource.values), st.text(max_size=6)))):
        if draw(st.booleans()):
            body[name] = draw(values)
    return body


def _number(value: object) -> float | None:
    """What a JSON number means to the API (None: not a JSON number; strings are checked apart)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _in(value: object, low: float, high: float) -> bool | None:
    number = _number(value)
    if number is None:
        return None
    return math.isfinite(number) and low <= number <= high


@FAST
@given(locations())
def test_a_location_is_a_valid_fix_or_a_field_error(data: object) -> None:
    location = LocationSerializer(data=data)
    if not location.is_valid():
        assert location.errors  # names what is wrong, raises nothing
        if isinstance(data, dict):
            for name, limit in (("latitude", 90), ("longitude", 180)):
                if _in(data.get(name), -limit, limit) is False:
                    assert name in location.errors
        return
    fix = location.validated_data
    assert isinstance(fix, Fix) and fix.point.srid == 4326
    assert math.isfinite(fix.latitude) and -90 <= fix.latitude <= 90
    assert math.isfinite(fix.longitude) and -180 <= fix.longitude <= 180
    assert fix.accuracy is None or (math.isfinite(fix.accuracy) and 0 <= fix.accuracy <= MAX_ACCURACY_M)
    assert fix.source in LocationSource.values
    assert timezone.now() - MAX_AGE - timedelta(seconds=5) <= fix.recorded_at <= timezone.now() + MAX_FUTURE
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        assert _in(data[name], low, high) is not False
        if _number(data[name]) is not None:  # a JSON number is stored exactly as sent
            assert getattr(fix, name) == float(data[name])


@FAST
@given(st.floats(-90, 90), st.floats(-180, 180), st.one_of(st.none(), st.floats(0, MAX_ACCURACY_M)))
def test_every_in_range_fix_is_accepted_as_sent(latitude: float, longitude: float,
                                                accuracy: float | None) -> None:
    location = LocationSerializer(data={"latitude": latitude, "longitude": longitude, "accuracy": accuracy})
    assert location.is_valid(), location.errors
    fix = location.validated_data
    assert (fix.latitude, fix.longitude, fix.accuracy) == (latitude, longitude, accuracy)
    assert LocationSerializer(fix).data["latitude"] == latitude  # and shown back unchanged


@FAST
@given(ODD, ODD)
def test_a_destination_point_is_valid_exactly_when_both_numbers_are(latitude: object,
                                                                     longitude: object) -> None:
    point = PointSerializer(data={"latitude": latitude, "longitude": longitude})
    valid = point.is_valid()
    lat_ok, lon_ok = _in(latitude, -90, 90), _in(longitude, -180, 180)
    if lat_ok is not None and lon_ok is not None:
        assert valid == (lat_ok and lon_ok)
    if valid:
        assert point.validated_data.coords == (float(longitude), float(latitude))


@FAST
@given(st.lists(locations(), min_size=1, max_size=6))
def test_a_batch_names_the_index_of_every_bad_fix(batch: list[object]) -> None:
    serializer = LocationBatchSerializer(data={"locations": batch})
    alone = [LocationSerializer(data=item).is_valid() for item in batch]
    assert serializer.is_valid() == all(alone)
    if not all(alone):
        errors = serializer.errors["locations"]
        flagged = [i for i, e in enumerate(errors) if e] if isinstance(errors, list) else list(errors)
        assert flagged == [i for i, ok in enumerate(alone) if not ok]


@FAST
@given(st.one_of(locations(), JSON), JSON)
def test_an_sos_is_never_refused_for_its_location_or_trip(location: object, trip: object) -> None:
    body = SosCreateSerializer(data={"client_id": str(uuid.uuid4()), "trigger": "shake", "location": location,
                                     "trip": trip})
    assert body.is_valid(), body.errors
    parsed = body.validated_data["location"]
    if location is None:
        assert parsed is None
    else:
        assert isinstance(parsed, Fix | ClockFixedLocation | RejectedLocation)
        assert isinstance(parsed, Fix) == LocationSerializer(data=location).is_valid()
        if isinstance(parsed, ClockFixedLocation):  # only the time was wrong: the point is kept
            alone = LocationSerializer(data=location)
            assert not alone.is_valid() and set(alone.errors) == {"recorded_at"}


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.one_of(locations(), JSON), st.one_of(st.none(), JSON))
def test_the_sos_endpoint_stores_every_sos_whatever_its_location(location: object, trip: object) -> None:
    """End to end, through JSON and the database: 201, and the fix stored only when it was valid.
    Python's json writes NaN and Infinity as bare words, as some JSON libraries do."""
    clear_throttles()
    app = make_app_user()
    body = json.dumps({"client_id": str(uuid.uuid4()), "location": location, "trip": trip})
    response = app.client.post("/api/v1/alerts/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    alert = Alert.objects.get(pk=response.json()["id"])
    parsed = None
    if location is not None:
        check = SosCreateSerializer(data={"client_id": str(uuid.uuid4()), "trigger": "shake",
                                          "location": location})
        assert check.is_valid(), check.errors
        parsed = check.validated_data["location"]
    # A fix, or a point whose only fault was its time (kept, timed on receipt): the point is stored.
    kept = isinstance(parsed, Fix | ClockFixedLocation)
    assert (alert.location is not None) == kept
    assert alert.trip is None


@pytest.mark.django_db
@pytest.mark.parametrize("location", ['{"latitude": NaN, "longitude": 126.9}',
                                      '{"latitude": 37.2, "longitude": -Infinity, "accuracy": Infinity}'])
def test_an_sos_with_nan_or_infinity_in_its_location_is_kept_without_a_fix(location: str) -> None:
    app = make_app_user()
    body = f'{{"client_id": "{uuid.uuid4()}", "trigger": "button", "location": {location}}}'
    response = app.client.post("/api/v1/alerts/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Alert.objects.get().location is None


@pytest.mark.django_db
@pytest.mark.parametrize("trip", [0, -3, "abc", 1.5, [], {"id": 1}, True])
def test_an_sos_with_a_malformed_trip_id_is_kept_without_a_trip(trip: object) -> None:
    app = make_app_user()
    body = {"client_id": str(uuid.uuid4()), "trip": trip}
    response = app.client.post("/api/v1/alerts/", body, format="json")
    assert response.status_code == 201, response.content
    assert Alert.objects.get().trip is None


@pytest.mark.django_db
def test_an_sos_whose_location_echoes_a_nul_character_is_stored() -> None:
    """Found by the test above: the validation error quotes the bad ``source``, and jsonb refuses
    NUL, so the SOS was a 500."""
    app = make_app_user()
    body = json.dumps({"client_id": str(uuid.uuid4()),
                       "location": {"latitude": 37.2, "longitude": 126.9, "source": "gps\u0000"}})
    response = app.client.post("/api/v1/alerts/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = Alert.objects.get().events.get(kind="created")
    assert "\ufffd" in json.dumps(created.data["rejected_location"], ensure_ascii=False)
