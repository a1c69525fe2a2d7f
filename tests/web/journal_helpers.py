"""Shared set-up for the journal tests: keys kept in a temporary folder, and a small cohort."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from attune.content.workbooks import Chapter, Day, Prompt, Reading, Workbook

PROMPT = Prompt(key="safe-place", text="Where in your day do you feel most at ease?")


@pytest.fixture
def journal_keys(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """No keys in the environment; the key file goes into this test's own data folder."""
    from attune.web.common import crypto

    monkeypatch.delenv("ATTUNE_JOURNAL_KEYS", raising=False)
    monkeypatch.delenv("ATTUNE_JOURNAL_KEYS_FILE", raising=False)
    settings.DATA_DIR = tmp_path / "data"
    crypto.forget_keyring()
    yield settings.DATA_DIR
    crypto.forget_keyring()


def small_workbook(slug: str = "ease") -> Workbook:
    day = Day(number=1, title="Noticing ease", chapter="begin", minutes=5, items=(Reading("Hello."), PROMPT))
    return Workbook(
        slug=slug,
        title="Ease",
        summary="A short test workbook.",
        guide="Gwen",
        version=1,
        chapters=(Chapter(slug="begin", title="Beginning"),),
        days=(day,),
    )


def cohort_led_by(guide: Any, *members: Any, slug: str = "ease") -> Any:
    """Publish a one-day workbook as ``guide``, open a cohort and enrol ``members`` in it."""
    from attune.web.workbooks import actions
    from attune.web.workbooks.models import Workbook as WorkbookRow

    row, _ = WorkbookRow.objects.get_or_create(slug=slug, defaults={"owner": guide})
    version, _ = actions.publish(row, small_workbook(slug), {})
    cohort = actions.create_cohort(guide, version, "Spring group", dt.date(2026, 3, 1))
    for member in members:
        actions.join_cohort(member, cohort)
    return cohort
