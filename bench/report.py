"""bench/results/latest.json and the Markdown of docs/benchmarks.md, from one run's results."""

from __future__ import annotations

import json
import math

from bench import config, report_console
from bench.cpu import IRQ, PARTS, REST, STEAL, per_request_ms
from bench.report_console import carry_over  # noqa: F401 - run.py's one import for writing results
from bench.stats import ratio

NEAREST_P99_TARGET_MS = 15.0
NEAREST_FLOOR_FACTOR = 3.0
QUICK_NOTE = " (BENCH_QUICK: a shape check, not figures)"
TODO = "not measured in this run"


def _ms(value: float | None) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.1f}"


def _met(api: dict, floor: dict) -> str:
    ok = (api["p99_ms"] <= NEAREST_P99_TARGET_MS and api["errors"] == 0
          and api["p99_ms"] <= NEAREST_FLOOR_FACTOR * floor["p99_ms"])
    return "yes" if ok else "**no**"


def _nearest_rows(results: dict) -> list[str]:
    lines = [
        "| cameras | concurrency | API p50 | floor p50 | × | API p99 | floor p99 | × | errors | target met |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|:--|",
    ]
    largest = max(config.SIZES, key=config.SIZES.get)
    for size, rows in results["nearest"].items():
        for row in rows:
            if "skipped" in row:
                lines.append(f"| {size} | {row.get('concurrency', '–')} | skipped: {row['skipped']} "
                             "| | | | | | | |")
                continue
            api, floor = row["api"], row["floor"]
            met = _met(api, floor) if size == largest else "–"
            lines.append(
                f"| {size} | {row['concurrency']} | {_ms(api['p50_ms'])} | {_ms(floor['p50_ms'])} "
                f"| {ratio(api['p50_ms'], floor['p50_ms'])} | {_ms(api['p99_ms'])} | {_ms(floor['p99_ms'])} "
                f"| {ratio(api['p99_ms'], floor['p99_ms'])} | {api['errors']} | {met} |"
            )
    return lines


def _ingest_rows(results: dict) -> list[str]:
    ingest = results.get("ingest") or {}
    if not ingest:
        return ["Not run."]
    floor = ingest["floor"]
    lines = [
        f"Floor (one-row INSERT + commit through psycopg, sequential): p50 {_ms(floor['p50_ms'])} ms, "
        f"p99 {_ms(floor['p99_ms'])} ms. {ingest['phones']:,} phones, steps of {ingest['step_s']:g} s; "
        "latency counts from each request's due time (open loop).",
        "",
        "| offered /s | achieved /s | p50 | × floor | p99 | × floor | errors | held |",
        "|---:|---:|---:|---:|---:|---:|---:|:--|",
    ]
    for step in ingest["steps"]:
        if "skipped" in step:
            lines.append(f"| {step['offered_per_s']:g} | skipped: {step['skipped']} | | | | | | |")
            continue
        kinds = ", ".join(f"{k}: {v}" for k, v in step["error_kinds"].items())
        lines.append(
            f"| {step['offered_per_s']:g} | {step['achieved_per_s']:g} | {_ms(step['p50_ms'])} "
            f"| {ratio(step['p50_ms'], floor['p50_ms'])} | {_ms(step['p99_ms'])} "
            f"| {ratio(step['p99_ms'], floor['p99_ms'])} | {step['errors']}{f' ({kinds})' if kinds else ''} "
            f"| {'yes' if step['held'] else 'no'} |"
        )
    held = ingest.get("highest_held_per_s")
    lines += ["", f"**Highest rate held: {f'{held:g} updates/s' if held else 'none of the steps'}.**"]
    if ingest.get("batched"):
        lines += ["", _batched_note(ingest["batched"])]
    return lines


def _batched_note(b: dict) -> str:
    n, done = b["fixes_per_request"], b["achieved_per_s"]
    return (f"Batched: the same 1,000 fixes a second from the same phones, each phone sending its last {n} "
            f"fixes (5 s apart) every {5 * n} s as one request: {b['offered_per_s']:g} requests/s offered, "
            f"{done:g}/s achieved ({done * n:,.0f} fixes/s), p50 {_ms(b['p50_ms'])} ms, p99 "
            f"{_ms(b['p99_ms'])} ms, {b['errors']} errors: **{'held' if b['held'] else 'not held'}**. Not "
            "what the app does today (it sends each fix as it comes); the endpoint takes 1 to 100 a request.")


def _memory_rows(results: dict) -> list[str]:
    lines = ["| stack under | process | idle RSS MiB (floor) | peak RSS MiB under load | × |",
             "|:--|:--|---:|---:|---:|"]
    for stack, phases in results["memory"].items():
        idle = phases.get("idle", {})
        loaded = {label: mib for phase, peaks in phases.items() if phase not in ("idle", "startup")
                  for label, mib in peaks.items()}
        for label in sorted(loaded):
            lines.append(f"| {stack} | {label} | {_ms(idle.get(label))} | {_ms(loaded[label])} "
                         f"| {ratio(loaded[label], idle.get(label, math.nan))} |")
    return lines


