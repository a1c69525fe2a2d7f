"""Built-in workbooks are published by the sync (start-up, a command, the task worker), never by a page visit."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from attune.web.workbooks import actions, catalog
from attune.web.workbooks.models import WorkbookVersion

BUILTIN = "coming-home-to-safety"


def test_visiting_the_list_publishes_nothing_the_sync_publishes_the_builtin_workbook_once(owner_client: Client) -> None:
    assert owner_client.get(reverse("workbooks:list")).status_code == 200
    assert not WorkbookVersion.objects.exists(), "a GET never writes"
    actions.sync_builtin()
    response = owner_client.get(reverse("workbooks:list"))
    assert "Coming home to safety" in response.content.decode()
    version = WorkbookVersion.objects.get(workbook__slug=BUILTIN)
    assert (version.number, version.day_count, version.workbook.owner) == (1, 28, None)
    actions.sync_builtin()
    assert WorkbookVersion.objects.count() == 1


def test_a_changed_builtin_file_publishes_a_new_version(owner_client: Client, settings: Any, tmp_path: Any) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, content)
    settings.CONTENT_DIR = content
    actions.sync_builtin()
    day = content / "workbooks" / BUILTIN / "days" / "day-03.md"
    day.write_text(day.read_text() + "\nOne more kind sentence.\n")
    catalog.clear_cache()
    actions.sync_builtin()
    assert list(WorkbookVersion.objects.values_list("number", flat=True).order_by("number")) == [1, 2]
