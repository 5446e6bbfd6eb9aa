"""What `make chaos`'s first run found when its Redis was killed (docs/reliability.md): requests that
only needed Redis on the side failed with 500.

- Django's ``on_commit(..., robust=True)`` logs a failing callback by its ``__qualname__``, which a
  ``functools.partial`` lacks: the logging raised instead, and the caller answered 500 (a trip
  started with Redis down) although its rows were committed and its SMS queued.
- ``cached_db`` sessions fall back to the database on a cache read, but then write the session back
  to the cache unguarded: every console page, console API call and socket answered 500.
"""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.db import transaction

from sms.models import SmsMessage, SmsStatus
from sms.outbox import queue_sms
from tests.fixtures.alerts import raise_sos, start_trip
from tests.fixtures.centers import logged_in
from tests.fixtures.citizens import make_app_user
from tests.fixtures.faults import redis_down
from tests.modes import fast_only

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db(transaction=True)]


def test_sms_queued_while_the_broker_is_down_commits_quietly_and_stays_queued(caplog) -> None:
    with redis_down(), transaction.atomic():
        message = queue_sms("01012345678", "[화성안전귀가] 테스트", "sos")
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.QUEUED, 0)  # for resend_stale_sms
    assert "send_sms" in caplog.text  # the failed hand-off is logged, by name


def test_trip_started_while_redis_is_down_is_201_with_its_sms_queued(centers) -> None:
    user = make_app_user()
    with redis_down():
        response = start_trip(user)
    assert response.status_code == 201, response.content
    assert SmsMessage.objects.filter(status=SmsStatus.QUEUED).count() == 1


@fast_only
def test_console_page_and_api_work_from_the_database_while_redis_is_down(staff) -> None:
    alert = raise_sos()
    client = logged_in(staff.hwaseong)  # the session is written with Redis up
    with redis_down():
        assert client.get("/console/").status_code == 200
        queue = client.get("/api/v1/console/queue/")
        assert queue.status_code == 200
        assert [a["id"] for a in queue.json()] == [alert.pk]
        # A new login (session written to the database while the cache refuses) works as well.
        assert logged_in(staff.second).get("/api/v1/console/queue/").status_code == 200


def test_logout_while_redis_is_down_fails_rather_than_leave_the_session_in_redis(staff) -> None:
    client = logged_in(staff.hwaseong)
    with redis_down(), pytest.raises(redis.ConnectionError):
        client.post("/logout/")
    # The database copy went first: once Redis is back, the session is gone for good.
    client.post("/logout/")
    assert client.get("/api/v1/console/queue/").status_code == 403


@pytest.mark.skipif(settings.FASTPATH, reason="canary of the stock path (Django's session engine, Redis "
                                               "down): runs in make test's HWASEONG_FASTPATH=0 pass")
def test_djangos_own_cached_db_sessions_fail_while_redis_is_down(staff) -> None:
    """Canary of hwaseong_safety/fastpath/sessions.py: when this fails, Django's cached_db engine
    tolerates a refusing cache itself and the patch can go."""
    client = logged_in(staff.hwaseong)
    with redis_down(), pytest.raises(redis.ConnectionError):
        client.get("/console/")
