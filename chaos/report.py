"""What `make chaos` found: the checks of issue 6 (every SOS stored and shown, no SMS missing or
sent twice, consoles back in sync) and the figures for docs/reliability.md."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from bench.config import ROOT
from bench.stats import summary

DOCS = ROOT / "docs" / "reliability.md"
BEGIN, END = "<!-- chaos:begin -->", "<!-- chaos:end -->"


def _to_last_console(stored: list, consoles: list) -> list[float]:
    """Per SOS, ms from the phone raising it to the last console showing it (push or snapshot)."""
    return [(max(c.first_shown[s.alert_id] for c in consoles) - s.due) * 1000
            for s in stored if all(s.alert_id in c.first_shown for c in consoles)]


def _sos(phones: object, state: dict, consoles: list) -> dict:
    per_phase: dict[str, dict] = {}
    for phase in dict.fromkeys(s.phase for s in phones.sent):
        sent = [s for s in phones.sent if s.phase == phase]
        stored = [s for s in sent if s.alert_id is not None]
        per_phase[phase] = {
            "raised": len(sent), "stored": len(stored),
            "sent_again": sum(1 for s in sent if len(s.answers) > 1),
            "answers": dict(Counter(a for s in sent for a in s.answers)),
            "stored_s": summary([(s.stored_at - s.due) * 1000 for s in stored]),
            "shown_s": summary(_to_last_console(stored, consoles)),
        }
    rows = state["stored"]
    return {"raised": len(phones.sent), "stored": sum(1 for s in phones.sent if s.alert_id is not None),
            "rows_per_sos_max": max(rows.values(), default=0),
            "missing_rows": sum(1 for s in phones.sent if rows.get(s.client_id, 0) == 0),
            "phases": per_phase}


def _shown(phones: object, consoles: list, state: dict, sync_s: float | None) -> dict:
    stored = [s for s in phones.sent if s.alert_id is not None]
    not_shown = sum(1 for c in consoles for s in stored if s.alert_id not in c.first_shown)
    to_last = _to_last_console(stored, consoles)
    out_of_sync = sum(1 for c in consoles if c.shown != state["open_ids"])
    connects = [c.summary() for c in consoles]
    closes: Counter[str] = Counter()
    for c in consoles:
        closes.update(c.closes)
    return {"consoles": len(consoles), "not_shown": not_shown, "to_last_console": summary(to_last),
            "out_of_sync": out_of_sync, "sync_s": None if sync_s is None else round(sync_s, 1),
            "reconnects": sum(c["connects"] for c in connects) - len(consoles),
            "closes": dict(closes), "resyncs_on_gap": sum(c["resyncs_on_gap"] for c in connects),
            "offline_s_max": max((c["offline_s"] for c in connects), default=0.0)}


def _sms(state: dict, gateway: object) -> dict:
    rows, expected = state["sms"], state["expected_sms"]  # expected: from the database (run.EXPECTED_SMS)
    by_key = Counter(r.headers.get("idempotency-key") for r in gateway.delivered)
    by_text = Counter((r.json.get("to"), r.json.get("text")) for r in gateway.delivered)
    keys = Counter(r.headers.get("idempotency-key") for r in gateway.requests)
    missing = sum(1 for row in rows if by_key.get(f"sms-{row[0]}", 0) == 0)
    return {"expected": expected, "rows": len(rows), "disclosures": state["disclosed"],
            "sent": sum(1 for row in rows if row[3] == "sent"),
            "missing": missing + max(0, expected - len(rows)),
            "twice": sum(1 for n in by_key.values() if n > 1) + sum(1 for n in by_text.values() if n > 1),
            "gateway_requests": len(gateway.requests),
            "replayed_keys": sum(1 for n in keys.values() if n > 1),
            "attempts_max": max((row[4] for row in rows), default=0)}


def build(*, started: datetime, duration_s: float, faults: list[dict], phones: object, consoles: list,
          state: dict, gateway: object, sms_wait_s: float, sync_s: float | None, proxy: object,
          settings: dict) -> dict:
    sos = _sos(phones, state, consoles)
    shown = _shown(phones, consoles, state, sync_s)
    sms = _sms(state, gateway)
    sms["drain_s"] = round(sms_wait_s, 1)
    losses = []
    if sos["stored"] < sos["raised"] or sos["missing_rows"]:
        losses.append(f"{sos['raised'] - sos['stored']} SOS not stored")
    if sos["rows_per_sos_max"] > 1:
        losses.append("an SOS stored twice")
    if shown["not_shown"]:
        losses.append(f"{shown['not_shown']} (console, SOS) pairs never shown")
    if shown["out_of_sync"]:
        losses.append(f"{shown['out_of_sync']} consoles out of sync with the database")
    if sms["missing"]:
        losses.append(f"{sms['missing']} guardian SMS missing")
    if sms["twice"]:
        losses.append(f"{sms['twice']} guardian SMS delivered twice")
    return {"started_at": started.isoformat(timespec="seconds"), "duration_s": round(duration_s, 1),
            "settings": settings, "faults": faults, "sos": sos, "consoles": shown, "sms": sms,
            "proxy": {"connections": proxy.connections, "cut": proxy.cut // 2}, "losses": losses}


def lines(result: dict) -> list[str]:
    sos, shown, sms = result["sos"], result["consoles"], result["sms"]
    out = [f"SOS: {sos['stored']}/{sos['raised']} stored, at most {sos['rows_per_sos_max']} row each",
           f"consoles: {shown['not_shown']} never shown, {shown['out_of_sync']} out of sync "
           f"(in sync after {shown['sync_s']} s), {shown['reconnects']} reconnects",
           f"SMS: {sms['sent']}/{sms['expected']} sent, {sms['missing']} missing, {sms['twice']} twice; "
           f"{sms['gateway_requests']} requests to the gateway, {sms['replayed_keys']} keys sent again"]
    out.append("no loss" if not result["losses"] else "LOSS: " + "; ".join(result["losses"]))
    return out


def _ms(stats: dict, key: str) -> str:
    value = stats.get(key)
    return "–" if value is None else f"{value / 1000:.1f} s"


def table(result: dict) -> str:
    sos, shown, sms = result["sos"], result["consoles"], result["sms"]
    s = result["settings"]
    rows = [f"Run of {result['started_at']} ({result['duration_s']} s; load average at the end "
            f"{s['loadavg'][0]}): {s['rate_per_s']:g} SOS/s from {s['citizens']} phones, {s['consoles']} "
            f"operator consoles, each fault {s['down_s']:g} s. Verdict: **"
            + ("no loss" if not result["losses"] else "LOSS — " + "; ".join(result["losses"])) + "**.",
            "", "| phase | fault | SOS raised | stored | sent again by the phone | answers | "
            "stored after p50 / max | on every console after p50 / max |",
            "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |"]
    faults = {f["phase"]: f"{f['what']} ({f['down_s']} s)" for f in result["faults"]}
    for phase, p in sos["phases"].items():
        answers = ", ".join(f"{k}×{v}" for k, v in sorted(p["answers"].items()))
        rows.append(f"| {phase} | {faults.get(phase, '–')} | {p['raised']} | {p['stored']} | "
                    f"{p['sent_again']} | {answers} | {_ms(p['stored_s'], 'p50_ms')} / "
                    f"{_ms(p['stored_s'], 'max_ms')} | {_ms(p['shown_s'], 'p50_ms')} / "
                    f"{_ms(p['shown_s'], 'max_ms')} |")
    rows += ["", "| check | result |", "| --- | --- |",
             f"| every SOS stored, once | {sos['stored']}/{sos['raised']}, at most "
             f"{sos['rows_per_sos_max']} row per client_id |",
             f"| every SOS shown on every console | {shown['not_shown']} (console, SOS) pairs missing; "
             f"raised → last console p50 {_ms(shown['to_last_console'], 'p50_ms')}, max "
             f"{_ms(shown['to_last_console'], 'max_ms')} |",
             f"| consoles back in sync | {shown['consoles'] - shown['out_of_sync']}/{shown['consoles']} show "
             f"exactly the open alerts ({shown['sync_s']} s after the outbox emptied); "
             f"{shown['reconnects']} reconnects, {shown['resyncs_on_gap']} resyncs on a sequence gap, "
             f"closes {shown['closes']} |",
             f"| guardian SMS: none missing | {sms['sent']}/{sms['expected']} sent "
             f"({sms['disclosures']} disclosures recorded), {sms['missing']} missing, outbox empty after "
             f"{sms['drain_s']} s |",
             f"| guardian SMS: none twice | {sms['twice']} delivered twice; {sms['gateway_requests']} "
             f"requests, {sms['replayed_keys']} messages sent again with the same idempotency key "
             f"(at most {sms['attempts_max']} attempts) |",
             f"| PostgreSQL proxy | {result['proxy']['connections']} connections, "
             f"{result['proxy']['cut']} cut |"]
    return "\n".join(rows)


def write_docs(result: dict) -> None:
    text = DOCS.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{table(result)}\n{END}"
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    DOCS.write_text(text, encoding="utf-8")
