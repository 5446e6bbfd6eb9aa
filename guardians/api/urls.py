"""The guardian routes of the app API (under ``api/v1/``); the paths are the app team's contract:
keep them exact. The account routes are in citizens/api/urls.py."""

from __future__ import annotations

from django.urls import path

from guardians.api import views

urlpatterns = [
    path("guardians/", views.GuardianListView.as_view(), name="guardian-list"),
    path("guardians/<int:id>/", views.GuardianDetailView.as_view(), name="guardian-detail"),
]