def _profile_rows(results: dict) -> list[str]:
    prof = results.get("profile") or {}
    if not prof.get("request_samples"):
        return [f"No profile ({prof.get('error', 'not run')})."]
    lines = [f"py-spy, wall clock (idle included), {prof['request_samples']:,} samples of request handling "
             "in the two web workers at 1.6M cameras, one request at a time; shares are inclusive.", "",
             "| part of the request | share |", "|:--|---:|"]
    inner = " (inside nearest_camera_rows())"
    lines += [f"| {label.strip()}{inner if label.startswith('  ') else ''} | {share} % |"
              for label, share in prof["parts"].items()]
    lines += ["", "Top frames where the samples were (leaf):", "", "| frame | share |", "|:--|---:|"]
    lines += [f"| `{frame}` | {share} % |" for frame, share in prof["top_leaves"]]
    return lines


def _cpu_steps(results: dict) -> list[tuple[str, dict, int]]:
    """(step, its CPU figures, answered requests) of every step that was measured."""
    steps = [(f"1 nearest {size}, concurrency {row['concurrency']}", row["api"].get("cpu"), row["api"]["n"])
             for size, rows in results["nearest"].items() for row in rows if "api" in row]
    alarm = results.get("alarm") or {}
    steps += [(f"2 SOS {step['rate_per_s']:g}/s to {alarm.get('consoles', '?')} consoles", step.get("cpu"),
               step["answered"]) for step in alarm.get("steps", [])]
    ingest = results.get("ingest") or {}
    steps += [(f"3 ingest, {step['offered_per_s']:g}/s offered", step.get("cpu"), step["n"])
              for step in ingest.get("steps", []) if "skipped" not in step]
    if ingest.get("batched"):
        b = ingest["batched"]
        label = f"3 ingest, {b['offered_per_s']:g}/s × {b['fixes_per_request']} fixes"
        steps.append((label, b.get("cpu"), b["n"]))
    return [(label, cpu, n) for label, cpu, n in steps if cpu]


def _cpu_rows(results: dict) -> list[str]:
    steps = _cpu_steps(results)
    if not steps:
        return ["Not measured in this run."]
    cores = steps[0][1]["machine_cores"]
    lines = [
        f"Average cores in use over each step's sending window (this machine has {cores}; 1.0 = one core "
        "all the time), from /proc (bench/cpu.py). *generator* is the bench's own load generator, on the "
        "same cores; *rest of the machine* is everything else that ran (other processes, short-lived "
        "ones); *interrupts* is the kernel's irq and softirq time, mostly the loopback network carrying "
        "requests and console pushes, already inside the other columns (in the process it interrupted, "
        "or the rest), not added to them; *steal* is time "
        "the hypervisor gave to other guests. *Server CPU per request* adds web, "
        "Celery, PostgreSQL and Redis: what one answered request cost the server, whatever the load "
        "(for an SOS, its request and its pushes to every console). *Probe* is the CPU ms a fixed "
        "pure-Python loop took in the generator just before and after the step (bench/cpu.py "
        "speed_probe): the host's speed at that moment, which varies by up to 2× within minutes.",
        "",
        "| step | " + " | ".join(PARTS) + f" | {REST} | {IRQ} | {STEAL} | busy | server CPU per request "
        "(ms) | probe ms |",
        "|:--|" + "--:|" * (len(PARTS) + 6),
    ]
    for label, cpu, n in steps:
        c = cpu["cores"]
        cells = " | ".join(f"{c.get(p, 0):.2f}" for p in (*PARTS, REST, IRQ, STEAL))
        per_request = _ms(per_request_ms(cpu, n))
        probe = f"{_ms(cpu.get('probe_ms'))} / {_ms(cpu.get('probe_after_ms'))}"
        lines.append(f"| {label} | {cells} | {cpu['busy_cores']:.2f} of {cores} | {per_request} | {probe} |")
    return lines


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _ingest_summary(ingest: dict) -> list[str]:
    held, floor = ingest.get("highest_held_per_s"), ingest["floor"]["p99_ms"]
    figure = f"highest rate held: {f'{held:g}/s' if held else 'none'}"
    rows = [f"| 3 location ingest, one fix a request | {figure} | INSERT p99 {_ms(floor)} ms | "
            f"| 1,000/s, p99 ≤ 100 ms, no errors | {_yes(bool(held) and held >= 1_000)} |"]
    b = ingest.get("batched")
    if b:
        figure = f"1,000 fixes/s: p99 {_ms(b['p99_ms'])} ms, {b['errors']} errors"
        rows.append(f"| 3 location ingest, {b['fixes_per_request']} fixes a request (not the app today) "
                    f"| {figure} | INSERT p99 {_ms(floor)} ms | {ratio(b['p99_ms'], floor)} "
                    f"| p99 ≤ 100 ms, no errors | {_yes(b['held'])} |")
    return rows


