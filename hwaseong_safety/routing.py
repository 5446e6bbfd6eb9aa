"""Websocket routes. The operator console consumer lands here with the console issue."""

from __future__ import annotations

websocket_urlpatterns: list = []
