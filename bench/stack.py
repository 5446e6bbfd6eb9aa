"""Starts and stops the bench's own uvicorn (config.WEB_WORKERS: 2 unless BENCH_WEB_WORKERS) and
Celery worker, each in its own process group so that one killpg ends every child; samples their
resident memory (scenario 5)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import psutil

from bench import config
from bench.cpu import CpuMeter

LOGS = config.ROOT / "var" / "bench" / "logs"


def _spawn(name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = open(LOGS / f"{name}.log", "ab")  # the child keeps it open
    return subprocess.Popen(argv, cwd=config.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def _stop(proc: subprocess.Popen, grace_s: float = 15.0) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


class MemorySampler(threading.Thread):
    """Peak RSS (MiB) per process and phase, every ``interval`` seconds, from /proc via psutil."""

    def __init__(self, roots: dict[str, int], interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.roots, self.interval = roots, interval
        self.phase = "startup"
        self.peaks: dict[str, dict[str, float]] = {}
        self._stop_event = threading.Event()

    def _labels(self) -> dict[str, psutil.Process]:
        found: dict[str, psutil.Process] = {}
        for role, pid in self.roots.items():
            try:
                root = psutil.Process(pid)
                found[f"{role} (main)"] = root
                helpers = [c for c in root.children(recursive=True)
                           if "resource_tracker" not in " ".join(c.cmdline())]
                for n, child in enumerate(sorted(helpers, key=lambda p: p.pid), start=1):
                    found[f"{role} child {n}"] = child
            except psutil.Error:
                continue
        return found

    def sample(self) -> None:
        phase = self.peaks.setdefault(self.phase, {})
        for label, proc in self._labels().items():
            try:
                rss = proc.memory_info().rss / 2**20
            except psutil.Error:
                continue
            phase[label] = round(max(phase.get(label, 0.0), rss), 1)

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop_event.set()


class Stack:
    """``with Stack(database) as stack:`` — the web server and worker, up and answering."""

    def __init__(self, database: str, extra_env: dict[str, str] | None = None) -> None:
        self.database = database
        self.env = config.server_env(database, extra_env)
        self.base_url = f"http://{config.HOST}:{config.WEB_PORT}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.memory: MemorySampler | None = None
        self.cpu: CpuMeter | None = None

    def __enter__(self) -> Stack:
        bin_ = config.VENV_BIN
        try:
            self.procs["uvicorn"] = _spawn("uvicorn", [
                str(bin_ / "uvicorn"), "hwaseong_safety.asgi:application", "--host", config.HOST,
                "--port", str(config.WEB_PORT), "--workers", str(config.WEB_WORKERS), "--no-access-log",
                "--no-proxy-headers",
            ], self.env)
            self.procs["celery"] = _spawn("celery", [
                str(bin_ / "celery"), "-A", "hwaseong_safety", "worker", "--loglevel", "WARNING",
                "--concurrency", "2", "-n", f"bench-{os.getpid()}@%h", "--without-mingle", "--without-gossip",
            ], self.env)
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.memory = MemorySampler({role: p.pid for role, p in self.procs.items()})
        self.memory.start()
        self.cpu = CpuMeter({"web": self.procs["uvicorn"].pid, "celery": self.procs["celery"].pid})
        return self

    def _wait_ready(self) -> None:
        wait_answering(self.base_url, self.procs, lambda name: LOGS / f"{name}.log")

    def __exit__(self, *_exc: object) -> None:
        if self.memory:
            self.memory.stop()
        for proc in self.procs.values():
            _stop(proc)


def wait_answering(base_url: str, procs: dict[str, subprocess.Popen], log_of: Callable[[str], Path],
                   timeout_s: float = 60.0) -> None:
    """Until the web server answers (any HTTP status: 403 without a session is an answer); fails at
    once if one of ``procs`` exits meanwhile."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for name, proc in procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {log_of(name)}")
        try:
            urllib.request.urlopen(base_url + "/api/v1/cameras/nearest/", timeout=2)
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
            continue
        return
    raise RuntimeError(f"uvicorn did not answer on {base_url} within {timeout_s:.0f} s")


def log_path(name: str) -> Path:
    return LOGS / f"{name}.log"
