"""Websocket routes. Live features add their consumers here."""

from __future__ import annotations

from typing import Any

from django.urls import path

from attune.web.live.consumers import LiveConsumer
from attune.web.rooms.consumers import RoomConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/live/<int:recording_id>/", LiveConsumer.as_asgi()),
    path("ws/rooms/<int:room_id>/", RoomConsumer.as_asgi()),
]
