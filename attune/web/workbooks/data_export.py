"""A member's workbook data for their export: what they follow and what they've done."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attune.web.workbooks.actions import release_guide
from attune.web.workbooks.models import Enrolment

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    enrolments = []
    progress = []
    for e in Enrolment.objects.filter(user=user).select_related("version__workbook", "cohort").prefetch_related("days"):
        enrolments.append(
            {
                "id": e.pk,
                "workbook": e.workbook.slug,
                "version": e.version.number,
                "title": e.version.title,
                "mode": e.mode,
                "cohort": e.cohort.title if e.cohort else None,
                "start_date": e.start_date.isoformat(),
                "enrolled_at": e.enrolled_at,
                "last_active_at": e.last_active_at,
            }
        )
        for day in e.days.all():
            progress.append({"enrolment": e.pk, "workbook": e.workbook.slug, **day.export_row()})
    return {"workbook_enrolments": enrolments, "workbook_progress": progress}


def delete_member_data(user: User) -> None:
    """A guide's groups end and their workbooks are let go of before their account goes."""
    release_guide(user)
