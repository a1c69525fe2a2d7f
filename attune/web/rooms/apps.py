from __future__ import annotations

from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "attune.web.rooms"
    label = "rooms"
    verbose_name = "Rooms: practising together"
