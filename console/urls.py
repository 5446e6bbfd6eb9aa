from __future__ import annotations

from django.urls import path

from console import history as console_history
from console import views

urlpatterns = [
    path("login/", views.ConsoleLoginView.as_view(), name="login"),
    path("logout/", views.ConsoleLogoutView.as_view(), name="logout"),
    path("console/", views.console, name="console"),
    path("console/centers.geojson", views.center_boundaries, name="console-centers"),
    path("console/history/", console_history.history, name="console-history"),
    path("console/history/<int:pk>/", console_history.history_alert, name="console-history-alert"),
]
