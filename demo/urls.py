"""Demo-only endpoints (fake camera media for development); see demo/cameras.py."""

from __future__ import annotations

from django.urls import path

from demo import cameras as demo

app_name = "demo"

urlpatterns = [
    path("cameras/<int:pk>/snapshot.svg", demo.camera_snapshot, name="camera-snapshot"),
    path("streams/<slug:stream>/<str:filename>", demo.stream_file, name="stream-file"),
]
