"""App API routes (under ``api/v1/``); the paths are the app team's contract: keep them exact."""

from __future__ import annotations

from django.urls import path

from guardians import views_account, views_guardians

urlpatterns = [
    path("app/register", views_account.RegisterView.as_view(), name="app-register"),
    path("app/verify", views_account.VerifyView.as_view(), name="app-verify"),
    path("app/me", views_account.MeView.as_view(), name="app-me"),
    path("app/logout", views_account.LogoutView.as_view(), name="app-logout"),
    path("app/disclosures", views_account.DisclosureListView.as_view(), name="app-disclosures"),
    path("guardians/", views_guardians.GuardianListView.as_view(), name="guardian-list"),
    path("guardians/<int:id>/", views_guardians.GuardianDetailView.as_view(), name="guardian-detail"),
]
