"""What the staff map APIs (cameras/api.py, places/api.py) share: their error responses in the
OpenAPI schema and the map-box query parameter."""

from __future__ import annotations

import math

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

ERRORS = {
    400: OpenApiResponse(description="Invalid query; the body names the field."),
    401: OpenApiResponse(description="No session and no token."),
    403: OpenApiResponse(description="Not control-center staff, or the role may not (an app token is never "
                                     "staff)."),
}


class BBoxQuerySerializer(serializers.Serializer):
    bbox = serializers.CharField(help_text="min_longitude,min_latitude,max_longitude,max_latitude")

    def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
        try:
            numbers = [float(part) for part in value.split(",")]
        except ValueError:
            raise serializers.ValidationError("Four comma-separated numbers are required.") from None
        if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
            raise serializers.ValidationError("Four comma-separated numbers are required.")
        west, south, east, north = numbers
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            # A box across the antimeridian (min_lon > max_lon) is two requests, one per side.
            raise serializers.ValidationError("Expected min_lon < max_lon and min_lat < max_lat, in range.")
        return west, south, east, north
