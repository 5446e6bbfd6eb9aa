"""Camera endpoints for the operator console and map layers (operators only)."""

from __future__ import annotations

import math

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cameras.describe import effective_field_of_view, in_view, readable_name
from cameras.models import Camera
from cameras.nearby import nearest_camera_rows
from hwaseong_safety.staff_api import ERRORS, BBoxQuerySerializer
from operators.permissions import requires
from operators.roles import Capability

BBOX_MAX_FEATURES = 5000
# What a staff-only query can answer besides 200 (DRF's {"detail"} or {"field": [...]} bodies).


class NearestQuerySerializer(serializers.Serializer):
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    limit = serializers.IntegerField(min_value=1, max_value=50, required=False)
    radius = serializers.FloatField(min_value=1, max_value=50_000, required=False)

    def validate_latitude(self, value: float) -> float:
        return _finite(value)

    def validate_longitude(self, value: float) -> float:
        return _finite(value)


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise serializers.ValidationError("A finite number is required.")
    return value


class NearbyCameraSerializer(serializers.ModelSerializer):
    """The shape of a nearest-camera row, for the OpenAPI document; the rows themselves come
    straight from SQL (cameras/nearby.py), and a test holds the two to the same answer."""

    name = serializers.SerializerMethodField()
    distance_m = serializers.SerializerMethodField()
    bearing_deg = serializers.SerializerMethodField()
    view_angle = serializers.SerializerMethodField()
    in_view = serializers.SerializerMethodField()
    pole = serializers.IntegerField(
        read_only=True, default=None,
        help_text="Id of the nearest camera standing with this one (within CAMERA_POLE_METERS): "
                  "cameras with the same pole are on one pole.")
    pole_size = serializers.IntegerField(read_only=True, default=None,
                                         help_text="How many of the answered cameras share that pole.")
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    center = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Camera
        fields = [
            "id", "name", "management_number", "agency", "address", "purpose", "status", "center",
            "latitude", "longitude", "distance_m", "bearing_deg", "bearing", "field_of_view",
            "view_angle", "in_view", "has_ptz", "has_ai", "hls_url", "mjpeg_url", "snapshot_url",
            "pole", "pole_size",
        ]

    def get_name(self, obj: Camera) -> str:
        """A name to say aloud: the management number, else the address and the camera's rank
        at that address, never the id alone."""
        rank = None
        if not obj.management_number:
            rank = Camera.objects.filter(
                agency=obj.agency, road_address=obj.road_address, lot_address=obj.lot_address,
                management_number="", id__lte=obj.id).count()
        return readable_name(obj.management_number, obj.address, rank, obj.agency, obj.id)

    def get_view_angle(self, obj: Camera) -> float | None:
        """The view angle drawn and used for ``in_view`` (the camera's, else the setting's when only
        a bearing is known); null when the direction is unknown."""
        return effective_field_of_view(obj.bearing, obj.field_of_view)

    def get_in_view(self, obj: Camera) -> bool | None:
        """Whether the queried point is likely in the picture: within CAMERA_VIEW_RANGE_METERS and
        inside the view angle around the camera's bearing; null when the direction is unknown."""
        return in_view(self.get_distance_m(obj), self.get_bearing_deg(obj), obj.bearing, obj.field_of_view)

    def get_distance_m(self, obj: Camera) -> float:
        return round(obj.distance.m, 1)

    def get_bearing_deg(self, obj: Camera) -> float | None:
        """Direction from the queried point to the camera, degrees clockwise from north."""
        if obj.azimuth is None:  # the camera stands on the point itself
            return None
        return round(math.degrees(obj.azimuth) % 360, 1)

    def get_latitude(self, obj: Camera) -> float:
        return obj.location.y

    def get_longitude(self, obj: Camera) -> float:
        return obj.location.x


class NearestCamerasView(APIView):
    permission_classes = [requires(Capability.CAMERA_MAP)]

    @extend_schema(
        summary="Nearest cameras of a point",
        parameters=[NearestQuerySerializer],
        responses={200: NearbyCameraSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = NearestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        rows = nearest_camera_rows(
            data["longitude"], data["latitude"], limit=data.get("limit", 10), radius=data.get("radius")
        )
        return Response(rows)




class CameraGeoJSONView(APIView):
    permission_classes = [requires(Capability.CAMERA_MAP)]

    @extend_schema(
        summary="Cameras in a bounding box as GeoJSON (map layer)",
        parameters=[
            OpenApiParameter("bbox", str, required=True,
                             description="min_longitude,min_latitude,max_longitude,max_latitude"),
        ],
        responses={200: dict, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = BBoxQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = list(
            Camera.objects.in_bbox(*query.validated_data["bbox"])
            .select_related("center")
            .order_by("id")
            .only("id", "management_number", "road_address", "lot_address", "purpose", "status",
                  "bearing", "field_of_view", "location", "center__code")[: BBOX_MAX_FEATURES + 1]
        )
        truncated = len(rows) > BBOX_MAX_FEATURES
        features = [_feature(camera) for camera in rows[:BBOX_MAX_FEATURES]]
        return Response({"type": "FeatureCollection", "features": features, "truncated": truncated})


def _feature(camera: Camera) -> dict:
    return {
        "type": "Feature",
        "id": camera.id,
        "geometry": {"type": "Point", "coordinates": [camera.location.x, camera.location.y]},
        "properties": {
            "management_number": camera.management_number,
            "address": camera.address,
            "purpose": camera.purpose,
            "status": camera.status,
            "bearing": camera.bearing,
            "field_of_view": camera.field_of_view,
            "center": camera.center.code if camera.center else None,
        },
    }


