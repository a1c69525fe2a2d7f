"""Syncing the built-in workbooks: the start-up job (with its progress) and `attune manage syncbuiltin`."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from attune.web.jobs.models import Job
from attune.web.workbooks import catalog
from attune.web.workbooks.models import WorkbookVersion
from attune.web.workbooks.tasks import SYNC_BUILTIN, queue_sync_builtin

BUILTIN = "coming-home-to-safety"


@pytest.fixture
def two_builtin_workbooks(settings: Any, tmp_path: Path) -> Any:
    content = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, content)
    twin = content / "workbooks" / "coming-home-again"
    shutil.copytree(content / "workbooks" / BUILTIN, twin)
    text = (twin / "workbook.md").read_text(encoding="utf-8")
    (twin / "workbook.md").write_text(text.replace(f"slug: {BUILTIN}", "slug: coming-home-again", 1), encoding="utf-8")
    settings.CONTENT_DIR = content
    catalog.clear_cache()
    yield
    catalog.clear_cache()


@pytest.mark.django_db
def test_the_start_up_job_publishes_each_builtin_workbook_and_ends_done(
    two_builtin_workbooks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = queue_sync_builtin()
    job.refresh_from_db()
    assert (job.kind, job.owner, job.state, job.percent, job.records) == (SYNC_BUILTIN, None, "done", 100, 2)
    assert job.message == "2 new workbook versions published."
    assert sorted(WorkbookVersion.objects.values_list("workbook__slug", "number")) == [
        ("coming-home-again", 1),
        (BUILTIN, 1),
    ]


@pytest.mark.django_db
def test_the_command_publishes_changed_workbooks_once() -> None:
    out = io.StringIO()
    call_command("syncbuiltin", stdout=out)
    call_command("syncbuiltin", stdout=out)
    assert out.getvalue().splitlines() == ["1 new workbook version published", "0 new workbook versions published"]
    assert WorkbookVersion.objects.filter(workbook__slug=BUILTIN).count() == 1
    assert not Job.objects.exists()  # the command works in the foreground
