from __future__ import annotations

from django.urls import path

from operators import views

urlpatterns = [
    path("login/", views.ConsoleLoginView.as_view(), name="login"),
    path("logout/", views.ConsoleLogoutView.as_view(), name="logout"),
    path("console/", views.console, name="console"),
    path("console/centers.geojson", views.center_boundaries, name="console-centers"),
]
