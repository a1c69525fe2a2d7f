"""A member's rooms: the pairs and workshops they hosted or joined, and how they took part.

The plan and timeline of a room are the host's; a participant's own before and after readings are
practice sessions, exported by the practices app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attune.web.rooms.models import Participant, Room

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    hosted = Room.objects.filter(host=user).order_by("created_at", "pk")
    places = Participant.objects.filter(user=user).select_related("room").order_by("joined_at", "pk")
    return {
        "rooms_hosted": [
            {"id": r.pk, "kind": r.kind, "title": r.title, "created_at": r.created_at, "ended_at": r.ended_at}
            for r in hosted
        ],
        "room_places": [
            {
                "room": p.room_id,
                "room_title": p.room.title,
                "role": p.role,
                "status": p.status,
                "joined_at": p.joined_at,
                "practice_session": p.session_id,
                "shares_shift": p.shares_shift,
                "consent": p.consent,
            }
            for p in places
        ],
    }
