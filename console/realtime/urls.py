"""Websocket routes: the operator console (docs/console-protocol.md)."""

from __future__ import annotations

from django.urls import path

from console.realtime.consumer import ConsoleConsumer

websocket_urlpatterns = [
    path("ws/console/", ConsoleConsumer.as_asgi()),
]
