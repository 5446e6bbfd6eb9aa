"""The account routes of the app API (under ``api/v1/``); the paths are the app team's contract:
keep them exact."""

from __future__ import annotations

from django.urls import path

from citizens.api import views

urlpatterns = [
    path("app/register", views.RegisterView.as_view(), name="app-register"),
    path("app/verify", views.VerifyView.as_view(), name="app-verify"),
    path("app/me", views.MeView.as_view(), name="app-me"),
    path("app/logout", views.LogoutView.as_view(), name="app-logout"),
    path("app/disclosures", views.DisclosureListView.as_view(), name="app-disclosures"),
]
