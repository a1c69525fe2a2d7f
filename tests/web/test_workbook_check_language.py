"""The workbook check's messages, which attune.content writes without Django, reach a guide in their language.

docs/translating.md, "Libraries without Django": the file and line stay as they are, the message is German.
"""

from __future__ import annotations

import html
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from attune.web.workbooks.models import WorkbookVersion
from tests.web.workbook_helpers import make_zip, sources, upload

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}


def _upload(client: Client, files: dict[str, str | bytes], **headers: Any) -> str:
    archive = SimpleUploadedFile("bad.zip", make_zip(files), content_type="application/zip")
    response = client.post(reverse("workbooks:upload"), {"archive": archive}, **headers)
    assert response.status_code == 400
    assert not WorkbookVersion.objects.exists()
    return html.unescape(response.content.decode())


def _broken() -> dict[str, str | bytes]:
    """The helper workbook with day 2 taking 90 minutes and naming a practice by a misspelt slug."""
    files: dict[str, str | bytes] = dict(sources())
    day = str(files["days/day-02.md"])
    files["days/day-02.md"] = day.replace("minutes: 5", "minutes: 90").replace("hand-on-heart", "hand-on-haert")
    return files


def test_an_upload_refused_in_german_names_the_file_and_line_and_says_the_check_in_german(guide_client: Client) -> None:
    page = _upload(guide_client, _broken(), **GERMAN)
    assert "days/day-02.md:5: 'minutes' muss eine ganze Zahl von 1 bis 60 sein" in page
    assert "days/day-02.md:8: unbekannte Übung 'hand-on-haert' (meintest du 'hand-on-heart'?); keine Übung hat" in page
    assert "must be a whole number" not in page
    assert "unknown practice" not in page and "did you mean" not in page


def test_the_same_upload_in_english_reads_as_it_always_did(guide_client: Client) -> None:
    page = _upload(guide_client, _broken())
    assert "days/day-02.md:5: 'minutes' must be a whole number from 1 to 60" in page
    assert (
        "days/day-02.md:8: unknown practice 'hand-on-haert' (did you mean 'hand-on-heart'?); "
        "no practice has that slug" in page
    )


def test_a_zip_refused_before_its_files_are_read_is_refused_in_german(guide_client: Client) -> None:
    page = _upload(guide_client, {**sources(), "../evil.md": "x"}, **GERMAN)
    assert "bad.zip:1: '../evil.md' führt mit '..' aus dem Zip hinaus" in page
    assert "climbs out" not in page


def test_the_day_form_shows_the_check_by_its_field_in_german(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    day_2 = {
        "title": "",
        "chapter": "first",
        "minutes": "90",
        "body": "The reading for day 2.",
        "item-count": "1",
        "item-0-kind": "reading",
        "op": "save",
    }
    response = guide_client.post(reverse("workbooks:edit_day", args=["small-steps", 2]), day_2, **GERMAN)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    minutes = page[page.index('for="id_minutes"') : page.index('class="wb-steps"')]
    assert "'minutes' muss eine ganze Zahl von 1 bis 60 sein." in minutes
    title = page[page.index('for="id_title"') : page.index('for="id_chapter"')]
    assert "'title' braucht etwas Text." in title
    assert "must be" not in page
    assert WorkbookVersion.objects.count() == 1
