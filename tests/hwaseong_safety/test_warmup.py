"""Each web worker warms up on the server's lifespan startup, before its first request, and hides
its loaded heap from the garbage collector; a Celery child hides its own (hwaseong_safety/warmup.py:
a cold worker's first SOS took 250-340 ms, a full collection held a worker 90-115 ms)."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Iterator

import pytest
from celery.signals import worker_process_init

from hwaseong_safety.asgi import application
from hwaseong_safety.warmup import STEPS, warm_up


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite collects as usual


async def lifespan(*kinds: str) -> list[dict]:
    """Sends the lifespan messages ``kinds`` to the real application; returns its answers."""
    inbox: asyncio.Queue = asyncio.Queue()
    answers: list[dict] = []
    for kind in kinds:
        inbox.put_nowait({"type": f"lifespan.{kind}"})

    async def send(message: dict) -> None:
        answers.append(message)

    await asyncio.wait_for(application({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, send), 30)
    return answers


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_startup_warms_every_part_up_then_freezes_the_heap(caplog) -> None:
    assert gc.get_freeze_count() == 0
    with caplog.at_level(logging.INFO, logger="hwaseong_safety.warmup"):
        answers = await lifespan("startup", "shutdown")
    assert answers == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]
    # What Django, DRF and GEOS loaded is out of the collector's sight (~120,000 objects).
    assert gc.get_freeze_count() > 50_000
    [line] = [r.getMessage() for r in caplog.records if "warmed up" in r.getMessage()]
    assert all(f"{name} ok" in line for name, _step in STEPS), line


@pytest.mark.django_db(transaction=True)
def test_every_step_succeeds_when_the_services_are_up() -> None:
    assert warm_up() == {name: "ok" for name, _step in STEPS}


def test_a_step_that_fails_does_not_keep_the_worker_from_starting(caplog) -> None:
    # No django_db mark: pytest-django refuses the database here, as a database away at start would.
    outcome = warm_up()
    assert outcome["database"].startswith("RuntimeError")
    assert {name for name, result in outcome.items() if result != "ok"} == {"database"}
    answers = asyncio.run(lifespan("startup", "shutdown"))
    assert answers[0] == {"type": "lifespan.startup.complete"}
    assert any("warm-up step database failed" in r.getMessage() for r in caplog.records)


def test_a_celery_child_freezes_what_its_parent_loaded() -> None:
    worker_process_init.send(sender=None)
    assert gc.get_freeze_count() > 50_000
