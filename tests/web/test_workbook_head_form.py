"""Guides edit workbook.md through a form: GET/POST /workbooks/<slug>/edit/workbook/."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from attune.web.workbooks.models import WorkbookVersion
from tests.web.conftest import PASSWORD
from tests.web.workbook_helpers import make_zip, sources, upload

URL = reverse("workbooks:edit_head", args=["small-steps"])

HEAD = {
    "title": "Small steps",
    "summary": "Three small days for trying things out.",
    "introduction": "A short introduction.",
    "chapter-count": "1",
    "chapter-0-slug": "first",
    "chapter-0-title": "First steps",
    "chapter-0-summary": "",
}

EXPECTED = """---
slug: small-steps
title: Smaller steps
summary: Three small days.
chapters:
  - slug: first
    title: First steps
    summary: Where it begins.
---
A *gentler* introduction.
"""


def _chapter(html: str, index: int) -> str:
    match = re.search(rf'id="edit-chapter-{index}">(.*?)</li>', html, re.S)
    assert match, f"no chapter {index} in the page"
    return match.group(1)


def test_it_shows_the_title_summary_chapters_and_introduction(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    html = guide_client.get(URL).content.decode()
    assert 'value="Small steps"' in html and "Three small days for trying things out." in html
    assert 'value="first"' in _chapter(html, 0) and 'value="First steps"' in _chapter(html, 0)
    assert "A short introduction." in html and "Edit the file instead" in html


def test_saving_writes_workbook_md_as_a_guide_would_type_it(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    data = {**HEAD, "title": "Smaller steps", "summary": "Three small days.", "chapter-0-summary": "Where it begins."}
    data["introduction"] = "A *gentler* introduction."
    response = guide_client.post(URL, {**data, "op": "save"})
    assert response.status_code == 302
    v2 = WorkbookVersion.objects.get(number=2)
    assert v2.sources["workbook.md"] == EXPECTED
    assert v2.content.title == "Smaller steps" and v2.content.chapters[0].summary == "Where it begins."


def test_a_chapter_with_no_days_is_named_on_that_chapter(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    html = guide_client.post(URL, {**HEAD, "op": "add-chapter"}).content.decode()
    assert 'name="chapter-count" value="2"' in html
    data = {**HEAD, "chapter-count": "2", "chapter-1-slug": "second", "chapter-1-title": "Second", "op": "save"}
    response = guide_client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was published" in html
    assert "has no days" in _chapter(html, 1) and "has no days" not in _chapter(html, 0)
    assert WorkbookVersion.objects.count() == 1


def test_a_problem_it_causes_in_a_day_is_listed_with_the_file_and_line(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    response = guide_client.post(URL, {**HEAD, "chapter-0-slug": "opening", "op": "save"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "days/day-01.md:4: unknown chapter &#x27;first&#x27;" in html
    assert WorkbookVersion.objects.count() == 1


def test_outsiders_and_members_get_404(guide_client: Client, owner_client: Client, db: None) -> None:
    upload(guide_client, make_zip(sources()))
    get_user_model().objects.create_user("hana", "h@example.test", PASSWORD, is_guide=True)
    other_guide = Client()
    other_guide.login(username="hana", password=PASSWORD)
    for client in (other_guide, owner_client):
        assert client.get(URL).status_code == 404
        assert client.post(URL, {**HEAD, "op": "save"}).status_code == 404
    assert WorkbookVersion.objects.count() == 1
