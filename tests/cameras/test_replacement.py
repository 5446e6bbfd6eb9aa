from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from cameras.models import CameraEvent, EventKind
from cameras.replacement import replacement_progress
from tests.factories import make_camera

pytestmark = pytest.mark.django_db


def _events(kind: str, year: int, n: int) -> None:
    for i in range(n):
        camera = make_camera(126.8 + i * 0.001, 37.2)
        CameraEvent.objects.create(camera=camera, kind=kind, occurred_on=date(year, 3, 1))


def test_progress_counts_events_per_year_against_the_plan() -> None:
    _events(EventKind.REPLACED, 2025, 3)
    _events(EventKind.INSTALLED, 2025, 2)
    _events(EventKind.RETIRED, 2019, 1)
    rows = {row.year: row for row in replacement_progress()}
    assert rows[2025].planned == 300
    assert (rows[2025].replaced, rows[2025].installed, rows[2025].retired) == (3, 2, 0)
    assert rows[2025].percent_of_plan == 1.0
    assert rows[2019].planned is None and rows[2019].retired == 1
    assert rows[2026].replaced == 0
    assert list(rows) == sorted(rows)


def test_report_command_prints_a_row_per_year() -> None:
    _events(EventKind.REPLACED, 2024, 2)
    out = StringIO()
    call_command("camera_replacement_report", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.startswith("2024"))
    assert line.split() == ["2024", "200", "2", "1.0", "0", "0"]
