"""Scenario 3: phones on active trips each posting one fix, at a ramped offered rate (open loop).

Open loop: request i is due at start + i/rate whether or not earlier ones have answered, and its
latency counts from that due time, so a server that falls behind shows it (no coordinated
omission). The floor is one single-row INSERT round trip through psycopg."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import aiohttp
import psycopg

from bench.cpu import CpuMeter, measuring
from bench.stats import summary

MAX_IN_FLIGHT = 2_000  # beyond this the generator sheds (counted as errors): memory stays bounded
# Open connections of the generator, like a reverse proxy's upstream cap: with the app's settings
# every request in flight holds a PostgreSQL connection, and this machine's server (shared with the
# test runs of others) has 100 slots. Requests past it wait in the generator, and that wait counts.
CONNECTIONS = 32
TIMEOUT_S = 5.0
P99_TARGET_MS = 100.0


def _body(rng: random.Random, fixes: int = 1) -> dict:
    """One fix (timed by the server on receipt), or a phone's last ``fixes`` fixes, 5 s apart."""
    lat, lon = 37.165 + rng.uniform(-0.05, 0.05), 126.910 + rng.uniform(-0.05, 0.05)
    fix = {"latitude": round(lat, 6), "longitude": round(lon, 6), "accuracy": 12.0, "source": "gnss"}
    if fixes == 1:
        return {"locations": [fix]}
    now = datetime.now(UTC)
    return {"locations": [fix | {"recorded_at": (now - timedelta(seconds=5 * (fixes - 1 - k))).isoformat(),
                                 "latitude": round(lat + 1e-5 * k, 6)} for k in range(fixes)]}


async def step(base_url: str, phones: Sequence[tuple[int, str]], rate: float, seconds: float,
               offset: int = 0, fixes: int = 1) -> dict:
    """Offer ``rate`` requests/s for ``seconds``; phones take turns (``fixes`` per request)."""
    rng = random.Random(int(rate))
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    in_flight: set[asyncio.Task] = set()
    last_done = 0.0
    connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    async with aiohttp.ClientSession(base_url, connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)) as http:

        async def one(index: int, due: float) -> None:
            nonlocal last_done
            trip_id, token = phones[(offset + index) % len(phones)]
            try:
                async with http.post(f"/api/v1/trips/{trip_id}/locations/", json=_body(rng, fixes),
                                     headers={"Authorization": f"Bearer {token}"}) as response:
                    await response.read()
                    if response.status != 202:
                        errors[str(response.status)] += 1
                        return
            except (TimeoutError, aiohttp.ClientError) as exc:
                errors[type(exc).__name__] += 1
                return
            last_done = time.perf_counter()
            latencies.append((last_done - due) * 1000)

        count = int(rate * seconds)
        start = time.perf_counter()
        for index in range(count):
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if len(in_flight) >= MAX_IN_FLIGHT:
                errors["shed by generator"] += 1
                continue
            task = asyncio.create_task(one(index, due))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        if in_flight:
            await asyncio.wait(in_flight, timeout=TIMEOUT_S + 2)
    elapsed = max(last_done - start, seconds) if latencies else seconds
    result = {"offered_per_s": rate, "requests": count, "achieved_per_s": round(len(latencies) / elapsed, 1),
              "fixes_per_request": fixes}
    result.update(summary(latencies))
    result["errors"] = sum(errors.values())
    result["error_kinds"] = dict(errors)
    result["held"] = result["errors"] == 0 and result["p99_ms"] <= P99_TARGET_MS
    return result


def _saturated(result: dict) -> bool:
    """Past this, a higher step only queues more (and lengthens the run): skip the rest."""
    if "skipped" in result:
        return True
    return (result["p99_ms"] > 1_000 or result["errors"] > 0.05 * result["requests"]
            or result["achieved_per_s"] < 0.8 * result["offered_per_s"])


async def ramp(base_url: str, phones: Sequence[tuple[int, str]], rates: Sequence[float],
               seconds: float, meter: CpuMeter | None = None) -> list[dict]:
    results: list[dict] = []
    offset = 0
    for rate in rates:
        if results and _saturated(results[-1]):
            results.append({"offered_per_s": rate, "skipped": "the previous step was saturated"})
            continue
        print(f"[bench]   ingest: offering {rate:g}/s for {seconds:g} s", flush=True)
        with measuring(meter) as cpu:
            result = await step(base_url, phones, rate, seconds, offset)
        result["cpu"] = cpu
        offset += result["requests"]
        print(f"[bench]   -> achieved {result['achieved_per_s']}/s p50 {result['p50_ms']} ms "
              f"p99 {result['p99_ms']} ms errors {result['errors']}", flush=True)
        results.append(result)
        await asyncio.sleep(2)  # let the server drain its queues before the next step
    return results


def floor(conninfo: str, trip_id: int, count: int = 1_000, warmup: int = 50) -> dict:
    """One-row INSERT (autocommit: a commit each, as the app's request does) round trips."""
    sql = ("INSERT INTO alerts_triplocation (trip_id, location, accuracy, source, recorded_at, received_at) "
           "VALUES (%s, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, 12, 'gnss', now(), now())")
    samples: list[float] = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for n in range(warmup + count):
            start = time.perf_counter()
            conn.execute(sql, [trip_id, 126.91, 37.165])
            if n >= warmup:
                samples.append((time.perf_counter() - start) * 1000)
    return summary(samples)
