"""A member's journal for the data export, in plain text: it is theirs to take with them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attune.web.journal.models import JournalEntry

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    entries = JournalEntry.objects.filter(user_id=user.pk).select_related("shared_with").order_by("created_at", "pk")
    return {"journal_entries": [entry.export_row() for entry in entries]}
