"""A member's background jobs (imports and the like: what ran, when, how it ended), for the export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attune.web.jobs.models import Job

if TYPE_CHECKING:
    from attune.web.accounts.models import User

FIELDS = ("id", "kind", "state", "percent", "records", "message", "error", "created_at", "updated_at")


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    return {"jobs": list(Job.objects.filter(owner=user).order_by("created_at", "pk").values(*FIELDS))}
