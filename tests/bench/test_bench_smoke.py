"""The bench's query code is right (no timing here: timing stays out of the test suite). 500
synthetic cameras by the bench's own COPY loader; its raw KNN, the exact spheroid order and the
API must name the same cameras."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import TripLocation
from bench import config, synth
from bench.scenarios import ingest, nearest
from bench.scenarios.consoles import Receipts
from operators.models import User
from tests.fixtures.citizens import make_app_user

pytestmark = pytest.mark.django_db
CAMERAS = 500


@pytest.fixture
def cameras() -> None:
    connection.ensure_connection()
    # The secondary indexes stay: dropping them is for millions of rows, not for a test.
    synth.load_cameras(connection.connection, CAMERAS, rebuild_indexes=False)


@pytest.fixture
def staff_client() -> APIClient:
    client = APIClient()
    client.force_login(User.objects.create_user("bench-smoke", role="operator"))
    return client


def test_synthetic_sites_lie_in_korea_and_repeat() -> None:
    first = list(synth.points(2_000, synth.SEED))
    assert first == list(synth.points(2_000, synth.SEED))
    assert all(124.0 < lon < 132.0 and 33.0 < lat < 39.0 for _town, lon, lat in first)


def test_loader_copies_every_row(cameras: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT management_number) FROM cameras_camera")
        assert cursor.fetchone() == (CAMERAS, CAMERAS)


def test_raw_knn_and_api_agree(cameras: None, staff_client: APIClient) -> None:
    for lon, lat in nearest.query_points(20):
        response = staff_client.get("/api/v1/cameras/nearest/",
                                    {"latitude": lat, "longitude": lon, "limit": nearest.K})
        assert response.status_code == 200
        api_ids = [camera["id"] for camera in response.json()]
        with connection.cursor() as cursor:
            exact = nearest.exact_nearest(cursor, lon, lat)
            # The index orders on a sphere: near-ties at the 10th place can swap with the 11th (the
            # reason nearest() re-sorts 30 candidates), so the floor's walk is checked on 30.
            candidates = nearest.raw_knn(cursor, lon, lat, k=3 * nearest.K, usable_only=True)
            knn_all = nearest.raw_knn(cursor, lon, lat)
        assert api_ids == exact  # the API's order is the true (spheroid) order
        assert set(api_ids) <= set(candidates)
        assert len(set(api_ids) & set(candidates[: nearest.K])) >= nearest.K - 2
        assert len(knn_all) == nearest.K


def test_receipts_count_each_console_once_and_match_by_alert() -> None:
    """Scenario 2/4's collector: last = the Nth distinct console, duplicates ignored, incomplete
    events missing, an event that came before its POST's answer still matched by id."""
    receipts = Receipts(consoles=3)
    for console, at in ((0, 10.002), (1, 10.005), (1, 10.001), (2, 10.009)):
        receipts.record(7, console, at)  # console 1 twice: the second copy (earlier stamp) is ignored
    receipts.record(8, 0, 20.004)  # only one console of three got alert 8
    assert receipts.complete(7) and not receipts.complete(8)
    last, first, missing = receipts.latencies({7: 10.0, 8: 20.0, 9: 30.0})
    assert [round(x, 3) for x in last] == [9.0]
    assert [round(x, 3) for x in first] == [2.0, 4.0]
    assert missing == 2


def test_receipts_wait_wakes_on_the_last_console() -> None:
    async def scenario() -> tuple[bool, bool]:
        receipts = Receipts(consoles=2)
        waiting = asyncio.create_task(receipts.wait(1, timeout_s=5))
        await asyncio.sleep(0)
        receipts.record(1, 0, 1.0)
        receipts.record(1, 1, 2.0)
        return await waiting, await receipts.wait(2, timeout_s=0.01)

    assert asyncio.run(scenario()) == (True, False)


def test_the_batched_ingest_body_is_stored_whole() -> None:
    """Scenario 3's batched step: the body the generator sends (a phone's last fixes, 5 s apart)
    is one the API takes, and every fix of it is kept, oldest to newest."""
    app = make_app_user(guardian=False)
    start = (timezone.now() - timedelta(hours=1)).isoformat()  # the trip's first fix, before the batch
    trip_id = app.client.post("/api/v1/trips/", {
        "location": {"latitude": 37.2, "longitude": 126.9, "recorded_at": start},
        "destination": {"latitude": 37.21, "longitude": 126.91},
        "expected_arrival": (timezone.now() + timedelta(minutes=30)).isoformat(),
    }, format="json").json()["id"]
    body = ingest._body(random.Random(1), fixes=5)
    response = app.client.post(f"/api/v1/trips/{trip_id}/locations/", body, format="json")
    assert response.status_code == 202 and response.json() == {"accepted": 5}
    trail = list(TripLocation.objects.filter(trip_id=trip_id).order_by("recorded_at")[1:])
    assert [round(f.location.y, 6) for f in trail] == [f["latitude"] for f in body["locations"]]
    gaps = {(b.recorded_at - a.recorded_at).total_seconds() for a, b in zip(trail, trail[1:], strict=False)}
    assert gaps == {5.0}


def _conninfo() -> str:
    return config.conninfo(connection.settings_dict["NAME"])  # the test database, by the bench's own role


@pytest.mark.django_db(transaction=True)  # the bench reads through its own connection
def test_sos_texts_are_timed_from_their_row_to_the_transports_acceptance() -> None:
    from bench.scenarios import alarm
    from sms.models import SmsMessage, SmsStatus

    SmsMessage.objects.create(to="01000000001", body="before the step", purpose="sos", status=SmsStatus.SENT)
    mark = alarm.sms_mark(_conninfo())
    now = timezone.now()
    for ms, status, purpose in ((40, SmsStatus.SENT, "sos"), (120, SmsStatus.SENT, "sos"),
                                (None, SmsStatus.FAILED, "sos"), (None, SmsStatus.QUEUED, "sos"),
                                (5, SmsStatus.SENT, "trip_started")):
        sms = SmsMessage.objects.create(to="01000000002", body="x", purpose=purpose, status=status)
        sent_at = now + timedelta(milliseconds=ms) if ms is not None else None
        SmsMessage.objects.filter(pk=sms.pk).update(created_at=now, sent_at=sent_at)
    result = alarm.sms_latencies(_conninfo(), mark, wait_s=0.3)  # one stays queued: waits, then counts it
    assert (result["texts"], result["sent"], result["queued"], result["failed"]) == (4, 2, 1, 1)
    assert result["n"] == 2 and result["max_ms"] == pytest.approx(120.0)
    assert 40.0 <= result["p50_ms"] <= 120.0
