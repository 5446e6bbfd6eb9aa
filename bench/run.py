"""`make bench`: scenarios 1 (nearest cameras), 2 (SOS to console), 3 (location ingest), 4 (console
fan-out) and 5 (memory) of issue 7, against a stack this script starts on loopback and stops again.
Writes bench/results/latest.json and docs/benchmarks.md. BENCH_QUICK=1 is a shape check only (tiny
counts, minutes less)."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import psutil
import psycopg
import redis

from bench import build, config, db, profile, report
from bench.console_run import console_all
from bench.cpu import measuring
from bench.scenarios import ingest, nearest
from bench.stack import Stack

QUICK = os.environ.get("BENCH_QUICK") == "1"
REQUESTS = 200 if QUICK else 2_000  # per size and concurrency: bounded, and p99 has 20 samples past it
CONCURRENCIES = (1, 4)
# 25 and 50 first: with the app's settings as they are, 100/s is already past what it holds.
RATES = (50, 100) if QUICK else (25, 50, 100, 250, 350, 500, 1_000)
STEP_S = 3.0 if QUICK else 20.0
BATCH = 5  # fixes per request in the batched step
PHONES = 500 if QUICK else 5_000  # 1,000/s means each phone reports every 5 s, as the app does
PROFILE_S = 5 if QUICK else 15
# BENCH_SCENARIOS=alarm,fanout runs a part; the report keeps the other parts' figures from the last
# run that had them (report.carry_over), each marked with its own run.
SCENARIOS = set(os.environ.get("BENCH_SCENARIOS", "nearest,ingest,alarm,fanout").split(","))
LARGEST = max(config.SIZES, key=config.SIZES.get)
BUDGET_S = 14 * 60  # `make bench` must end within ~15 minutes; later steps are skipped past this


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def fixture(stack: Stack, *args: str, module: str = "bench.fixtures") -> dict:
    out = subprocess.run([str(config.VENV_BIN / "python"), "-m", module, *args], cwd=config.ROOT,
                         env=stack.env, check=True, capture_output=True, text=True, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> dict:
    with psycopg.connect(config.conninfo(config.db_name(config.INGEST_DB_SIZE))) as conn:
        versions = db.versions(conn)
    with open("/proc/cpuinfo") as cpuinfo:
        models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    memory_gib = round(psutil.virtual_memory().total / 2**30, 1)
    return {"cores": os.cpu_count(), "cpu": models[0] if models else platform.processor(),
            "memory_gib": memory_gib,
            "python": platform.python_version(), "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
            **versions}


def idle_memory(stack: Stack) -> None:
    """The floor of scenario 5: resident memory after start-up and one request, before load."""
    stack.memory.phase = "idle"
    time.sleep(2)
    stack.memory.sample()


async def nearest_size(size: str, points: list[tuple[float, float]], out: dict, deadline: float,
                       env: dict[str, str] | None = None, profile_it: bool = False) -> None:
    with Stack(config.db_name(size), env) as stack:
        session = fixture(stack, "staff")["session"]
        await nearest.api(stack.base_url, session, points[:20], 1, warmup=0)
        idle_memory(stack)
        stack.memory.phase = f"nearest {size}"
        rows = []
        for concurrency in CONCURRENCIES:
            if time.monotonic() > deadline:
                rows.append({"concurrency": concurrency, "skipped": "time budget"})
                continue
            log(f"nearest {size}: raw KNN floor, then API: {len(points):,} queries each, "
                f"concurrency {concurrency}")
            floor = await nearest.floor(config.conninfo(config.db_name(size)), points, concurrency)
            with measuring(stack.cpu) as cpu:
                api = await nearest.api(stack.base_url, session, points, concurrency)
            api["cpu"] = cpu
            log(f"  -> API p50 {api['p50_ms']} p99 {api['p99_ms']} ms; floor p50 {floor['p50_ms']} "
                f"p99 {floor['p99_ms']} ms; errors {api['errors']}")
            rows.append({"concurrency": concurrency, "api": api, "floor": floor})
        out["nearest"][size] = rows
        if profile_it and (config.VENV_BIN / "py-spy").exists() and time.monotonic() < deadline:
            # Concurrency 1: where one request's time goes, not how requests queue for 2 cores.
            log(f"profiling the web workers (py-spy, {PROFILE_S} s of nearest load at concurrency 1)")
            raw = config.ROOT / "var" / "bench" / "profile-nearest.txt"  # ~1 MB of stacks: not for git
            spy = profile.record(stack.procs["uvicorn"].pid, PROFILE_S, raw)
            try:
                await nearest.api_for(stack.base_url, session, points, PROFILE_S + 1, 1)
                _out, err = spy.communicate(timeout=60)
            finally:
                if spy.poll() is None:
                    os.killpg(spy.pid, signal.SIGKILL)
                    spy.wait(timeout=5)
            out["profile"] = profile.summarise(raw) if raw.exists() else {"error": err.decode()[-500:]}
        out["memory"][f"nearest {size}"] = stack.memory.peaks


async def ingest_all(out: dict, deadline: float, env: dict[str, str] | None = None,
                     step_s: float = STEP_S) -> None:
    name = config.db_name(config.INGEST_DB_SIZE)
    db.ensure_database(name)  # migrate again: the trip tables may have changed since the run began
    with Stack(name, env) as stack:
        log(f"ingest: {PHONES:,} phones with an active trip and a token")
        phones = [tuple(p) for p in fixture(stack, "phones", str(PHONES))["phones"]]
        await ingest.step(stack.base_url, phones, 20, 1)  # warm-up: connections, caches
        idle_memory(stack)
        stack.memory.phase = "ingest"
        log("ingest floor: one-row INSERT round trips through psycopg")
        floor = ingest.floor(config.conninfo(name), phones[0][0])
        # The same 1,000 fixes a second from the same 5,000 phones, each sending its last BATCH
        # fixes every BATCH x 5 s: what the app batching its reports would buy. Before the ramp: a
        # saturated step leaves the server working off requests its clients gave up on.
        rate = RATES[-1] / BATCH
        log(f"ingest, batched: {rate:g} requests/s of {BATCH} fixes for {step_s:g} s")
        with measuring(stack.cpu) as cpu:
            batched = await ingest.step(stack.base_url, phones, rate, step_s, fixes=BATCH)
        batched["cpu"] = cpu
        log(f"  -> p50 {batched['p50_ms']} p99 {batched['p99_ms']} ms errors {batched['errors']}")
        await asyncio.sleep(2)
        steps_budget = max(0.0, deadline - time.monotonic())
        rates = [r for n, r in enumerate(RATES) if n * (step_s + 5) < steps_budget] or list(RATES[:1])
        steps = await ingest.ramp(stack.base_url, phones, rates, step_s, stack.cpu)
        held = [s["offered_per_s"] for s in steps if s.get("held")]
        out["ingest"] = {"floor": floor, "steps": steps, "phones": PHONES, "step_s": step_s,
                         "highest_held_per_s": max(held) if held else None, "batched": batched}
        out["memory"]["ingest"] = stack.memory.peaks


async def main() -> int:
    # SIGTERM (scripts/bench.sh's timeout, Ctrl-C's cousin) cancels the run, so every `with Stack`
    # unwinds and kills the process groups it started.
    main_task = asyncio.current_task()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, main_task.cancel)
    started = time.monotonic()
    deadline = started + BUDGET_S - 120  # leave time to stop and write
    out: dict = {"started_at": datetime.now(UTC).isoformat(timespec="seconds"), "quick": QUICK,
                 "scenarios": sorted(SCENARIOS), "web_workers": config.WEB_WORKERS,
                 "nearest": {}, "ingest": {}, "memory": {}, "profile": {}, "build_s": {}}
    # The bench's own Redis database (config.REDIS_URL): Celery's queue, the channel layer's groups
    # and the cache start empty, so tasks or groups left by an earlier run (or a script run against
    # the bench databases) do not run or receive during this one.
    redis.Redis.from_url(config.REDIS_URL).flushdb()
    # The SMS the last run's guardians were sent (SMS_TRANSPORT=file): one file each, never read.
    shutil.rmtree(config.SMS_DIR, ignore_errors=True)
    log("building or reusing the camera tables")
    # Without scenario 1 only the database the other scenarios use is needed.
    for size in config.SIZES if "nearest" in SCENARIOS else (config.INGEST_DB_SIZE,):
        out["build_s"][size] = round(build.ensure_cameras(size), 1)
    out["machine"] = machine()
    points = nearest.query_points(REQUESTS)
    for size in config.SIZES if "nearest" in SCENARIOS else ():
        if time.monotonic() > deadline:
            out["nearest"][size] = [{"skipped": "time budget"}]
            continue
        await nearest_size(size, points, out, deadline, profile_it=size == LARGEST)
    if "ingest" in SCENARIOS:
        await ingest_all(out, deadline)
    if SCENARIOS & {"alarm", "fanout"} and time.monotonic() < deadline - 60:
        await console_all(out, deadline, SCENARIOS, QUICK, fixture, log)
    out["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out["duration_s"] = round(time.monotonic() - started)
    report.carry_over(out, SCENARIOS)
    report.write(out)
    log(f"done in {out['duration_s']} s: {config.RESULTS / 'latest.json'} and {config.DOCS}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except asyncio.CancelledError:
        print("[bench] stopped before the end; what it started is stopped, no report written", flush=True)
        sys.exit(130)
