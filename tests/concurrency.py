"""Running one call on several threads at once, each on its own database connection (tests that
use it need ``django_db(transaction=True)``)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def race(fn: Callable[[], object], n: int = 2) -> list[object]:
    """``fn()`` on ``n`` threads released together; each result, or the exception it raised."""
    barrier = threading.Barrier(n)
    results: list[object] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - the result under test
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
