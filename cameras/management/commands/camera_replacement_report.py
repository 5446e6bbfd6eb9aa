from __future__ import annotations

from django.core.management.base import BaseCommand

from cameras.replacement import replacement_progress

_ROW = "{:>4}  {:>7}  {:>8}  {:>6}  {:>9}  {:>7}"


class Command(BaseCommand):
    help = "Cameras replaced, installed and retired per year against the replacement plan."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(_ROW.format("year", "planned", "replaced", "%", "installed", "retired"))
        for row in replacement_progress():
            planned = "-" if row.planned is None else row.planned
            percent = "-" if row.percent_of_plan is None else f"{row.percent_of_plan:.1f}"
            counts = (row.replaced, percent, row.installed, row.retired)
            self.stdout.write(_ROW.format(row.year, planned, *counts))
