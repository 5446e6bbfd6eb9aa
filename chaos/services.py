"""What `make chaos` starts on loopback and breaks: its own Redis, the proxy in front of
PostgreSQL, uvicorn, a Celery worker and beat. Never the machine's shared servers."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import redis

from bench import config as bench_config
from bench.stack import _spawn, _stop, wait_answering

ROOT = bench_config.ROOT
VAR = ROOT / "var" / "chaos"
HOST = "127.0.0.1"
WEB_PORT = int(os.environ.get("CHAOS_WEB_PORT", "18865"))
REDIS_PORT = int(os.environ.get("CHAOS_REDIS_PORT", "16390"))
PG_PROXY_PORT = int(os.environ.get("CHAOS_PG_PROXY_PORT", "15440"))
PG_PORT = 5432
DATABASE = "hwaseong_chaos"


def spawn(name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    return _spawn(f"chaos-{name}", argv, env)


def log_file(name: str) -> Path:
    return bench_config.ROOT / "var" / "bench" / "logs" / f"chaos-{name}.log"


class OwnRedis:
    """redis-server on its own port, keeping nothing on disk, like the machine's: a kill loses
    every queued task, channel group and counter, which is the point."""

    def __init__(self, port: int = REDIS_PORT) -> None:
        self.port, self.proc = port, None
        self.url = f"redis://{HOST}:{port}/0"

    def start(self) -> OwnRedis:
        self.proc = spawn("redis", ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",
                                    "--appendonly", "no", "--daemonize", "no"], dict(os.environ))
        client = redis.Redis(host=HOST, port=self.port, socket_connect_timeout=1)
        for _ in range(50):
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server on port {self.port} did not answer; see {log_file('redis')}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)

    def stop(self) -> None:
        self.kill()


class App:
    """uvicorn (two workers, as bench), one Celery worker and beat, with ``env``."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.procs: dict[str, subprocess.Popen] = {}
        self.base_url = f"http://{HOST}:{WEB_PORT}"

    def start(self) -> App:
        bin_ = bench_config.VENV_BIN
        VAR.mkdir(parents=True, exist_ok=True)
        self.procs["uvicorn"] = spawn("uvicorn", [
            str(bin_ / "uvicorn"), "hwaseong_safety.asgi:application", "--host", HOST,
            "--port", str(WEB_PORT), "--workers", "2", "--no-access-log", "--no-proxy-headers"], self.env)
        self.start_worker()
        self.procs["beat"] = spawn("beat", [
            str(bin_ / "celery"), "-A", "hwaseong_safety", "beat", "--loglevel", "WARNING",
            "--schedule", str(VAR / "beat-schedule")], self.env)
        self._wait_web()
        return self

    def start_worker(self) -> None:
        self.procs["worker"] = spawn("worker", [
            str(bench_config.VENV_BIN / "celery"), "-A", "hwaseong_safety", "worker", "--loglevel", "WARNING",
            "--concurrency", "2", "-n", f"chaos-{os.getpid()}-{time.monotonic_ns()}@%h",
            "--without-mingle", "--without-gossip"], self.env)

    def kill_worker(self) -> None:
        """SIGKILL to the worker and its pool children at once: no warm shutdown, no ack."""
        proc = self.procs["worker"]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)

    def _wait_web(self) -> None:
        wait_answering(self.base_url, self.procs, log_file)

    def stop(self) -> None:
        for proc in self.procs.values():
            _stop(proc)
