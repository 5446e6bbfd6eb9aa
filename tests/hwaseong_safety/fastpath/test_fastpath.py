"""The fence around the framework patches (hwaseong_safety/fastpath/, docs/fastpath.md): one
switch picks every patch or every stock path, and canaries fail when an upstream API a patch
leans on changes."""

from __future__ import annotations

import inspect

import pytest
from channels.consumer import AsyncConsumer
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.models import Alert
from console.realtime.consumer import ConsoleConsumer
from hwaseong_safety import fastpath
from hwaseong_safety.asgi import django_asgi_app
from hwaseong_safety.fastpath.asgi import SyncChainASGIHandler
from tests.factories import make_center
from tests.fixtures.alerts import raise_sos

pytestmark = [pytest.mark.fastpath]


def test_one_switch_picks_every_patch_or_none() -> None:
    on = settings.FASTPATH
    assert fastpath.enabled() is on
    assert isinstance(django_asgi_app, SyncChainASGIHandler) is on
    assert (settings.SESSION_ENGINE == "hwaseong_safety.fastpath.sessions") is on
    backend = settings.CACHES["default"]["BACKEND"]
    assert (backend == "hwaseong_safety.fastpath.cache.SharedPoolRedisCache") is on
    assert ("hwaseong_safety.fastpath.middleware.SyncChainMiddleware" in settings.MIDDLEWARE) is on
    if not on:
        assert type(caches["default"]) is RedisCache
        assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_the_redis_client_of_djangos_own_cache_backend() -> None:
    """Canary of fastpath/raw_redis.py: Django's RedisCache still keeps its client where we read it."""
    stock = RedisCache(settings.CACHES["default"]["LOCATION"], {})
    client = fastpath.redis_client(stock)
    assert client.ping() is True
    client.close()


def test_channels_dispatch_still_closes_old_connections_per_message() -> None:
    """Canary of fastpath/channels_dispatch.py: what it leaves out. When Channels stops doing this
    per message, the patch can go."""
    assert "aclose_old_connections" in inspect.getsource(AsyncConsumer.dispatch)
    assert ConsoleConsumer.dispatch.__qualname__ == "DirectDispatch.dispatch"


@pytest.mark.django_db
def test_prefill_answers_as_prefetch_related_without_a_query() -> None:
    """fastpath/prefetch.py against the ORM's own prefetch, on the console's many-to-many."""
    hwaseong = make_center("41590", (126.5, 37.0, 127.2, 37.4))
    ansan = make_center("41270", (126.7, 37.2, 127.0, 37.4))
    alert = raise_sos()
    alert.border_centers.set([ansan, hwaseong])
    prefetched = Alert.objects.prefetch_related("border_centers").get(pk=alert.pk)
    filled = Alert.objects.get(pk=alert.pk)
    with CaptureQueriesContext(connection) as queries:
        fastpath.prefill(filled, "border_centers", list(prefetched.border_centers.all()))
        assert list(filled.border_centers.all()) == list(prefetched.border_centers.all())
        assert filled._prefetched_objects_cache.keys() == prefetched._prefetched_objects_cache.keys()
    assert not queries.captured_queries
