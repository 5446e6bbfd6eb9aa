"""Writing cameras back out in the current 18-column layout of the national CCTV standard data."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from django.db.models import QuerySet

from cameras.importing.columns import STANDARD_COLUMNS
from cameras.models import Camera
from hwaseong_safety.csvsafe import safe_cell

__all__ = ["STANDARD_COLUMNS", "camera_row", "write_standard_csv"]


def write_standard_csv(queryset: QuerySet[Camera], out: TextIO) -> int:
    """Write the header and one row per camera; returns the number of cameras written.

    Rows go out in id order whatever the queryset's ordering: cameras without a management
    number are matched on re-import by their order among cameras at the same place, so the
    order is part of the data."""
    writer = csv.writer(out)
    writer.writerow(STANDARD_COLUMNS)
    count = 0
    for camera in queryset.order_by("id").iterator(chunk_size=2000):
        writer.writerow(camera_row(camera))
        count += 1
    return count


def camera_row(camera: Camera) -> list[str]:
    """Every cell through ``safe_cell``: imported text (a management number, an address) must not
    run as a formula in the spreadsheet that opens the export; numbers pass unchanged."""
    return [safe_cell(cell) for cell in _raw_row(camera)]


def _raw_row(camera: Camera) -> list[str]:
    return [
        camera.agency_code, camera.management_number, camera.agency, camera.road_address,
        camera.lot_address, camera.purpose, *_numbers(camera.camera_count, camera.pixels),
        camera.view_direction, *_numbers(camera.retention_days),
        camera.installed_on.strftime("%Y%m") if camera.installed_on else "",
        camera.phone,
        # repr of a float is the shortest text that reads back as the same float: exact round trip.
        repr(camera.location.y), repr(camera.location.x),
        camera.data_date.isoformat() if camera.data_date else "",
        # 데이터갱신구분, 데이터갱신시점, 최종수정시점 describe a publication, not the camera.
        "", "", "",
    ]


def _numbers(*values: int | None) -> Iterable[str]:
    return ("" if value is None else str(value) for value in values)
