"""bench/cpu.py: a step's CPU is put on the part that used it (no timing asserted: CPU seconds a
child process is known to have spent are looked for where they belong)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from bench import report
from bench.cpu import IRQ, REST, CpuMeter, cores_of, per_request_ms

# Spins until it has used 0.3 s of CPU, says so, then sleeps until killed: its time is all in the
# measured block and it is still alive (its CPU still readable) when the block ends.
SPIN = """
import time
while time.process_time() < 0.3:
    pass
print("spent", flush=True)
time.sleep(60)
"""
# A server's root process that starts a worker (the spinner) as its child, as uvicorn does.
ROOT = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', sys.argv[1]]); time.sleep(60)"


def test_a_worker_of_a_root_is_counted_on_the_roots_part() -> None:
    meter = CpuMeter({})
    with meter.measure() as cpu:
        root = subprocess.Popen([sys.executable, "-c", ROOT, SPIN], stdout=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            meter.roots["web"] = root.pid
            assert root.stdout.readline().strip() == "spent"
        except BaseException:
            os.killpg(root.pid, signal.SIGKILL)
            raise
    os.killpg(root.pid, signal.SIGKILL)
    root.wait()
    assert cpu["cores"]["web"] * cpu["wall_s"] >= 0.29  # the worker's 0.3 s, not lost, not elsewhere
    assert cpu["cores"]["celery"] == 0.0
    assert 0 <= cpu["cores"][IRQ] <= cpu["busy_cores"]  # the kernel's interrupt work, read from /proc/stat
    assert cpu["server_cpu_s"] >= 0.29
    assert cpu["probe_ms"] > 0 and cpu["probe_after_ms"] > 0  # the host's speed, before and after


def test_cores_and_per_request_cost() -> None:
    cpu = cores_of({"web": 3.0, "postgres": 1.0, "generator": 2.0}, busy=7.0, steal=0.5, wall=4.0, irq=0.6)
    assert cpu["cores"]["web"] == 0.75 and cpu["cores"]["generator"] == 0.5
    assert cpu["cores"][REST] == 0.25  # busy 7 s minus the 6 s the parts account for
    assert cpu["cores"][IRQ] == 0.15  # shown on its own, not added: busy stays 7 s
    assert cpu["busy_cores"] == 1.75 and cpu["server_cpu_s"] == 4.0  # the generator is not the server
    assert per_request_ms(cpu, 400) == 10.0
    assert per_request_ms({}, 400) is None and per_request_ms(cpu, 0) is None


def test_report_has_a_cpu_row_per_measured_step() -> None:
    cpu = cores_of({"web": 1.0}, busy=1.5, steal=0.0, wall=1.0)
    results = {
        "nearest": {"1.6M": [{"concurrency": 1, "api": {"n": 100, "cpu": cpu}}, {"skipped": "time budget"}]},
        "ingest": {"steps": [{"offered_per_s": 250, "n": 500, "cpu": cpu},
                             {"offered_per_s": 500, "skipped": "the previous step was saturated"}]},
        "alarm": {"consoles": 50, "steps": [{"rate_per_s": 20, "answered": 10, "cpu": {}}]},
    }
    rows = [r for r in report._cpu_rows(results) if r.startswith("| 1 ") or r.startswith("| 3 ")]
    assert len(rows) == 2  # the alarm step has no CPU figures: no row
    assert rows[0].startswith("| 1 nearest 1.6M, concurrency 1 | 1.00 |")
    assert rows[0].endswith("| 10.0 | – / – |")  # no probe in these figures
    assert rows[1].startswith("| 3 ingest, 250/s offered |") and rows[1].endswith("| 2.0 | – / – |")
