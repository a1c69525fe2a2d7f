"""The guide's workbook pages and joining a group, asked for in German: German words, none of the old English."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.web.workbooks.models import Cohort, WorkbookVersion
from tests.web.workbook_helpers import make_zip, sources, upload

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}


@pytest.fixture(autouse=True)
def _pinned_today(settings: Any) -> None:
    settings.ATTUNE_FAKE_TODAY = "2026-12-05"


def _german(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url, **GERMAN)
    assert response.status_code == status
    page = response.content.decode()
    assert '<html lang="de">' in page
    return page


def _absent(page: str, *english: str) -> None:
    for words in english:
        assert words not in page, words


def _published(guide_client: Client) -> WorkbookVersion:
    upload(guide_client, make_zip(sources()))
    return WorkbookVersion.objects.get()


def test_the_guides_workbook_pages_in_german(guide_client: Client) -> None:
    _published(guide_client)
    home = _german(guide_client, reverse("workbooks:guide"))
    for words in ("Deine Kurse und Gruppen", "Kurse, die du veröffentlichst", "1 Version", "Gruppe starten"):
        assert words in home, words
    assert "Prüfen und veröffentlichen" in home and "Noch keine Gruppen." in home
    _absent(home, "Workbooks you publish", "Uploading the same workbook again", "Check and publish", "No groups yet.")

    versions = _german(guide_client, reverse("workbooks:versions", args=["small-steps"]))
    assert "Mit Formularen und Vorschau" in versions and "Veröffentlichte Versionen" in versions
    _absent(versions, "Every published version is kept.", "Edit with forms, with a preview")

    head = _german(guide_client, reverse("workbooks:edit_head", args=["small-steps"]))
    for words in ("Titel und Kapitel von Small steps", "Kapitel, der Reihe nach", "Kapitel 1 entfernen"):
        assert words in head, words
    assert "Mitglieder lesen sie vor Tag 1." in head
    _absent(head, "Chapters, in order", "Members read it before day 1.", "Remove chapter 1")
    # The preview beside it: the member's page in German, and what the check would refuse.
    typed = {"title": "Small steps", "summary": "Three days.", "introduction": "", "chapter-count": "2"}
    typed |= {
        "chapter-0-slug": "first",
        "chapter-0-title": "First",
        "chapter-1-slug": "second",
        "chapter-1-title": "Two",
    }
    preview = guide_client.post(reverse("workbooks:edit_head_preview", args=["small-steps"]), typed, **GERMAN)
    html = preview.content.decode()
    assert "Noch nicht bereit zum Veröffentlichen" in html and "Kapitel 2: " in html and "Was drin ist" in html
    _absent(html, "Not ready to publish yet", "Chapter 2: ", "What's inside")


def test_the_day_editor_in_german(guide_client: Client) -> None:
    _published(guide_client)
    page = _german(guide_client, reverse("workbooks:edit_day", args=["small-steps", 2]))
    for words in (
        "Tag 2 von Small steps",
        "Schritte, in der Reihenfolge, in der Mitglieder ihnen begegnen",
        "Der Lesetext des Tages (Markdown)",
        "Etwa wie viele Minuten",
        "Frage fürs Tagebuch",
        'aria-label="Schritt 2 nach oben"',
        "Prüfen und veröffentlichen",
        "Vorschau",
    ):
        assert words in page, words
    _absent(
        page,
        "Steps, in the order the member meets them",
        "About how many minutes",
        "Move step 2 up",
        "Check and publish",
        "The day as a member will see it",
    )
    # A refused save explains itself in German too.
    data = {"title": "", "chapter": "first", "minutes": "90", "body": "", "item-count": "0", "op": "save"}
    refused = guide_client.post(reverse("workbooks:edit_day", args=["small-steps", 2]), data, **GERMAN)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Es wurde nichts veröffentlicht." in html and "Nothing was published" not in html


def test_starting_a_group_and_its_page_in_german(guide_client: Client) -> None:
    version = _published(guide_client)
    url = reverse("workbooks:cohort_new", args=["small-steps"])
    refused = guide_client.post(url, {"title": "", "version": version.pk, "start_date": "2026-12-15"}, **GERMAN)
    assert refused.status_code == 400
    assert "Gib der Gruppe einen Namen" in refused.content.decode()
    guide_client.post(url, {"title": "Frühlingskreis", "version": version.pk, "start_date": "2026-12-15"})
    cohort = Cohort.objects.get()
    page = _german(guide_client, reverse("workbooks:cohort", args=[cohort.pk]))
    assert "Menschen einladen" in page and "erster Tag Dienstag, 15. Dezember 2026" in page
    assert "Noch niemand ist beigetreten." in page
    _absent(page, "Invite people", "Nobody has joined yet.", "first day Tuesday")


def test_joining_a_group_in_german(guide_client: Client, owner_client: Client) -> None:
    version = _published(guide_client)
    url = reverse("workbooks:cohort_new", args=["small-steps"])
    guide_client.post(url, {"title": "Frühlingskreis", "version": version.pk, "start_date": "2026-12-15"})
    cohort = Cohort.objects.get()
    join = reverse("workbooks:join", args=[cohort.invite_token])
    page = _german(owner_client, join)
    for words in (
        "Eine Einladung von Gwen",
        "3 Tage, jeweils ein paar Minuten, ab Dienstag, 15. Dezember 2026.",
        "Was du in dein Tagebuch schreibst, bleibt privat.",
        "Frühlingskreis beitreten",
    ):
        assert words in page, words
    _absent(page, "An invitation from", "a few minutes each", "What you write in your journal stays private", "Join ")
    joined = owner_client.post(join, **GERMAN, follow=True)
    assert "Du bist jetzt bei Frühlingskreis dabei." in joined.content.decode()
    again = _german(owner_client, join)
    assert "Du bist in dieser Gruppe: weiter" in again and "You're in this group" not in again
