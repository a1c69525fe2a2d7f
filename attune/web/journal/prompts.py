"""Finding a workbook prompt's wording, so an answer keeps the question it answered.

Asks the workbooks app lazily (``WorkbookVersion(workbook__slug, number).content``); without it,
no prompt is known and answers are refused.
"""

from __future__ import annotations

from django.apps import apps

from attune.content.workbooks import Prompt


def find_prompt(workbook_slug: str, version: int, day: int, prompt_key: str) -> Prompt | None:
    """The prompt ``prompt_key`` on ``day`` of that published workbook version, or ``None``."""
    if not apps.is_installed("attune.web.workbooks"):
        return None
    try:
        version_model = apps.get_model("workbooks", "WorkbookVersion")
    except LookupError:
        return None
    row = version_model.objects.filter(workbook__slug=workbook_slug, number=version).first()
    if row is None:
        return None
    try:
        found = row.content.day(day)
    except (KeyError, ValueError):
        return None
    return next((p for p in found.prompts if p.key == prompt_key), None)
