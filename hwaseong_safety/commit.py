"""After-commit steps that must never fail the caller."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction


def on_commit_robust(func: Callable[..., object], *args: object) -> None:
    """``func(*args)`` after the current transaction commits; if it raises, Django logs it and the
    caller goes on. Not ``on_commit(partial(...), robust=True)``: Django names the failed callback
    by ``__qualname__``, which a partial lacks, so the logging itself raised and turned a broker
    outage into a 500 (found by make chaos). A plain function named after ``func`` has one."""

    def call() -> None:
        func(*args)

    owner = getattr(func, "__self__", None)  # a Celery task's .delay: name the task
    name = (f"{owner.name}.{func.__name__}" if hasattr(owner, "name")
            else getattr(func, "__qualname__", repr(func)))
    call.__qualname__ = f"{name}{args!r}"
    transaction.on_commit(call, robust=True)
