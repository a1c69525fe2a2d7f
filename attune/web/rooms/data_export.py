"""A member's rooms, for the export: their places (with their own consent answers) and the rooms
they led. Their before and after readings are their practice sessions, exported with those; other
people in a room are theirs, and are not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attune.web.rooms.models import Participant, Room

if TYPE_CHECKING:
    from attune.web.accounts.models import User

PLACE_FIELDS = (
    "room_id", "room__kind", "room__title", "role", "status", "joined_at", "attended_at", "reminded_at",
    "shares_shift", "consent", "session_id", "language",
)
ROOM_FIELDS = (
    "id", "kind", "title", "created_at", "ended_at", "workshop__starts_at", "workshop__duration_min",
    "workshop__capacity", "workshop__audience", "workshop__place", "workshop__call_url", "workshop__description",
)


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    return {
        "room_places": list(Participant.objects.filter(user=user).order_by("joined_at", "pk").values(*PLACE_FIELDS)),
        "rooms_hosted": list(Room.objects.filter(host=user).order_by("created_at", "pk").values(*ROOM_FIELDS)),
    }
