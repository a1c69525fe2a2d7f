"""A member's practice sessions for the data export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attune.web.practices.models import PracticeSession

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    rows = [s.export_row() for s in PracticeSession.objects.filter(user=user).order_by("started_at", "pk")]
    return {"practice_sessions": rows}
