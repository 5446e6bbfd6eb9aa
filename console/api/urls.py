"""The operator console's HTTP API, mounted at api/v1/console/ (docs/console-protocol.md)."""

from __future__ import annotations

from django.urls import path

from console.api import views as api

urlpatterns = [
    path("queue/", api.QueueView.as_view(), name="console-queue"),
    path("alerts/<int:pk>/", api.AlertDetailView.as_view(), name="console-alert"),
    path("alerts/<int:pk>/claim", api.ClaimView.as_view(), name="console-claim"),
    path("alerts/<int:pk>/acknowledge", api.AcknowledgeView.as_view(), name="console-acknowledge"),
    path("alerts/<int:pk>/notes", api.NotesView.as_view(), name="console-notes"),
    path("alerts/<int:pk>/escalate", api.EscalateView.as_view(), name="console-escalate"),
    path("alerts/<int:pk>/phoned", api.PhonedView.as_view(), name="console-phoned"),
    path("alerts/<int:pk>/transfer", api.TransferView.as_view(), name="console-transfer"),
    path("alerts/<int:pk>/close", api.CloseView.as_view(), name="console-close"),
    path("cameras/<int:pk>/opened", api.CameraOpenedView.as_view(), name="console-camera-opened"),
]
