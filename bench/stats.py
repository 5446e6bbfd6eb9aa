"""Percentiles and summaries of latency samples (milliseconds)."""

from __future__ import annotations

import math


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list; NaN when empty."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summary(samples_ms: list[float]) -> dict[str, float]:
    values = sorted(samples_ms)
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 3),
        "p99_ms": round(percentile(values, 99), 3),
        "max_ms": round(values[-1], 3) if values else math.nan,
    }


def ratio(value: float | None, floor: float | None) -> float:
    if value is None or not floor or math.isnan(floor) or math.isnan(value):
        return math.nan
    return round(value / floor, 2)
