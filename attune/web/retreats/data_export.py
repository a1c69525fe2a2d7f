"""A member's retreat applications for their export, with their intake answers until they are deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attune.web.retreats.days import export_rows
from attune.web.retreats.models import Application

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    applications = Application.objects.filter(user=user).select_related("retreat").order_by("applied_at", "pk")
    return {"retreat_applications": [a.export_row() for a in applications], **export_rows(user)}
