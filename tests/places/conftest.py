"""Reference places: small files written here (CP949 and UTF-8, as published), and the real
public files when ../shared/data is present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon

from places.models import AdminArea, AreaLevel

SHARED = Path(settings.SHARED_DATA_DIR)


def shared_file(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} not present (the real public data is optional)")
    return path


def area(level: str, code: str, name: str, bbox: tuple[float, float, float, float],
         kind: str = "") -> AdminArea:
    return AdminArea.objects.create(level=level, code=code, name=name, kind=kind,
                                    boundary=MultiPolygon(Polygon.from_bbox(bbox), srid=4326))


@pytest.fixture
def synthetic_areas(db) -> None:
    """화성시 with 남양읍 in its west, 안산시 north of it (as tests/alerts/conftest.py's centers)."""
    area(AreaLevel.SIGUNGU, "41590", "화성시", (126.80, 37.10, 126.95, 37.25))
    area(AreaLevel.SIGUNGU, "41270", "안산시", (126.80, 37.25, 126.95, 37.35))
    area(AreaLevel.EMD, "31240150", "남양읍", (126.80, 37.10, 126.88, 37.25), kind="읍")


def geojson(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def square(x: float, y: float, size: float = 0.01) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}
