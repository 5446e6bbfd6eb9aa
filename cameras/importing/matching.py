"""Matching cleaned rows to the cameras already in the database, without per-row queries."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import Point
from django.utils import timezone

from cameras.importing import reasons
from cameras.importing.columns import STANDARD_COLUMNS, fields_for_columns
from cameras.importing.report import ImportReport
from cameras.importing.rows import CleanRow
from cameras.models import Camera

ALL_FIELDS = fields_for_columns(frozenset(STANDARD_COLUMNS))
# Coordinates are compared to 1e-9° (0.1 mm): they survive the database exactly, this only
# guards against a float printed and re-read by another tool.
_PLACES = 9

PlaceKey = tuple[str, str, float, float]


def place_key(agency: str, address: str, location: Point) -> PlaceKey:
    return agency, address, round(location.x, _PLACES), round(location.y, _PLACES)


@dataclass
class ExistingCameras:
    by_number: dict[tuple[str, str], Camera] = field(default_factory=dict)
    # Cameras without a management number, by place, oldest first: rows sharing a place are
    # matched by occurrence order (the n-th row ↔ the n-th camera by id).
    by_place: dict[PlaceKey, deque[Camera]] = field(default_factory=lambda: defaultdict(deque))

    @classmethod
    def load(cls, agencies: Iterable[str]) -> ExistingCameras:
        index = cls()
        queryset = Camera.objects.filter(agency__in=list(agencies)).only("id", *ALL_FIELDS).order_by("id")
        for camera in queryset.iterator(chunk_size=5000):
            if camera.management_number:
                index.by_number[camera.agency, camera.management_number] = camera
            else:
                key = place_key(camera.agency, camera.address, camera.location)
                index.by_place[key].append(camera)
        return index

    def match(self, values: dict[str, Any]) -> Camera | None:
        number = values.get("management_number", "")
        if number:
            return self.by_number.get((values["agency"], number))
        address = values.get("road_address", "") or values.get("lot_address", "")
        queue = self.by_place.get(place_key(values["agency"], address, values["location"]))
        return queue.popleft() if queue else None


@dataclass
class Plan:
    creates: list[Camera] = field(default_factory=list)
    updates: list[Camera] = field(default_factory=list)


def plan_changes(rows: list[CleanRow], fields: tuple[str, ...], report: ImportReport) -> Plan:
    """Decide create / update / unchanged for every row and count them in ``report``."""
    existing = ExistingCameras.load({row.values["agency"] for row in rows})
    plan, seen_numbers, now = Plan(), set(), timezone.now()
    for row in rows:
        number = row.values.get("management_number", "")
        if number:
            if (row.values["agency"], number) in seen_numbers:
                report.skipped[reasons.DUPLICATE_NUMBER] += 1
                continue
            seen_numbers.add((row.values["agency"], number))
        report.warnings.update(row.warnings)
        camera = existing.match(row.values)
        if camera is None:
            plan.creates.append(Camera(**row.values))
        elif _apply(camera, row.values, fields):
            camera.updated_at = now
            plan.updates.append(camera)
        else:
            report.unchanged += 1
    report.created, report.updated = len(plan.creates), len(plan.updates)
    return plan


def _apply(camera: Camera, values: dict[str, Any], fields: tuple[str, ...]) -> bool:
    """Copy the row's values onto the camera; True when any of them differed."""
    changed = False
    for name in fields:
        new, old = values[name], getattr(camera, name)
        same = _same_point(old, new) if name == "location" else old == new
        if not same:
            setattr(camera, name, new)
            changed = True
    return changed


def _same_point(old: Point | None, new: Point) -> bool:
    return old is not None and place_key("", "", old) == place_key("", "", new)
