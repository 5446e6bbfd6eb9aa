"""Scenario 2 (SOS to screen) and scenario 4 (console fan-out), over bench.scenarios.consoles.

2: phones POST /api/v1/alerts/ at a fixed rate (open loop, as bench.scenarios.ingest: a request's
   clock starts at its due time) while N operator consoles of the alert's center are open. Per SOS:
   time to the first and to the last console's `alert.created`. The event can reach a console
   before the POST's answer (it is published on commit, inside the request), so receipts are kept
   by alert id and matched with the answers afterwards. And per step, the guardians' SOS texts:
   from each SMS row (written in the SOS's transaction) to its acceptance by the SMS transport.
4: the bench publishes the `alert.event` message alerts.publish would (same groups, same payload)
   straight into the channel layer, one event at a time, and times until the last of N consoles
   has it: the fan-out alone, without the SOS request in front."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence

import aiohttp
import psycopg
from channels_redis.core import RedisChannelLayer

from bench.cpu import CpuMeter, measuring
from bench.scenarios.consoles import Consoles, Receipts, ws_session
from bench.stats import summary

TIMEOUT_S = 5.0
SMS_WAIT_S = 10.0  # after a step's drain, for its texts still queued
CONNECTIONS = 32  # the generator's HTTP connections, as in scenario 3
P99_TARGET_MS = 100.0


def _sos_body(point: Sequence[float]) -> dict:
    return {"client_id": str(uuid.uuid4()), "trigger": "button",
            "location": {"longitude": point[0], "latitude": point[1], "accuracy": 10.0, "source": "gnss"}}


async def _open(consoles: Consoles, http: aiohttp.ClientSession, base_url: str,
                sessions: Sequence[str]) -> dict:
    connect_s = await consoles.open(http, base_url, sessions)
    settle_s = await consoles.settle()
    return {"consoles": len(sessions), "connect_s": round(connect_s, 1), "settle_s": round(settle_s, 1),
            "pushes_while_connecting": dict(consoles.messages)}


async def _sos_step(http: aiohttp.ClientSession, receipts: Receipts, tokens: Sequence[str],
                    point: Sequence[float], rate: float, seconds: float, offset: int) -> dict:
    """Offer ``rate`` SOS/s for ``seconds`` (open loop), then wait up to TIMEOUT_S past each SOS's
    due time for its event to reach every console."""
    sent: dict[int, float] = {}
    answered: list[float] = []
    errors: Counter[str] = Counter()

    async def one(index: int, due: float) -> None:
        token = tokens[index % len(tokens)]  # turns: each citizen stays far below the SOS throttle
        try:
            async with http.post("/api/v1/alerts/", json=_sos_body(point),
                                 headers={"Authorization": f"Bearer {token}"}) as response:
                body = await response.json(content_type=None)
                if response.status != 201:
                    errors[str(response.status)] += 1
                    return
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            errors[type(exc).__name__] += 1
            return
        answered.append((time.perf_counter() - due) * 1000)
        sent[body["id"]] = due

    count = int(rate * seconds)
    tasks: set[asyncio.Task] = set()
    start = time.perf_counter()
    for index in range(count):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(offset + index, start + index / rate))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=TIMEOUT_S + 2)
    for key in list(sent):
        await receipts.wait(key, max(0.0, sent[key] + TIMEOUT_S - time.perf_counter()))
    elapsed = time.perf_counter() - start
    last, first, missing = receipts.latencies(sent)
    delivered = sum(len(receipts.seen.get(key, ())) for key in sent)
    result = {"rate_per_s": rate, "seconds": seconds, "requests": count, "answered": len(sent),
              "errors": sum(errors.values()), "error_kinds": dict(errors), "missing": missing,
              # Pushes of this step's events that reached a console, per second of the step and its wait.
              "pushes_expected": len(sent) * receipts.consoles, "pushes_delivered": delivered,
              "delivered_per_s": round(delivered / elapsed, 1),
              "http": summary(answered), "last": summary(last), "first": summary(first)}
    result["held"] = result["errors"] == 0 and missing == 0 and result["last"]["p99_ms"] <= P99_TARGET_MS
    return result


def sms_mark(conninfo: str) -> int:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM guardians_smsmessage").fetchone()[0]


def sms_latencies(conninfo: str, after_id: int, wait_s: float = SMS_WAIT_S) -> dict:
    """The SOS texts queued after row ``after_id``: from the row's creation (in the SOS's
    transaction) to the transport's acceptance (``sent_at``), once none is queued or after
    ``wait_s``; texts still queued then are counted, not timed."""
    query = ("SELECT status, EXTRACT(EPOCH FROM sent_at - created_at) * 1000 FROM guardians_smsmessage "
             "WHERE id > %s AND purpose = 'sos'")
    deadline = time.monotonic() + wait_s
    with psycopg.connect(conninfo, autocommit=True) as conn:
        while True:
            rows = conn.execute(query, [after_id]).fetchall()
            statuses = Counter(status for status, _ms in rows)
            if not statuses["queued"] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    sent = [float(ms) for status, ms in rows if status == "sent" and ms is not None]
    return {"texts": len(rows), "sent": statuses["sent"], "queued": statuses["queued"],
            "failed": statuses["failed"], **summary(sent)}


async def sos_to_screen(base_url: str, sessions: Sequence[str], tokens: Sequence[str], point: Sequence[float],
                        steps: Sequence[tuple[float, float]], warmup: int = 10,
                        meter: CpuMeter | None = None, conninfo: str | None = None) -> dict:
    """``steps``: (SOS/s, seconds) each, on the same open consoles, drained in between. With
    ``conninfo`` (the app's database), each step also times its guardians' texts."""
    receipts = Receipts(len(sessions))
    consoles = Consoles(receipts)
    connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    async with ws_session() as ws_http, aiohttp.ClientSession(
            base_url, connector=connector, timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)) as http:
        try:
            out = await _open(consoles, ws_http, base_url, sessions)
            # Warm-up (connections, caches, each backend's first PostGIS call); not counted.
            await _sos_step(http, Receipts(len(sessions)), tokens, point, 5.0, warmup / 5.0, len(tokens) // 2)
            await consoles.settle()
            results, offset = [], 0
            for rate, seconds in steps:
                print(f"[bench]   alarm: {rate:g} SOS/s for {seconds:g} s", flush=True)
                mark = await asyncio.to_thread(sms_mark, conninfo) if conninfo else None
                with measuring(meter) as cpu:  # the sending window; the drain after it is not counted
                    results.append(await _sos_step(http, receipts, tokens, point, rate, seconds, offset))
                results[-1]["cpu"] = cpu
                offset += results[-1]["requests"]
                results[-1]["drain_s"] = round(await consoles.settle(), 1)  # the backlog, before the next
                if mark is not None:
                    results[-1]["sms"] = await asyncio.to_thread(sms_latencies, conninfo, mark)
                print(f"[bench]   -> last console p50 {results[-1]['last']['p50_ms']} p99 "
                      f"{results[-1]['last']['p99_ms']} ms; missing {results[-1]['missing']}", flush=True)
        finally:
            await consoles.close()
    out.update({"steps": results, "closed_early": consoles.closed_early, "pushes": dict(consoles.messages)})
    return out


async def fanout(base_url: str, redis_url: str, sessions: Sequence[str], messages: Sequence[dict],
                 groups: Sequence[str], extra: Sequence[dict] = (),
                 before_extra: Callable[[], None] | None = None, extra_s: float = 10.0,
                 gap_s: float = 0.1) -> dict:
    """One event at a time to ``groups`` (as alerts.publish._send_all: one group_send each). The
    ``extra`` events follow uncounted for at most ``extra_s``, after ``before_extra()`` (e.g. a
    profiler was started)."""
    receipts = Receipts(len(sessions))
    consoles = Consoles(receipts)
    layer = RedisChannelLayer(hosts=[{"address": redis_url}])  # the app's prefix ("asgi") and capacity
    sent: dict[int, float] = {}
    async with ws_session() as ws_http:
        try:
            out = await _open(consoles, ws_http, base_url, sessions)
            extra_until = float("inf")
            for n, message in enumerate([*messages, *extra]):
                if n == len(messages):
                    extra_until = time.perf_counter() + extra_s
                    if before_extra is not None:
                        before_extra()
                if n >= len(messages) and time.perf_counter() > extra_until:
                    break
                key = message["alert"]["id"]
                start = time.perf_counter()
                for group in groups:
                    await layer.group_send(group, message)
                if n < len(messages):
                    sent[key] = start
                await receipts.wait(key, TIMEOUT_S)
                await asyncio.sleep(gap_s)  # one event at a time: the figure is fan-out, not a queue
        finally:
            await consoles.close()
            await layer.close_pools()
    last, first, missing = receipts.latencies(sent)
    out.update({"events": len(messages), "groups": list(groups), "missing": missing,
                "closed_early": consoles.closed_early, "last": summary(last), "first": summary(first),
                "pushes": dict(consoles.messages)})
    return out
