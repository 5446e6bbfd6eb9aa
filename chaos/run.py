"""`make chaos` (issue 6): an SOS burst against a stack on loopback while, in turn, Redis is killed
and restarted empty, the Celery worker is SIGKILLed mid-send, and PostgreSQL refuses connections;
then checks that every SOS was stored and shown, every guardian SMS went out exactly once, and the
consoles are back in sync. Writes var/chaos/latest.json and the figures in docs/reliability.md;
exits 1 if anything was lost. Bounded (scripts/chaos.sh stops it after 10 minutes)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import aiohttp
import psycopg

from bench import config as bench_config
from bench import db as bench_db
from chaos import report
from chaos.consoles import Console
from chaos.proxy import RefusingProxy
from chaos.services import DATABASE, HOST, PG_PORT, PG_PROXY_PORT, VAR, App, OwnRedis
from chaos.sos import Phones
from tests.fakes.sms_server import FakeSmsServer, gateway_success

CITIZENS = 120
CONSOLES = 10
RATE = 3.0  # SOS a second, all through the run: 6 guardian SMS a second
GATEWAY_LATENCY_S = 0.1  # the provider's answer comes this long after it accepted the SMS
FAULT_AT_S, DOWN_S = 3.0, 6.0
SMS_DRAIN_S = 180.0  # lost tasks wait for the sweep: rows older than 60 s, every SMS_SWEEP_SECONDS
SYNC_LIMIT_S = 45.0  # the consoles' own 30 s resync bounds it


def log(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", flush=True)


def app_env(redis_url: str, gateway_url: str) -> dict[str, str]:
    env = bench_config.server_env(DATABASE, {
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "hwaseong-chaos",
        "SMS_TRANSPORT": "http",
        "SMS_HTTP_URL": gateway_url + "/send",
        "SMS_HTTP_ID_PATH": "result.messageId",
        "SMS_HTTP_IDEMPOTENCY_HEADER": "Idempotency-Key",
        "SMS_SWEEP_SECONDS": "10",
        "SMS_SEND_LEASE_SECONDS": "15",
        "LOG_LEVEL": "WARNING",
    })
    # Through the proxy, which the run makes refuse.
    env["DATABASE_URL"] = env["DATABASE_URL"].replace(f":{PG_PORT}/", f":{PG_PROXY_PORT}/")
    if f":{PG_PROXY_PORT}/" not in env["DATABASE_URL"]:
        raise SystemExit(f"chaos needs DATABASE_URL on {HOST}:{PG_PORT} (got {env['DATABASE_URL']})")
    return env


def fixtures(env: dict[str, str]) -> dict:
    direct = dict(env, DATABASE_URL=bench_config.db_url(DATABASE))
    argv = [str(bench_config.VENV_BIN / "python"), "-m", "chaos.fixtures", "world", str(CITIZENS),
            str(CONSOLES)]
    out = subprocess.run(argv, cwd=bench_config.ROOT, env=direct, check=True, capture_output=True,
                         text=True, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


class Faults:
    def __init__(self, own_redis: OwnRedis, proxy: RefusingProxy, app: App) -> None:
        self.redis, self.proxy, self.app = own_redis, proxy, app
        self.log: list[dict] = []

    async def _window(self, phase: str, what: str, down: object, up: object) -> None:
        await asyncio.sleep(FAULT_AT_S)
        started = time.perf_counter()
        await asyncio.to_thread(down)
        log(f"  fault: {what}")
        await asyncio.sleep(DOWN_S)
        await asyncio.to_thread(up)
        self.log.append({"phase": phase, "what": what, "down_s": round(time.perf_counter() - started, 1)})
        log(f"  {phase} back after {self.log[-1]['down_s']} s")

    def redis_down(self) -> asyncio.Task:
        return asyncio.create_task(self._window(
            "redis", "Redis SIGKILLed, restarted empty (no persistence)", self.redis.kill, self.redis.start))

    def worker_down(self) -> asyncio.Task:
        return asyncio.create_task(self._window(
            "worker", "Celery worker SIGKILLed with SMS sends in flight, restarted", self.app.kill_worker,
            self.app.start_worker))

    def postgres_down(self) -> asyncio.Task:
        return asyncio.create_task(self._window(
            "postgres", "PostgreSQL connections cut and new ones refused", self.proxy.refuse,
            self.proxy.accept))


async def run_phases(app: App, faults: Faults, world: dict, consoles: list[Console]) -> Phones:
    phases = (("steady", 10.0, None), ("redis", 20.0, faults.redis_down),
              ("worker", 15.0, faults.worker_down), ("postgres", 20.0, faults.postgres_down),
              ("after", 10.0, None))
    async with Phones(app.base_url, world["tokens"], world["point"]) as phones:
        for phase, seconds, fault in phases:
            log(f"phase {phase}: {RATE:g} SOS/s for {seconds:g} s")
            window = fault() if fault else None
            await phones.burst(phase, RATE, seconds)
            if window is not None:
                await window
        log("waiting for every phone's SOS to be stored (the app retries with the same client_id)")
    return phones


EXPECTED_SMS = (
    # One text per guardian who had not declined, for every stored SOS of the run: from the
    # database, whatever the fixtures made (they once made four guardians where this assumed two).
    "SELECT count(*) FROM alerts_alert a JOIN guardians_guardian g ON g.citizen_id = a.citizen_id "
    "AND g.declined_at IS NULL WHERE a.kind = 'sos' AND a.client_id::text = ANY(%s)"
)


def expected_sms(conninfo: str, client_ids: list[str]) -> int:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(EXPECTED_SMS, [client_ids]).fetchone()[0]


def database_state(conninfo: str, center: str, client_ids: list[str]) -> dict:
    with psycopg.connect(conninfo) as conn:
        stored = conn.execute(
            "SELECT client_id::text, count(*) FROM alerts_alert WHERE client_id::text = ANY(%s) GROUP BY 1",
            [client_ids]).fetchall()
        open_ids = {row[0] for row in conn.execute(
            "SELECT a.id FROM alerts_alert a JOIN operators_center c ON c.id = a.center_id "
            "WHERE c.code = %s AND a.status IN ('received', 'claimed', 'acknowledged', 'dispatched')",
            [center]).fetchall()}
        sms = conn.execute("SELECT id, \"to\", body, status, attempts FROM guardians_smsmessage "
                           "WHERE purpose = 'sos'").fetchall()
        disclosed = conn.execute(
            "SELECT count(*) FROM alerts_disclosure "
            "WHERE alert_id IS NOT NULL AND recipient_kind = 'guardian'"
        ).fetchone()[0]
        expected = conn.execute(EXPECTED_SMS, [client_ids]).fetchone()[0]
    return {"stored": dict(stored), "open_ids": open_ids, "sms": sms, "disclosed": disclosed,
            "expected_sms": expected}


async def wait_sms(conninfo: str, expected: int) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < SMS_DRAIN_S:
        with psycopg.connect(conninfo) as conn:
            waiting = conn.execute("SELECT count(*) FROM guardians_smsmessage WHERE purpose = 'sos' "
                                   "AND status = 'queued'").fetchone()[0]
            rows = conn.execute("SELECT count(*) FROM guardians_smsmessage "
                                "WHERE purpose = 'sos'").fetchone()[0]
        if rows >= expected and waiting == 0:
            break
        await asyncio.sleep(2)
    return time.perf_counter() - start


async def wait_sync(consoles: list[Console], open_ids: set[int]) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < SYNC_LIMIT_S:
        if all(c.shown == open_ids for c in consoles):
            return time.perf_counter() - start
        await asyncio.sleep(0.5)
    return None


async def main() -> int:
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    log(f"database {DATABASE} (created and migrated when missing)")
    bench_db.ensure_database(DATABASE)
    conninfo = bench_config.conninfo(DATABASE)
    own_redis = OwnRedis().start()
    proxy = RefusingProxy(PG_PROXY_PORT, PG_PORT).start()
    gateway = FakeSmsServer(success=gateway_success, idempotency_header="Idempotency-Key",
                            latency=GATEWAY_LATENCY_S).start()
    env = app_env(own_redis.url, gateway.url)
    world = fixtures(env)
    log(f"fixtures: {world['citizens']} citizens with {world['guardians']} guardians in all, "
        f"{CONSOLES} operator consoles")
    app = App(env)
    consoles: list[Console] = []
    tasks: list[asyncio.Task] = []
    try:
        log(f"starting uvicorn, a Celery worker and beat; Redis on :{own_redis.port}, "
            f"PostgreSQL through :{PG_PROXY_PORT}")
        app.start()
        faults = Faults(own_redis, proxy, app)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                         cookie_jar=aiohttp.DummyCookieJar()) as ws_http:
            url = app.base_url.replace("http", "ws", 1) + "/ws/console/"
            consoles = [Console(i, url, app.base_url, key) for i, key in enumerate(world["sessions"])]
            tasks = [asyncio.create_task(c.run(ws_http)) for c in consoles]
            await asyncio.sleep(3)
            phones = await run_phases(app, faults, world, consoles)
            stored_ids = {s.alert_id for s in phones.sent if s.alert_id is not None}
            log(f"{len(stored_ids)}/{len(phones.sent)} SOS stored; waiting for the SMS outbox to empty")
            client_ids = [s.client_id for s in phones.sent]
            sms_wait_s = await wait_sms(conninfo, expected=expected_sms(conninfo, client_ids))
            state = database_state(conninfo, world["center"], client_ids)
            log("waiting for the consoles to show the database's open alerts")
            sync_s = await wait_sync(consoles, state["open_ids"])
            for console in consoles:
                await console.stop()
            await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for task in tasks:
            task.cancel()
        app.stop()
        proxy.stop()
        gateway.stop()
        own_redis.stop()
    result = report.build(started=started, duration_s=time.perf_counter() - t0, faults=faults.log,
                          phones=phones, consoles=consoles, state=state, gateway=gateway,
                          sms_wait_s=sms_wait_s, sync_s=sync_s, proxy=proxy,
                          settings={"citizens": CITIZENS, "consoles": CONSOLES, "rate_per_s": RATE,
                                    "down_s": DOWN_S, "gateway_latency_s": GATEWAY_LATENCY_S,
                                    "loadavg": [round(x, 2) for x in os.getloadavg()]})
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    report.write_docs(result)
    for line in report.lines(result):
        log(line)
    return 0 if not result["losses"] else 1


def _terminated(*_args: object) -> None:
    raise SystemExit("stopped by SIGTERM (scripts/chaos.sh's time limit)")  # the finally stops everything


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminated)
    sys.exit(asyncio.run(main()))
