"""A member's check-ins for the data export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attune.web.checkins.models import CheckIn

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    rows = [c.export_row() for c in CheckIn.objects.filter(user=user).order_by("created_at", "pk")]
    return {"checkins": rows}
