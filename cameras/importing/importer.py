"""import_cameras: one transaction that upserts a CCTV standard-data file into Camera."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import BinaryIO

from django.db import connection, transaction

from cameras.importing.columns import STANDARD_COLUMNS, fields_for_columns
from cameras.importing.matching import Plan, plan_changes
from cameras.importing.reader import CsvSource, read_source
from cameras.importing.report import ImportReport
from cameras.importing.rows import CleanRow, Skip, clean_row
from cameras.importing.writing import insert_cameras, update_cameras
from cameras.models import Camera

PROGRESS_EVERY = 1000
# Ids per assign_centers UPDATE: keeps the IN list a reasonable size for 100k-row files.
CENTER_CHUNK = 5000
# Two imports at once would both see a camera as new and create it twice; this lock (held until
# the transaction ends) makes the second wait for the first.
_ADVISORY_LOCK = 0x43435456  # "CCTV"

Progress = Callable[[int, int], None]


def import_cameras(
    source: str | os.PathLike | BinaryIO, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Create or update cameras from a CSV of the national CCTV standard data.

    Raises ``ImportFileError`` when the file as a whole is unusable; any error while writing
    rolls the whole import back. ``dry_run`` does everything, then rolls back."""
    data = read_source(source)
    report = ImportReport(
        encoding=data.encoding, layout=data.layout, dry_run=dry_run,
        columns=tuple(name for name in STANDARD_COLUMNS if name in data.columns),
    )
    rows = _clean_all(data, report, progress)
    fields = fields_for_columns(frozenset(data.columns))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
        plan = plan_changes(rows, fields, report)
        _write(plan, fields)
        # Writing for real and rolling back means a dry run also meets the database's checks.
        if dry_run:
            transaction.set_rollback(True)
    return report


def _clean_all(data: CsvSource, report: ImportReport, progress: Progress | None) -> list[CleanRow]:
    total = report.total = len(data.rows)
    rows: list[CleanRow] = []
    for done, (record, extra) in enumerate(data.records(), start=1):
        result = clean_row(record, extra)
        if isinstance(result, Skip):
            report.skipped[result.reason] += 1
        else:
            rows.append(result)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    if progress:
        progress(total, total)
    return rows


def _write(plan: Plan, fields: tuple[str, ...]) -> None:
    if plan.updates:
        update_cameras(plan.updates, [*fields, "updated_at"])
    insert_cameras(plan.creates)
    ids = [camera.pk for camera in plan.creates] + [camera.pk for camera in plan.updates]
    for start in range(0, len(ids), CENTER_CHUNK):
        Camera.objects.filter(pk__in=ids[start : start + CENTER_CHUNK]).assign_centers()