def _summary_rows(results: dict) -> list[str]:
    lines = ["| scenario | figure | floor | × | target | met |", "|:--|:--|--:|--:|:--|:--|"]
    largest = max(config.SIZES, key=config.SIZES.get)
    for row in results["nearest"].get(largest, []):
        if "api" in row:
            api, floor = row["api"], row["floor"]
            lines.append(f"| 1 nearest, {largest} cameras, concurrency {row['concurrency']} | API p99 "
                         f"{_ms(api['p99_ms'])} ms | {_ms(floor['p99_ms'])} ms | "
                         f"{ratio(api['p99_ms'], floor['p99_ms'])} | ≤ 15 ms and ≤ 3× | {_met(api, floor)} |")
    console = report_console.summary_rows(results)
    lines.append(console.get("2", f"| 2 alarm to console | {TODO} | | | | |"))
    ingest = results.get("ingest") or {}
    if ingest:
        lines += _ingest_summary(ingest)
    lines.append(console.get("4", f"| 4 console fan-out | {TODO} | | | | |"))
    peaks = [mib for phases in results["memory"].values() for phase, labels in phases.items()
             if phase not in ("idle", "startup")
             for label, mib in labels.items() if label.startswith("uvicorn child")]
    if peaks:
        lines.append(f"| 5 memory | web worker peak RSS {max(peaks):.0f} MiB | | | | |")
    return lines


def markdown(results: dict) -> str:
    m = results["machine"]
    notes = config.NOTES.read_text() if config.NOTES.exists() else ""
    parts = [
        "# Benchmarks (issue 7)",
        "",
        "Generated by `make bench` (bench/run.py); raw numbers in bench/results/latest.json. Each figure "
        "stands beside its floor, measured in the same run on the same machine, and the ratio (×): the "
        "machine is shared and noisy, so the ratio is the figure to compare between runs.",
        "",
        f"Run {results['started_at']}, {results['duration_s']} s{QUICK_NOTE if results['quick'] else ''}."
        f" Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, PostgreSQL {m['postgresql']}, "
        f"PostGIS {m['postgis']}, shared_buffers {m['shared_buffers']}, synchronous_commit "
        f"{m['synchronous_commit']}, Python {m['python']}; load average {m['loadavg_at_start']} at start, "
        f"{m.get('loadavg_at_end')} at end. Server: uvicorn, {results.get('web_workers', 2)} workers, "
        "HWASEONG_MODE=production (plain HTTP on loopback), a Celery worker; the load generator shares the "
        "same 2 cores.",
        "",
        *report_console.carried_note(results),
        "## Summary",
        "",
        *_summary_rows(results),
        "",
        # Hand-written (bench/notes.md): what the figures mean across runs and what stands in the way.
        *([notes.rstrip(), ""] if notes else []),
        "## Scenario 1: nearest 10 cameras (`GET /api/v1/cameras/nearest/`)",
        "",
        "Latencies in ms over the same random query points (clustered where people live) for the API and "
        "the floor: the raw KNN `ORDER BY location <-> point LIMIT 10` through psycopg. Target at 1.6M: "
        "API p99 ≤ 15 ms and ≤ 3× the floor.",
        "",
        *_nearest_rows(results),
        "",
        "## Scenario 2: SOS to screen (`POST /api/v1/alerts/` → `alert.created` on every console)",
        "",
        *report_console.alarm_rows(results),
        "",
        "## Scenario 3: location ingest (`POST /api/v1/trips/{id}/locations/`, one fix each)",
        "",
        *_ingest_rows(results),
        "",
        "## Scenario 4: console fan-out (one event to every open console)",
        "",
        *report_console.fanout_rows(results),
        "",
        "## Where the CPU went",
        "",
        *_cpu_rows(results),
        "",
        "## Scenario 5: memory (resident set size)",
        "",
        *_memory_rows(results),
        "",
        "## Profile of the nearest endpoint at 1.6M cameras",
        "",
        *_profile_rows(results),
        "",
        *report_console.profile_rows(results),
    ]
    return "\n".join(parts) + "\n"


def _strict(value: object) -> object:
    """NaN (an empty sample) as null: the file stays strict JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v) for v in value]
    return value


def write(results: dict) -> None:
    config.RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_strict(results), indent=2, ensure_ascii=False, allow_nan=False)
    (config.RESULTS / "latest.json").write_text(text + "\n")
    config.DOCS.parent.mkdir(parents=True, exist_ok=True)
    config.DOCS.write_text(markdown(results))


if __name__ == "__main__":
    # Re-renders docs/benchmarks.md from the last run (e.g. after editing bench/notes.md).
    write(json.loads((config.RESULTS / "latest.json").read_text()))
