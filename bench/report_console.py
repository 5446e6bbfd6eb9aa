"""The console scenarios' part of docs/benchmarks.md (2: SOS to screen, 4: fan-out), and carry_over,
which keeps the figures of scenarios a partial run (BENCH_SCENARIOS) did not measure."""

from __future__ import annotations

import json
import math

from bench import config
from bench.stats import ratio

P99_TARGET_MS = 100.0
TARGET_RATE = 20.0  # SOS/s of scenario 2's target
# Scenario -> the result keys it writes.
SECTIONS = {"nearest": ("nearest", "profile"), "ingest": ("ingest",), "alarm": ("alarm",),
            "fanout": ("fanout", "console_profile")}


def _ms(value: float | None) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.1f}"


def _empty(value: object) -> bool:
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    return not value


def carry_over(out: dict, ran: set[str]) -> None:
    """Sections this run did not produce come from the last results file, stamped with their run."""
    path = config.RESULTS / "latest.json"
    if not path.exists():
        return
    old = json.loads(path.read_text())
    carried = out.setdefault("carried", {})
    for section, keys in SECTIONS.items():
        if section in ran or all(_empty(old.get(k)) for k in keys):
            continue
        for key in keys:
            out[key] = old.get(key)
        carried[section] = (old.get("carried") or {}).get(section) or {"started_at": old["started_at"],
                                                                         "quick": old.get("quick", False)}
    for stack, phases in (old.get("memory") or {}).items():
        out["memory"].setdefault(stack, phases)


def carried_note(results: dict) -> list[str]:
    carried = results.get("carried") or {}
    if not carried:
        return []
    parts = ", ".join(f"{section} from the run of {c['started_at']}{' (quick)' if c['quick'] else ''}"
                      for section, c in carried.items())
    return [f"Not re-run this time, kept from earlier runs: {parts}.", ""]


def _fig(figure: dict, floor: dict, key: str) -> str:
    return f"{_ms(figure[key])} | {_ms(floor[key])} | {ratio(figure[key], floor[key])}"


