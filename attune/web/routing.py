"""Websocket routes. Live features add their consumers here."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.urls import path

websocket_urlpatterns: list[Any] = []

if apps.is_installed("attune.web.live"):
    from attune.web.live.consumers import LiveConsumer

    websocket_urlpatterns.append(path("ws/live/<int:recording_id>/", LiveConsumer.as_asgi()))
