"""Scenarios 2 and 4 of `make bench` (the operator console), on one stack over the ingest database:
fixtures, floors measured in the same run, the scenarios, a py-spy profile of the fan-out."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Callable

from bench import config, db, profile
from bench.console_fixtures import CENTER
from bench.scenarios import alarm, consoles
from bench.stack import Stack
from bench.stats import summary

ALARM_CONSOLES = 50  # operators of one center with the console open
FANOUT_CONSOLES = 200
SOS_PHONES = 200  # 1,200 SOS in turns: 6 each a minute, far below the `sos` throttle (120/min)
# 20/s is the target's rate; 1/s first shows the latency of one SOS when nothing queues.
SOS_STEPS = ((1.0, 20.0), (20.0, 60.0))
SOS_STEPS_QUICK = ((1.0, 5.0), (20.0, 10.0))
FLOOR_SAMPLES = 500
PROFILE_EVENTS = 50  # uncounted events after the measured ones, under py-spy for PROFILE_S
PROFILE_S = 8


def _floor_pairs(inserts: list[float], pubsub: list[float]) -> list[float]:
    """The SOS floor, sample by sample: one INSERT round trip plus one pub/sub round trip."""
    return [a + b for a, b in zip(inserts, pubsub, strict=False)]


async def _alarm(stack: Stack, out: dict, quick: bool, fixture: Callable, log: Callable) -> None:
    steps = SOS_STEPS_QUICK if quick else SOS_STEPS
    sessions = fixture(stack, "consoles", str(ALARM_CONSOLES), "operator", CENTER,
                       module="bench.console_fixtures")["sessions"]
    sos = fixture(stack, "sos", str(SOS_PHONES), CENTER, module="bench.console_fixtures")
    log("alarm floor: one-row INSERT + commit, and a Redis PUBLISH to one subscriber")
    inserts = consoles.insert_round_trips(config.conninfo(stack.database), FLOOR_SAMPLES)
    pubsub = await consoles.redis_fanout(config.REDIS_URL, 1, FLOOR_SAMPLES)
    log(f"alarm: {ALARM_CONSOLES} operator consoles of {CENTER}, SOS steps (per s, s) {steps}")
    stack.memory.phase = f"{ALARM_CONSOLES} consoles"
    result = await alarm.sos_to_screen(stack.base_url, sessions, sos["tokens"], sos["point"], steps,
                                       meter=stack.cpu, conninfo=config.conninfo(stack.database))
    result["floor"] = summary(_floor_pairs(inserts, pubsub))
    result["floor_insert"], result["floor_pubsub"] = summary(inserts), summary(pubsub)
    log(f"  -> floor p99 {result['floor']['p99_ms']} ms")
    result["guardians"] = sos.get("guardians", 0)
    out["alarm"] = result


async def _fanout(stack: Stack, out: dict, quick: bool, fixture: Callable, log: Callable) -> None:
    events = 20 if quick else 100
    sessions = fixture(stack, "consoles", str(FANOUT_CONSOLES), "operator", CENTER,
                       module="bench.console_fixtures")["sessions"]
    messages = fixture(stack, "alerts", str(events + PROFILE_EVENTS), CENTER,
                       module="bench.console_fixtures")["messages"]
    log(f"fan-out floor: Redis PUBLISH to {FANOUT_CONSOLES} subscribers, until the last has it")
    floor = await consoles.redis_fanout(config.REDIS_URL, FANOUT_CONSOLES, events)
    log(f"fan-out: {events} events, one at a time, to {FANOUT_CONSOLES} operator consoles of {CENTER}")
    stack.memory.phase = f"{FANOUT_CONSOLES} consoles"
    groups = [f"center.{CENTER}", "centers.all"]  # alerts.publish sends such an alert here
    raw = config.ROOT / "var" / "bench" / "profile-fanout.txt"
    raw.unlink(missing_ok=True)
    spies: list = []

    def start_profile() -> None:
        # After the measured events, so the sampler's own CPU does not weigh on the figures.
        if (config.VENV_BIN / "py-spy").exists():
            log(f"profiling the web workers (py-spy) over {len(messages) - events} more fan-out events")
            spies.append(profile.record(stack.procs["uvicorn"].pid, PROFILE_S, raw))

    try:
        result = await alarm.fanout(stack.base_url, config.REDIS_URL, sessions, messages[:events], groups,
                                    extra=messages[events:], before_extra=start_profile,
                                    extra_s=PROFILE_S + 2)
    finally:
        for spy in spies:
            try:
                spy.wait(timeout=PROFILE_S + 30)
            except subprocess.TimeoutExpired:
                os.killpg(spy.pid, signal.SIGKILL)
                spy.wait(timeout=5)
    result["floor"] = summary(floor)
    if raw.exists():
        out["console_profile"] = profile.summarise(
            raw, marks=profile.CONSOLE_MARKS, parts_of=profile.CONSOLE_PARTS, inner=profile.CONSOLE_INNER)
    log(f"  -> last console p50 {result['last']['p50_ms']} p99 {result['last']['p99_ms']} ms; floor p99 "
        f"{result['floor']['p99_ms']} ms; missing {result['missing']}; connect {result['connect_s']} s")
    out["fanout"] = result


async def console_all(out: dict, deadline: float, scenarios: set[str], quick: bool,
                      fixture: Callable, log: Callable) -> None:
    name = config.db_name(config.INGEST_DB_SIZE)
    db.ensure_database(name)
    with Stack(name) as stack:
        stack.memory.phase = "idle"
        await asyncio.sleep(2)
        stack.memory.sample()
        # Seconds each took in the run of 2026-11-25 00:35 (quick: 00:30); one is started only if it
        # ends before `make bench`'s hard limit (the deadline leaves 2 minutes, we use 1 of them).
        plan = (("alarm", _alarm, 60 if quick else 150), ("fanout", _fanout, 200 if quick else 240))
        for name, run, took_s in plan:
            if name not in scenarios:
                continue
            if time.monotonic() + took_s > deadline + 60:
                out[name] = {"skipped": "time budget"}
                continue
            await run(stack, out, quick, fixture, log)
        out["memory"]["consoles"] = stack.memory.peaks
