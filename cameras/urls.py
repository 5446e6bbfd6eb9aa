from __future__ import annotations

from django.urls import path

from cameras import api

urlpatterns = [
    path("", api.CameraGeoJSONView.as_view(), name="camera-geojson"),
    path("nearest/", api.NearestCamerasView.as_view(), name="camera-nearest"),
]
