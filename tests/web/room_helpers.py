"""Shared helpers for the room tests (not a test module): a pair room, a workshop, websocket clients."""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.utils import timezone
from live_helpers import ORIGIN, WebsocketClient, session_cookie

from attune.web.practices.library import current_library
from attune.web.rooms import actions
from attune.web.rooms.models import Room, Workshop
from attune.web.rooms.plan import group_pacer, pair_breathing

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    from attune.web.asgi import application


def pair_room(host: Any, partner: Any | None = None, *, with_hug: bool = False) -> Room:
    """A pair room on partner breathing (then a long hug, which asks both for consent)."""
    practices = [pair_breathing(3)]
    if with_hug:
        hug = current_library().get("long-hug")
        assert hug is not None
        practices.append(hug)
    room = actions.create_pair(host, practices, title="Breathing together")
    if partner is not None:
        assert room.code is not None
        actions.join_pair(partner, room.code)
    return Room.objects.get(pk=room.pk)


def workshop(guide: Any, capacity: int = 20, starts_at: Any = None, **extra: Any) -> Workshop:
    return actions.schedule_workshop(
        guide,
        [group_pacer(5)],
        title="Slowing down together",
        starts_at=starts_at or timezone.now() + timedelta(days=1),
        duration_min=60,
        capacity=capacity,
        **extra,
    )


async def client_for(room_id: int, user: Any | None) -> WebsocketClient:
    cookie = await sync_to_async(session_cookie)(user) if user is not None else None
    headers = [ORIGIN] + ([(b"cookie", cookie)] if cookie is not None else [])
    return WebsocketClient(application, f"/ws/rooms/{room_id}/", headers)


async def opened(room_id: int, user: Any) -> tuple[WebsocketClient, dict[str, Any]]:
    comm = await client_for(room_id, user)
    connected, _ = await comm.connect()
    assert connected
    welcome = await comm.receive_json_from()
    assert welcome["type"] == "welcome", welcome
    return comm, welcome
