"""The real ASGI application (hwaseong_safety.asgi): a request runs its middleware chain and view
in one worker thread, crossing once, and the cache reuses one Redis connection pool per process
(hwaseong_safety/fastpath/asgi.py and cache.py; docs/benchmarks.md for why). The last test holds
for Django's own handler too (HWASEONG_FASTPATH=0)."""

from __future__ import annotations

import threading

import pytest
import redis
from asgiref.sync import SyncToAsync, sync_to_async
from django.conf import settings
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.test import Client

from hwaseong_safety.fastpath.middleware import SyncChainMiddleware
from tests.factories import make_camera, make_staff
from tests.fixtures.servers import run_asgi
from tests.modes import fast_only

pytestmark = [pytest.mark.fastpath, pytest.mark.django_db(transaction=True)]


def scope(path: str, query: bytes, cookie: str | None = None) -> dict:
    headers = [(b"host", b"localhost")] + ([(b"cookie", f"sessionid={cookie}".encode())] if cookie else [])
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
            "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000)}


async def get(path: str, query: bytes, cookie: str | None = None) -> tuple[int, bytes]:
    status, _headers, body = await run_asgi(scope(path, query, cookie), [b""])
    return status, body


@sync_to_async
def staff_session() -> str:
    make_camera(126.9, 37.2)
    client = Client()
    client.force_login(make_staff("op"))
    return client.cookies["sessionid"].value


@fast_only
@pytest.mark.asyncio
async def test_a_request_crosses_into_a_thread_once_and_does_everything_there(monkeypatch) -> None:
    cookie = await staff_session()
    hops: list[str] = []
    threads: dict[str, set[int]] = {"started": set(), "chain": set(), "finished": set()}
    original_hop, original_chain = SyncToAsync.__call__, SyncChainMiddleware.__call__

    async def counting(self: SyncToAsync, *args: object, **kwargs: object) -> object:
        hops.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original_hop(self, *args, **kwargs)

    def chain(self: SyncChainMiddleware, request: object) -> object:
        threads["chain"].add(threading.get_ident())
        return original_chain(self, request)

    def on_started(**kwargs: object) -> None:
        threads["started"].add(threading.get_ident())

    def on_finished(**kwargs: object) -> None:
        threads["finished"].add(threading.get_ident())

    monkeypatch.setattr(SyncToAsync, "__call__", counting)
    monkeypatch.setattr(SyncChainMiddleware, "__call__", chain)
    request_started.connect(on_started)
    request_finished.connect(on_finished)
    try:
        status, body = await get("/api/v1/cameras/nearest/", b"latitude=37.2&longitude=126.9", cookie)
    finally:
        request_started.disconnect(on_started)
        request_finished.disconnect(on_finished)
    assert status == 200 and b'"distance_m"' in body
    # request_started's receivers, the chain with the view and the response's close, in one call.
    assert hops == ["SyncChainASGIHandler.respond"], hops
    # One thread for all of it: the connection the view used is the one request_finished returns.
    assert len(threads["chain"]) == 1
    assert threads["started"] == threads["chain"] == threads["finished"]


def _connections_received() -> int:
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    try:
        return int(client.info("stats")["total_connections_received"])
    finally:
        client.close()


@fast_only
@pytest.mark.asyncio
async def test_requests_share_the_cache_connection_pool() -> None:
    cookie = await staff_session()
    await get("/api/v1/cameras/nearest/", b"latitude=37.2&longitude=126.9", cookie)  # the pool opens
    before = await sync_to_async(_connections_received)()
    for _ in range(12):  # each reads its session from the cache
        status, _body = await get("/api/v1/cameras/nearest/", b"latitude=37.2&longitude=126.9", cookie)
        assert status == 200
    # Our own INFO connection is one; a connection per request (Django's own client) would be 12.
    assert await sync_to_async(_connections_received)() - before <= 2


@fast_only
def test_cache_objects_of_other_threads_share_the_pool() -> None:
    pools: list[object] = []

    def use() -> None:
        cache = caches["default"]
        cache.set("pool-check", 1)
        pools.append(cache._cache._get_connection_pool(True))

    workers = [threading.Thread(target=use) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(pools) == 3 and len({id(pool) for pool in pools}) == 1


@fast_only
@pytest.mark.asyncio
async def test_worker_threads_hand_their_connections_back() -> None:
    """The pool's threads outlive requests: each must give its connection back before the
    response goes out, or a few busy threads would hold the pool dry. (Django's own handler gives
    it back after the response went out, in response.close(): this would race there.)"""
    from django.db import connections

    cookie = await staff_session()
    for _ in range(15):
        status, _body = await get("/api/v1/cameras/nearest/", b"latitude=37.2&longitude=126.9", cookie)
        assert status == 200
    stats = await sync_to_async(connections["default"].pool.get_stats)()
    # Only this test's own connection (the thread that made the session) may be out.
    assert stats["pool_size"] - stats.get("pool_available", 0) <= 1, stats


@pytest.mark.asyncio
async def test_a_streamed_file_arrives_whole() -> None:
    """A file response is streamed after the view's thread is done, and closed after its body."""
    status, body = await get("/static/console/socket.js", b"")
    assert status == 200
    assert body == (settings.BASE_DIR / "static" / "console" / "socket.js").read_bytes()
