"""Police/fire dispatch's signed callback, mounted at api/v1/dispatch/ (docs/dispatch.md)."""

from __future__ import annotations

from django.urls import path

from alerts.dispatch import views

urlpatterns = [
    path("callback", views.DispatchCallbackView.as_view(), name="dispatch-callback"),
]