def alarm_rows(results: dict) -> list[str]:
    run = results.get("alarm")
    if not run or "steps" not in run:
        return [f"Not run{': ' + run['skipped'] if run and 'skipped' in run else ''}."]
    floor = run["floor"]
    guardians = run.get("guardians")
    texted = (f", each SOS texting the citizen's {guardians} guardians (SMS rows and Celery tasks; the "
              "bench's SMS transport writes files)") if guardians else ", citizens without guardians"
    lines = [
        f"{run['consoles']} operator consoles of 화성시 (41590) open; SOS `POST /api/v1/alerts/` (a fix "
        f"inside the city, Bearer app tokens of 200 citizens in turns{texted}) open loop, in steps on the "
        "same consoles. "
        "Latency from each POST's due time to the receipt of its `alert.created` by the first and by the "
        "last console; an SOS whose event had not reached every console 5 s after the step's last SOS "
        "is *missing* (it has no last-console latency). Floor: one-row INSERT + commit through psycopg "
        "plus one Redis PUBLISH→subscriber round trip, summed sample by sample (INSERT p99 "
        f"{_ms(run['floor_insert']['p99_ms'])} ms, pub/sub p99 {_ms(run['floor_pubsub']['p99_ms'])} ms). "
        f"Connecting the consoles took {run['connect_s']} s, then {run['settle_s']} s until no more pushes "
        f"({', '.join(f'{k} {v:,}' for k, v in sorted(run['pushes_while_connecting'].items()))}).",
        "",
        "| SOS/s × s | answered | errors | missing | pushes delivered / expected | /s | figure | p50 | floor "
        "p50 | × | p99 | floor p99 | × | max |",
        "|:--|--:|--:|--:|--:|--:|:--|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for step in run["steps"]:
        kinds = ", ".join(f"{k}: {v}" for k, v in step["error_kinds"].items())
        head = (f"| {step['rate_per_s']:g} × {step['seconds']:g} | {step['answered']:,} | {step['errors']}"
                f"{f' ({kinds})' if kinds else ''} | {step['missing']:,} | {step['pushes_delivered']:,} / "
                f"{step['pushes_expected']:,} | {step['delivered_per_s']:g}")
        blank = "| | | | | |"
        for n, (label, key) in enumerate((("last console", "last"), ("first console", "first"),
                                          ("HTTP 201 answer", "http"))):
            fig = step[key]
            lines.append(f"{head if n == 0 else blank} | {label} | {_fig(fig, floor, 'p50_ms')} "
                         f"| {_fig(fig, floor, 'p99_ms')} | {_ms(fig['max_ms'])} |")
    target = next((s for s in run["steps"] if s["rate_per_s"] == TARGET_RATE), None)
    if target:
        lines += ["", f"**Target at {TARGET_RATE:g} SOS/s (last console p99 ≤ 100 ms, none missing): "
                      f"{'met' if target['held'] else 'not met'}.**"]
    return lines + _sms_rows(run["steps"])


def _sms_rows(steps: list[dict]) -> list[str]:
    timed = [step for step in steps if "sms" in step]
    if not timed:
        return []
    lines = ["", "The guardians' SOS texts of each step (no target): from the SMS row, written in the SOS's "
                 "transaction, to the SMS transport's acceptance, through the Celery worker (the bench's "
                 "transport writes a file; a provider's HTTP call adds its own time). *Queued* texts were "
                 "still waiting 10 s after the step's consoles had drained.",
             "", "| SOS/s × s | texts | sent | queued | failed | p50 | p99 | max |",
             "|:--|--:|--:|--:|--:|--:|--:|--:|"]
    for step in timed:
        sms = step["sms"]
        lines.append(f"| {step['rate_per_s']:g} × {step['seconds']:g} | {sms['texts']:,} | {sms['sent']:,} "
                     f"| {sms['queued']:,} | {sms['failed']:,} | {_ms(sms['p50_ms'])} | {_ms(sms['p99_ms'])} "
                     f"| {_ms(sms['max_ms'])} |")
    return lines


def fanout_rows(results: dict) -> list[str]:
    run = results.get("fanout")
    if not run or "last" not in run:
        return [f"Not run{': ' + run['skipped'] if run and 'skipped' in run else ''}."]
    floor, last, first = run["floor"], run["last"], run["first"]
    pushes = ", ".join(f"{k} {v:,}" for k, v in sorted(run["pushes_while_connecting"].items()))
    return [
        f"{run['consoles']} operator consoles of 41590; {run['events']} `alert.event` messages (`created`, "
        "as alerts.publish makes them) published by the bench straight into the channel layer to "
        f"{' and '.join(f'`{g}`' for g in run['groups'])}, one at a time (the next 0.1 s after the last "
        f"console had the previous one). {run['missing']} events did not reach every console within 5 s. "
        f"Floor: Redis PUBLISH to {run['consoles']} subscribers (own "
        "connections), until the last has it. Connecting the consoles took "
        f"{run['connect_s']} s and set off these pushes before the events: {pushes or 'none'}; "
        f"{run['settle_s']} s until quiet.",
        "",
        "| figure (ms) | p50 | floor p50 | × | p99 | floor p99 | × | max |",
        "|:--|---:|---:|---:|---:|---:|---:|---:|",
        f"| last of {run['consoles']} consoles | {_fig(last, floor, 'p50_ms')} "
        f"| {_fig(last, floor, 'p99_ms')} | {_ms(last['max_ms'])} |",
        f"| first console | {_fig(first, floor, 'p50_ms')} | {_fig(first, floor, 'p99_ms')} "
        f"| {_ms(first['max_ms'])} |",
    ]


def profile_rows(results: dict) -> list[str]:
    prof = results.get("console_profile") or {}
    if not prof.get("request_samples"):
        return []
    lines = ["## Profile of the console fan-out", "",
             f"py-spy, wall clock, {prof['request_samples']:,} samples of the web workers' threads that were "
             "in consumer or channel-layer code, over uncounted fan-out events after the measured ones; "
             "shares are inclusive.", "", "| part | share |", "|:--|---:|"]
    lines += [f"| {label.strip()}{' (inside build_push)' if label.startswith('  ') else ''} | {share} % |"
              for label, share in prof["parts"].items()]
    lines += ["", "| leaf frame | share |", "|:--|---:|"]
    lines += [f"| `{frame}` | {share} % |" for frame, share in prof["top_leaves"]]
    return lines + [""]


def summary_rows(results: dict) -> dict[str, str]:
    rows = {}
    run = results.get("alarm") or {}
    for step in run.get("steps", []):
        last, floor = step["last"]["p99_ms"], run["floor"]["p99_ms"]
        missing = f", {step['missing']:,} of {step['answered']:,} missing" if step["missing"] else ""
        row = (f"| 2 SOS to screen, {run['consoles']} consoles, {step['rate_per_s']:g} SOS/s | last console "
               f"p99 {_ms(last)} ms{missing} | {_ms(floor)} ms | {ratio(last, floor)} "
               f"| p99 ≤ 100 ms, none missing | {'yes' if step['held'] else '**no**'} |")
        rows["2"] = f"{rows['2']}\n{row}" if "2" in rows else row
        if (sms := step.get("sms")) and step["rate_per_s"] == TARGET_RATE:
            queued = f", {sms['queued']:,} of {sms['texts']:,} still queued" if sms["queued"] else ""
            rows["2"] += (f"\n| 2 guardians' SOS texts, {step['rate_per_s']:g} SOS/s | SMS row → transport "
                          f"p99 {_ms(sms['p99_ms'])} ms{queued} | | | (none) | |")
    if (run := results.get("fanout")) and "last" in run:
        ok = run["missing"] == 0 and run["last"]["p99_ms"] <= P99_TARGET_MS
        last, floor = run["last"]["p99_ms"], run["floor"]["p99_ms"]
        rows["4"] = (f"| 4 fan-out to {run['consoles']} consoles | last console p99 {_ms(last)} ms "
                     f"| {_ms(floor)} ms | {ratio(last, floor)} | (p99 ≤ 100 ms, as 2) "
                     f"| {'yes' if ok else '**no**'} |")
    return rows
