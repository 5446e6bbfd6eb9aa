"""The citizen app's trips and alerts, mounted at api/v1/ (docs/app-api.md)."""

from __future__ import annotations

from django.urls import path

from alerts.api import alerts as views_alerts
from alerts.api import trips as views_trips
from hwaseong_safety.db_outage import retry_while_database_away

urlpatterns = [
    path("trips/", views_trips.TripListView.as_view(), name="trip-list"),
    path("trips/<int:pk>/", views_trips.TripDetailView.as_view(), name="trip-detail"),
    path("trips/<int:pk>/locations/", views_trips.TripLocationsView.as_view(), name="trip-locations"),
    path("trips/<int:pk>/arrive", views_trips.TripArriveView.as_view(), name="trip-arrive"),
    path("alerts/", retry_while_database_away(views_alerts.AlertListView.as_view()), name="alert-list"),
    path("alerts/<int:pk>/", views_alerts.AlertDetailView.as_view(), name="alert-detail"),
    path("alerts/<int:pk>/locations/", views_alerts.AlertLocationsView.as_view(), name="alert-locations"),
    path("alerts/<int:pk>/cancel", views_alerts.AlertCancelView.as_view(), name="alert-cancel"),
]
