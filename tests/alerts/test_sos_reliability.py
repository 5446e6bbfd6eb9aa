"""An SOS is never dropped and never doubled: racing retries, Redis down, the live alarm."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.test import override_settings

from alerts.actions.sos import do_create_sos
from alerts.models import Alert
from sms.models import SmsMessage
from tests.fixtures.alerts import loc, sos_body
from tests.fixtures.centers import BORDER_HWASEONG, INSIDE_HWASEONG
from tests.fixtures.citizens import make_app_user
from tests.fixtures.faults import CLOSED_PORT

URL = "/api/v1/alerts/"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_with_one_client_id_make_exactly_one_alert(centers):
    user = make_app_user()
    body = sos_body(loc(INSIDE_HWASEONG))
    barrier = threading.Barrier(4)
    results: list[tuple[int, int]] = []

    def post() -> None:
        try:
            barrier.wait()
            response = user.client.post(URL, body, format="json")
            results.append((response.status_code, response.json()["id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(code for code, _ in results) == [200, 200, 200, 201]
    assert len({alert_id for _, alert_id in results}) == 1
    assert Alert.objects.count() == 1
    assert SmsMessage.objects.filter(purpose="sos").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_an_uncommitted_first_insert_waits_and_gets_it(centers):
    """The read-before-insert misses the first request's uncommitted row; the unique index makes
    the second INSERT wait, fail, and return the first alert: the IntegrityError path."""
    user = make_app_user()
    client_id = uuid.uuid4()
    inserted = threading.Event()
    first: list[int] = []

    def first_request() -> None:
        try:
            with transaction.atomic():  # the action itself: the row must stay uncommitted
                alert, created = do_create_sos(user.citizen, client_id, "shake", None)
                first.append(alert.pk)
                inserted.set()
                time.sleep(0.8)  # hold the row uncommitted while the retry comes in
        finally:
            connection.close()

    thread = threading.Thread(target=first_request)
    thread.start()
    assert inserted.wait(10)
    started = time.monotonic()
    response = user.client.post(URL, {"client_id": str(client_id), "trigger": "shake"}, format="json")
    waited = time.monotonic() - started
    thread.join()
    assert response.status_code == 200
    assert response.json()["id"] == first[0]
    assert waited > 0.3  # it really blocked on the first transaction's row
    assert Alert.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_sos_still_201_and_stored_when_redis_is_unreachable(centers, caplog):
    user = make_app_user()
    unreachable = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                               "CONFIG": {"hosts": [CLOSED_PORT]}}}
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT}}
    with override_settings(CHANNEL_LAYERS=unreachable, CACHES=caches):
        response = user.client.post(URL, {"client_id": str(uuid.uuid4()), "location": loc(INSIDE_HWASEONG)},
                                    format="json")
    assert response.status_code == 201
    assert Alert.objects.filter(pk=response.json()["id"], center__code="41590").exists()
    assert SmsMessage.objects.filter(purpose="sos").count() == 1
    assert "could not publish alert" in caplog.text  # the live alarm failed, loudly in the log


@pytest.mark.django_db(transaction=True)
def test_the_live_alarm_reaches_the_center_and_border_groups(centers):
    user = make_app_user()
    layer = get_channel_layer()
    channels = {}
    for code in ("41590", "41270"):
        channels[code] = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(f"center.{code}", channels[code])
    try:
        response = user.client.post(URL, {"client_id": str(uuid.uuid4()), "location": loc(BORDER_HWASEONG)},
                                    format="json")
        assert response.status_code == 201
        for code in ("41590", "41270"):
            message = async_to_sync(layer.receive)(channels[code])
            assert message["type"] == "alert.event" and message["event"] == "created"
            assert message["alert"]["id"] == response.json()["id"]
            assert message["alert"]["center"] == "41590"
            assert message["alert"]["border_centers"] == ["41270"]
            assert message["alert"]["priority"] == 1
            assert "name" not in message["alert"] and "phone" not in message["alert"]
    finally:
        for code, channel in channels.items():
            async_to_sync(layer.group_discard)(f"center.{code}", channel)


@pytest.mark.django_db(transaction=True)
def test_sos_still_201_when_the_sms_broker_is_down_too(centers, everything_redis_down, caplog):
    user = make_app_user()
    response = user.client.post(URL, {"client_id": str(uuid.uuid4()), "location": loc(INSIDE_HWASEONG)},
                                format="json")
    assert response.status_code == 201
    alert = Alert.objects.get(pk=response.json()["id"])
    # The guardian's SMS is stored, queued for the outbox to send when Redis is back.
    assert SmsMessage.objects.filter(purpose="sos", status="queued").count() == 1
    assert alert.events.filter(kind="created").exists()
    # The hand-off to the broker failed after commit, logged by the task's name; nothing else broke.
    assert "Error calling guardians.tasks.send_sms.delay" in caplog.text
    assert "an after-commit step failed" not in caplog.text
