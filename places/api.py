"""The console map's offline context layers as GeoJSON, by bounding box (staff only).

PostgreSQL does the work: the GiST index picks what lies in the box, boundaries are simplified
(they orient the operator, ~10 m is plenty) and written as GeoJSON text, and Python only wraps
the rows. Reference data changes only by import, so browsers may keep an answer for a while.
"""

from __future__ import annotations

import json

from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hwaseong_safety.staff_api import ERRORS, BBoxQuerySerializer
from operators.permissions import requires
from operators.roles import Capability
from places.models import AreaLevel, FacilityKind
from places.sql import rows

MAX_FEATURES = 3000
CACHE_SECONDS = 600
SIMPLIFY_DEGREES = 0.0001  # ~10 m

_AREAS = """
SELECT a.code, a.name, a.kind,
       ST_AsGeoJSON(ST_SimplifyPreserveTopology(a.boundary, %(tolerance)s), 6),
       ST_X(ST_PointOnSurface(a.boundary)), ST_Y(ST_PointOnSurface(a.boundary))
FROM places_adminarea AS a
WHERE a.level = %(level)s AND a.boundary && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)
ORDER BY a.code
LIMIT %(limit)s
"""

_FACILITIES = """
SELECT f.id, f.kind, f.name, f.detail, f.address, f.phone, ST_X(f.location), ST_Y(f.location)
FROM places_facility AS f
WHERE f.kind = ANY(%(kinds)s) AND f.location && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)
ORDER BY f.id
LIMIT %(limit)s
"""


class AreasQuerySerializer(BBoxQuerySerializer):
    level = serializers.ChoiceField(choices=AreaLevel.choices, default=AreaLevel.EMD)


class FacilitiesQuerySerializer(BBoxQuerySerializer):
    kind = serializers.CharField(required=False, help_text="comma-separated: police, fire, child_zone "
                                                           "(default: all)")

    def validate_kind(self, value: str) -> list[str]:
        kinds = [k.strip() for k in value.split(",") if k.strip()]
        unknown = set(kinds) - set(FacilityKind.values)
        if not kinds or unknown:
            raise serializers.ValidationError(
                f"Unknown kind {', '.join(sorted(unknown)) or '(empty)'}; use police, fire, child_zone.")
        return kinds


def _box(query: BBoxQuerySerializer) -> dict:
    west, south, east, north = query.validated_data["bbox"]
    return {"w": west, "s": south, "e": east, "n": north, "limit": MAX_FEATURES + 1}


def _collection(features: list[dict]) -> Response:
    return Response({"type": "FeatureCollection", "features": features[:MAX_FEATURES],
                     "truncated": len(features) > MAX_FEATURES})


BBOX = OpenApiParameter("bbox", str, required=True,
                        description="min_longitude,min_latitude,max_longitude,max_latitude")


@method_decorator(cache_control(private=True, max_age=CACHE_SECONDS), name="get")
class AreasView(APIView):
    permission_classes = [requires(Capability.CAMERA_MAP)]

    @extend_schema(summary="Administrative areas (읍면동 or 시군구) in a bounding box as GeoJSON (map layer)",
                   parameters=[BBOX, OpenApiParameter("level", str, enum=AreaLevel.values)],
                   responses={200: dict, **ERRORS})
    def get(self, request: Request) -> Response:
        query = AreasQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = {**_box(query), "level": query.validated_data["level"], "tolerance": SIMPLIFY_DEGREES}
        return _collection([
            {"type": "Feature", "id": code, "geometry": json.loads(geometry),
             "properties": {"code": code, "name": name, "kind": kind, "label": [round(x, 6), round(y, 6)]}}
            for code, name, kind, geometry, x, y in rows(_AREAS, params)
        ])


@method_decorator(cache_control(private=True, max_age=CACHE_SECONDS), name="get")
class FacilitiesView(APIView):
    permission_classes = [requires(Capability.CAMERA_MAP)]

    @extend_schema(summary="Police stations, 119 safety centers and child-protection zones in a bounding box "
                           "as GeoJSON (map layer)",
                   parameters=[BBOX, OpenApiParameter("kind", str)], responses={200: dict, **ERRORS})
    def get(self, request: Request) -> Response:
        query = FacilitiesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = {**_box(query), "kinds": query.validated_data.get("kind") or list(FacilityKind.values)}
        return _collection([
            {"type": "Feature", "id": pk, "geometry": {"type": "Point", "coordinates": [x, y]},
             "properties": {"kind": kind, "name": name, "detail": detail, "address": address, "phone": phone}}
            for pk, kind, name, detail, address, phone, x, y in rows(_FACILITIES, params)
        ])
