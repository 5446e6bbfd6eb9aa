"""Public pages reached from SMS links (no login): decline being a guardian, follow a trip/alert."""

from __future__ import annotations

from django.urls import path

from guardians import pages

urlpatterns = [
    path("g/decline/<str:token>/", pages.decline, name="guardian-decline"),
    path("t/<str:token>/", pages.tracking, name="guardian-tracking"),
    path("t/<str:token>/position.json", pages.tracking_position, name="guardian-tracking-position"),
]
