"""A file reader's own sentence (attune.importers, via attune.words) on the import pages, in the reader's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from imports_helpers import HEADER, oura_rows

from attune.web.imports.models import Import, State

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}


@pytest.fixture(autouse=True)
def upload_dir(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    return Path(settings.IMPORT_UPLOAD_DIR)


def test_a_failed_import_says_the_readers_sentence_in_german_and_in_english(
    owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    good, bad = oura_rows(2)
    bad = bad.split(";")
    bad[5] = "abc"  # average_hrv
    data = "\n".join([HEADER, good, ";".join(bad)]).encode()
    with django_capture_on_commit_callbacks(execute=True):  # the job runs, as in the worker
        response = owner_client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("schlaf.csv", data)})
    assert response.status_code == 302
    imp = Import.objects.get(owner=owner)
    english = ("schlaf.csv: line 3: column 'average_hrv' holds 'abc', not a number; "
               "what was read before this point was kept.")
    assert (imp.state, imp.error) == (State.FAILED, english)
    assert imp.error_words["template"] == "%(problem)s; what was read before this point was kept."

    german = ("schlaf.csv: Zeile 3: Spalte 'average_hrv' enthält 'abc', keine Zahl; "
              "was bis hierhin gelesen wurde, ist behalten.")
    assert owner_client.get(reverse("imports:status", args=[imp.pk]), **GERMAN).json()["error"] == german
    page = owner_client.get(reverse("imports:detail", args=[imp.pk]), **GERMAN).content.decode()
    assert "Zeile 3: Spalte &#x27;average_hrv&#x27; enthält &#x27;abc&#x27;, keine Zahl" in page
    assert owner_client.get(reverse("imports:status", args=[imp.pk])).json()["error"] == english


def test_a_file_with_nothing_read_says_so_in_german(
    owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = f"{HEADER}\nx;2024-01-01;long_sleep;yesterday;;45;52;57;1;1;1;1;1;91\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("schlaf.csv", data)})
    imp = Import.objects.get(owner=owner)
    assert imp.error == "schlaf.csv: line 2: 'yesterday' is not a date and time like 2024-05-04 07:00."
    status = owner_client.get(reverse("imports:status", args=[imp.pk]), **GERMAN).json()
    assert status["error"] == "schlaf.csv: Zeile 2: 'yesterday' ist kein Datum mit Uhrzeit wie 2024-05-04 07:00."


def test_an_import_stored_before_its_words_were_kept_shows_its_english(owner_client: Client, owner: Any) -> None:
    imp = Import.objects.create(owner=owner, original_name="uhr.fit", size_bytes=3, format="fit", state=State.FAILED,
                                created_at=timezone.now(), error="uhr.fit: byte 14: the file is cut short.")
    status = owner_client.get(reverse("imports:status", args=[imp.pk]), **GERMAN).json()
    assert status["error"] == "uhr.fit: byte 14: the file is cut short."


def test_a_refused_upload_says_the_readers_sentence_in_german(owner_client: Client) -> None:
    garbage = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4)
    response = owner_client.post(reverse("imports:upload"), {"file": garbage}, **GERMAN)
    assert response.status_code == 400
    assert "photo.jpg: Datei: kein Export, den attune liest" in response.content.decode()
