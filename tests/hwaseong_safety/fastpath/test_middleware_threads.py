"""Under ASGI the middleware chain runs in the request's thread (hwaseong_safety.fastpath.middleware.
SyncChainMiddleware, with FASTPATH on): Django otherwise runs each process_request/process_response of the
middlewares below the last sync-only one through sync_to_async, a hop to a thread and back each
(docs/benchmarks.md: a sixth of the web workers' time under load)."""

from __future__ import annotations

import pytest
from asgiref.sync import SyncToAsync
from django.test import AsyncClient

from tests.modes import fast_only

pytestmark = [pytest.mark.fastpath, fast_only, pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_a_request_crosses_into_a_thread_a_few_times_not_once_per_middleware(monkeypatch):
    hops: list[str] = []
    original = SyncToAsync.__call__

    async def counting(self: SyncToAsync, *args: object, **kwargs: object) -> object:
        hops.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting)
    response = await AsyncClient().get("/api/v1/cameras/nearest/?latitude=37.2&longitude=126.9")
    assert response.status_code in (401, 403)  # went through the whole chain to the view
    assert not [hop for hop in hops if "process_request" in hop or "process_response" in hop], hops
    # What remains is Django's own core: the request_started signal, the chain, view middleware,
    # the view, rendering, logging a 4xx (7 here); 19 without SyncChainMiddleware.
    assert len(hops) <= 8, hops
