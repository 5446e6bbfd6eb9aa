from __future__ import annotations

from django.urls import path

from places import api

urlpatterns = [
    path("areas/", api.AreasView.as_view(), name="places-areas"),
    path("facilities/", api.FacilitiesView.as_view(), name="places-facilities"),
]
