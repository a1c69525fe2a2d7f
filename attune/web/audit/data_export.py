"""The member's own account activity in their export, and what erasure does to the log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attune.web.audit.actions import line_for_member
from attune.web.audit.models import AuditEvent

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    rows = []
    for event in AuditEvent.objects.for_account(user).select_related("actor").order_by("at", "pk"):
        line = line_for_member(event)
        rows.append(
            {
                "at": event.at,
                "kind": event.kind,
                "what": line.what,
                "where": line.where or None,
            }
        )
    return {"account_activity": rows}


def delete_member_data(user: User) -> None:
    """Erasure: the account's events stay (for security, until retention ends) but no longer name it."""
    AuditEvent.objects.erase_account(user)
