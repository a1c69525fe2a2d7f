"""A member's imports and everything they brought in, for the export.

Imported beat series are recordings, exported by physio with their source and device.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attune.web.imports import actions
from attune.web.imports.models import Import, Measurement, MindfulSession, Sleep, SleepStage, StateOfMind

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {
        "imports": [i.export_row() for i in Import.objects.filter(owner=user).order_by("created_at", "pk")]
    }
    for table, model in (
        ("imported_measurements", Measurement),
        ("imported_mindful_sessions", MindfulSession),
        ("imported_states_of_mind", StateOfMind),
        ("imported_sleep", Sleep),
        ("imported_sleep_stages", SleepStage),
    ):
        tables[table] = [row.export_row() for row in model.objects.filter(owner=user).order_by("start", "pk")]
    return tables


def delete_member_data(user: User) -> None:
    """Uploads waiting on disk are not rows: remove them before the account's rows go."""
    actions.delete_member_files(user)
