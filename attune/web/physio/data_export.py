"""A member's heart-rhythm recordings (with every RR interval) and resonance assessments, for the export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attune.web.physio.models import Recording, ResonanceAssessment

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    recordings = Recording.objects.filter(user=user).order_by("started_at", "pk")
    assessments = ResonanceAssessment.objects.filter(user=user).order_by("created_at", "pk")
    return {
        "heart_recordings": [r.export_row() for r in recordings],
        "resonance_assessments": [a.export_row() for a in assessments],
    }


def export_member_files(user: User) -> dict[str, str]:
    """Each recording's RR intervals as a text file (the same text as the download), by file name.

    accounts/export.py writes each one into the zip beside the tables.
    """
    return {
        f"rr/attune-rr-{r.pk}.txt": r.rr_text()
        for r in Recording.objects.filter(user=user).order_by("started_at", "pk")
    }
