"""Finding a workbook prompt's wording, so an answer keeps the question it answered.

Asks the workbooks app lazily (``WorkbookVersion(workbook__slug, number).content``); without it,
no prompt is known and answers are refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps

from attune.content.workbooks import Prompt

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def find_prompt(workbook_slug: str, version: int, day: int, prompt_key: str, user: User | None = None) -> Prompt | None:
    """The prompt ``prompt_key`` on ``day`` of that published workbook version, or ``None``.

    With ``user``, only a version that member is following counts: nobody can answer (and so
    read the wording of) a prompt in a workbook they have not started.
    """
    if not apps.is_installed("attune.web.workbooks"):
        return None
    try:
        version_model = apps.get_model("workbooks", "WorkbookVersion")
    except LookupError:
        return None
    rows = version_model.objects.filter(workbook__slug=workbook_slug, number=version)
    if user is not None:
        rows = rows.filter(enrolments__user_id=user.pk)
    row = rows.first()
    if row is None:
        return None
    try:
        found = row.content.day(day)
    except (KeyError, ValueError):
        return None
    return next((p for p in found.prompts if p.key == prompt_key), None)


def workbook_title(workbook_slug: str, version: int | None) -> str:
    """The title of that workbook as published in ``version`` (or its latest), else the slug."""
    if not workbook_slug or not apps.is_installed("attune.web.workbooks"):
        return workbook_slug
    try:
        version_model = apps.get_model("workbooks", "WorkbookVersion")
    except LookupError:
        return workbook_slug
    rows = version_model.objects.filter(workbook__slug=workbook_slug)
    exact = rows.filter(number=version).values_list("title", flat=True).first() if version else None
    title = exact or rows.order_by("-number").values_list("title", flat=True).first()
    return str(title) if title else workbook_slug
