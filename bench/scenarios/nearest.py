"""Scenario 1: nearest 10 cameras, through the API and as the raw KNN query (the floor)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import psycopg

from bench import synth
from bench.stats import summary

QUERY_SEED = 99_001
K = 10
KNN_SQL = (
    "SELECT id FROM cameras_camera {where} "
    "ORDER BY location <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography LIMIT %s"
)
# What the API counts as usable (CameraQuerySet.usable): the smoke test compares like with like.
USABLE = "WHERE status NOT IN ('retired', 'maintenance')"
EXACT_SQL = (
    "SELECT id FROM cameras_camera " + USABLE + " ORDER BY "
    "ST_Distance(location, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, true), id LIMIT %s"
)


def query_points(count: int, seed: int = QUERY_SEED) -> list[tuple[float, float]]:
    """Where people ask from: the same town clusters as the cameras, another seed."""
    return [(lon, lat) for _town, lon, lat in synth.points(count, seed)]


def knn_sql(usable_only: bool = False) -> str:
    return KNN_SQL.format(where=USABLE if usable_only else "")


def raw_knn(cursor: Any, lon: float, lat: float, k: int = K, usable_only: bool = False) -> list[int]:
    """Ids by ``<->`` alone; works with a psycopg cursor or Django's."""
    cursor.execute(knn_sql(usable_only), [lon, lat, k])
    return [row[0] for row in cursor.fetchall()]


def exact_nearest(cursor: Any, lon: float, lat: float, k: int = K) -> list[int]:
    """Brute force on spheroid distance, ties by id: what the API's answer must be."""
    cursor.execute(EXACT_SQL, [lon, lat, k])
    return [row[0] for row in cursor.fetchall()]


async def _closed_loop(points: Sequence[tuple[float, float]], concurrency: int, one) -> list[float]:
    """``concurrency`` workers take points in turn; each sample is one call of ``one``."""
    queue = iter(points)
    samples: list[float] = []

    async def worker(index: int) -> None:
        for lon, lat in queue:
            start = time.perf_counter()
            await one(index, lon, lat)
            samples.append((time.perf_counter() - start) * 1000)

    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return samples


async def floor(conninfo: str, points: Sequence[tuple[float, float]], concurrency: int,
                warmup: int = 100) -> dict[str, float]:
    conns = [await psycopg.AsyncConnection.connect(conninfo, autocommit=True) for _ in range(concurrency)]
    try:
        sql = knn_sql()

        async def one(index: int, lon: float, lat: float) -> None:
            cursor = await conns[index].execute(sql, [lon, lat, K])
            await cursor.fetchall()

        await _closed_loop(points[:warmup], concurrency, one)
        return summary(await _closed_loop(points, concurrency, one))
    finally:
        for conn in conns:
            await conn.close()


async def api(base_url: str, session_key: str, points: Sequence[tuple[float, float]], concurrency: int,
              warmup: int = 100, timeout_s: float = 10.0) -> dict[str, float]:
    import aiohttp  # here, not at the top: the smoke test imports this module without a load generator

    errors: list[str] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(
        base_url, connector=connector, cookies={"sessionid": session_key},
        timeout=aiohttp.ClientTimeout(total=timeout_s),
    ) as http:

        async def one(_index: int, lon: float, lat: float) -> None:
            params = {"latitude": f"{lat:.7f}", "longitude": f"{lon:.7f}", "limit": str(K)}
            try:
                async with http.get("/api/v1/cameras/nearest/", params=params) as response:
                    body = await response.json(content_type=None)
                    if response.status != 200 or len(body) != K:
                        errors.append(f"{response.status}")
            except (TimeoutError, aiohttp.ClientError) as exc:
                errors.append(type(exc).__name__)

        await _closed_loop(points[:warmup], concurrency, one)
        errors.clear()
        result = summary(await _closed_loop(points, concurrency, one))
    result["errors"] = len(errors)
    if errors:
        result["first_error"] = errors[0]
    return result


async def api_for(base_url: str, session_key: str, points: Sequence[tuple[float, float]],
                  seconds: float, concurrency: int) -> int:
    """Load for about ``seconds`` (the profiler's sampling window); returns requests made."""
    deadline = time.monotonic() + seconds
    done = 0
    while time.monotonic() < deadline and done < 100_000:
        await api(base_url, session_key, points[:200], concurrency, warmup=0)
        done += 200
    return done
