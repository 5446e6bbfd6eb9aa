"""Tracking the camera replacement plan: old cameras replaced per year against the city's target
(200 a year up to 2024, 300 a year in 2025 and 2026)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear

from cameras.models import CameraEvent, EventKind

PLAN_PER_YEAR = {2022: 200, 2023: 200, 2024: 200, 2025: 300, 2026: 300}


@dataclass(frozen=True)
class YearProgress:
    year: int
    planned: int | None
    replaced: int
    installed: int
    retired: int

    @property
    def percent_of_plan(self) -> float | None:
        return round(100 * self.replaced / self.planned, 1) if self.planned else None


def replacement_progress() -> list[YearProgress]:
    """One row per year that has a target or any lifecycle event, oldest first."""
    counts = (
        CameraEvent.objects.annotate(year=ExtractYear("occurred_on"))
        .values("year", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_year: dict[int, dict[str, int]] = {year: {} for year in PLAN_PER_YEAR}
    for row in counts:
        by_year.setdefault(row["year"], {})[row["kind"]] = row["n"]
    return [
        YearProgress(
            year=year,
            planned=PLAN_PER_YEAR.get(year),
            replaced=kinds.get(EventKind.REPLACED, 0),
            installed=kinds.get(EventKind.INSTALLED, 0),
            retired=kinds.get(EventKind.RETIRED, 0),
        )
        for year, kinds in sorted(by_year.items())
    ]
