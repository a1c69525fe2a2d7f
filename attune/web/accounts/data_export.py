"""What the accounts app keeps about a member: their profile (see ``attune.web.accounts.export``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    return {
        "profile": [
            {
                "username": user.username,
                "display_name": user.display_name,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "timezone": user.timezone,
                "is_guide": user.is_guide,
                "default_pacer_bpm": user.default_pacer_bpm,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            }
        ]
    }
