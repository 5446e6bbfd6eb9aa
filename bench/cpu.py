"""Where the machine's CPU went during a step: the web workers, the Celery worker, PostgreSQL
(every backend), Redis, the load generator (this process) and the rest of the machine, in cores.

The bench shares two cores between the server and its own load generator, so a latency figure
alone cannot say whether a step was limited by the app's code or by the machine: a step whose
parts add up to ~2 cores was out of CPU. Per request, the server's parts (web + worker + database
+ Redis) are the CPU a request costs, whatever the machine's speed.

Process CPU times come from /proc (psutil); a process that exits during a step takes its time
with it (it then shows in "rest of the machine", which is the machine's busy time minus the
parts). The kernel's interrupt work (on loopback, the network stack's softirqs that carry every
request and every console push) is shown on its own too; the kernel counts it either in the
process it interrupted or in no process (the rest), so it is not added to the others."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import psutil

PARTS = ("web", "celery", "postgres", "redis", "generator")
REST = "rest of the machine"
STEAL = "steal"  # time the hypervisor gave to other guests: a shared host, not our code
IRQ = "interrupts"  # irq + softirq: inside the others (a process's time or the rest), not an extra


PROBE_LOOPS = 1_000_000


def speed_probe() -> float:
    """CPU ms this process takes for a fixed pure-Python loop: the machine's speed right now. On
    this shared host the same loop took from 127 to 242 ms within minutes (2026-11-25), with no
    steal time reported, so each step records it beside its figures."""
    start = time.process_time()
    total = 0
    for i in range(PROBE_LOOPS):
        total += i * i
    return round(1000 * (time.process_time() - start), 1)


def _cpu_s(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return times.user + times.system


class CpuMeter:
    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots  # "web" / "celery" -> the pid of the process group's leader

    def _parts(self) -> dict[str, float]:
        seconds = dict.fromkeys(PARTS, 0.0)
        owner: dict[int, str] = {os.getpid(): "generator"}
        for part, pid in self.roots.items():
            try:
                root = psutil.Process(pid)
                for proc in [root, *root.children(recursive=True)]:
                    owner[proc.pid] = part
            except psutil.Error:
                continue
        for proc in psutil.process_iter(["name"]):
            name = proc.info["name"] or ""
            part = owner.get(proc.pid) or ("postgres" if name.startswith("postgres")
                                            else "redis" if name.startswith("redis-server") else None)
            if part is None:
                continue
            try:
                seconds[part] += _cpu_s(proc)
            except psutil.Error:
                continue
        return seconds

    @staticmethod
    def _machine() -> tuple[float, float, float]:
        """(busy, steal, interrupts) CPU seconds of the whole machine since boot."""
        t = psutil.cpu_times()
        steal = getattr(t, "steal", 0.0)
        busy = sum(t) - t.idle - getattr(t, "iowait", 0.0) - steal - getattr(t, "guest", 0.0) \
            - getattr(t, "guest_nice", 0.0)  # guest time is counted in user already
        return busy, steal, getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0)

    @contextmanager
    def measure(self) -> Iterator[dict]:
        """``with meter.measure() as cpu:`` ... then ``cpu`` holds the cores each part used on
        average over the block (1.0 = one core busy all the time)."""
        out: dict = {"probe_ms": speed_probe()}  # before the step: the probe's CPU is not counted
        start_parts, (start_busy, start_steal, start_irq) = self._parts(), self._machine()
        start = time.perf_counter()
        try:
            yield out
        finally:
            wall = time.perf_counter() - start
            end_parts, (end_busy, end_steal, end_irq) = self._parts(), self._machine()
            used = {p: max(0.0, end_parts[p] - start_parts[p]) for p in PARTS}
            busy = end_busy - start_busy
            out.update(cores_of(used, busy, end_steal - start_steal, wall, irq=end_irq - start_irq))
            out["probe_after_ms"] = speed_probe()


def cores_of(used: dict[str, float], busy: float, steal: float, wall: float, irq: float = 0.0) -> dict:
    """CPU seconds over ``wall`` seconds -> average cores per part, the machine's total and the
    server's CPU seconds (for a per-request figure)."""
    if wall <= 0:
        return {}
    cores = {p: round(used.get(p, 0.0) / wall, 3) for p in PARTS}
    cores[REST] = round(max(0.0, busy - sum(used.values())) / wall, 3)
    cores[IRQ] = round(max(0.0, irq) / wall, 3)
    cores[STEAL] = round(max(0.0, steal) / wall, 3)
    return {"wall_s": round(wall, 2), "cores": cores, "busy_cores": round(busy / wall, 3),
            "machine_cores": psutil.cpu_count() or 1,
            "server_cpu_s": round(sum(used.get(p, 0.0) for p in ("web", "celery", "postgres", "redis")), 3)}


def per_request_ms(cpu: dict, requests: int) -> float | None:
    """The server's CPU per answered request (web + worker + database + Redis), in ms."""
    if not cpu or not requests:
        return None
    return round(1000 * cpu["server_cpu_s"] / requests, 2)


def measuring(meter: CpuMeter | None) -> AbstractContextManager[dict]:
    """``meter.measure()``, or a block that measures nothing when there is no meter."""
    return meter.measure() if meter is not None else nullcontext({})
