"""Guides edit workbook.md through a form with a live preview: /workbooks/<slug>/edit/workbook/ (and .../preview/)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attune.web.workbooks.models import WorkbookVersion
from tests.web.conftest import PASSWORD
from tests.web.workbook_helpers import make_zip, sources, upload

URL = reverse("workbooks:edit_head", args=["small-steps"])
PREVIEW = reverse("workbooks:edit_head_preview", args=["small-steps"])

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
        assert client.post(PREVIEW, HEAD).status_code == 404
    assert guide_client.post(reverse("workbooks:edit_head_preview", args=["no-such-workbook"]), HEAD).status_code == 404
    assert WorkbookVersion.objects.count() == 1


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]


def test_the_form_page_starts_with_the_workbooks_page_as_a_member_sees_it(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    html = guide_client.get(URL).content.decode()
    assert f'data-preview="{PREVIEW}"' in html and "js/workbook-edit.js" in html
    preview = html[html.index('id="wb-preview"') :]
    assert "<h1>Small steps</h1>" in preview and "A short introduction." in preview
    assert "3 days" in preview and "<h3>First steps</h3>" in preview and "Day 2 title" in preview


def test_the_preview_renders_the_workbooks_page_as_typed_and_writes_nothing(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    typed = {**HEAD, "title": "Gentler steps", "summary": "Three kind days.", "introduction": "Go *slowly*."}
    typed["chapter-0-summary"] = "Where it begins."
    with CaptureQueriesContext(connection) as queries:
        response = guide_client.post(PREVIEW, typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Gentler steps</h1>" in html and '<p class="lede">Three kind days.</p>' in html
    assert "<em>slowly</em>" in html
    assert "Where it begins." in html and "Day 1 title" in html  # the chapter, with the days that name it
    assert "<fieldset disabled" in html and "Not ready to publish yet" not in html
    assert "<html" not in html  # only the preview's part, for the script to put in place
    assert _writes(queries) == []
    assert WorkbookVersion.objects.count() == 1


def test_the_preview_says_what_the_check_would_refuse(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    data = {**HEAD, "chapter-count": "2", "chapter-1-slug": "second", "chapter-1-title": "Second"}
    with CaptureQueriesContext(connection) as queries:
        html = guide_client.post(PREVIEW, data).content.decode()
        renamed = guide_client.post(PREVIEW, {**HEAD, "chapter-0-slug": "opening"}).content.decode()
    assert "Not ready to publish yet" in html and "Chapter 2: " in html and "has no days" in html
    assert "<h3>Second</h3>" in html  # still drawn, with no days under it
    assert "days/day-01.md:4: unknown chapter &#x27;first&#x27;" in renamed
    assert _writes(queries) == []
    assert WorkbookVersion.objects.count() == 1


def test_the_preview_escapes_html_like_the_members_page(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    data = {**HEAD, "title": "<b>x</b>", "introduction": "<script>alert(1)</script>"}
    html = guide_client.post(PREVIEW, data).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<b>x</b>" not in html


def test_a_malformed_preview_is_refused_plainly_never_a_500(guide: Any, guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    for count in ("many", "-1", "999"):
        response = guide_client.post(PREVIEW, {**HEAD, "chapter-count": count})
        assert response.status_code == 400
        assert "The list of chapters could not be read" in response.content.decode()
    assert guide_client.post(PREVIEW, {"chapter-count": "1"}).status_code == 200  # missing fields are empty ones
    assert guide_client.get(PREVIEW).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(guide)
    assert strict.post(PREVIEW, HEAD).status_code == 403


def test_a_workbook_md_the_form_cannot_show_gives_a_plain_400_from_the_preview(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    latest = WorkbookVersion.objects.get()
    # A version never changes through save(); a file the form cannot read is put there directly.
    unreadable = {**latest.sources, "workbook.md": "---\nslug: small-steps\nchapters: oops\n---\n"}
    WorkbookVersion.objects.filter(pk=latest.pk).update(sources=unreadable)
    response = guide_client.post(PREVIEW, HEAD)
    assert response.status_code == 400
    assert "workbook.md is written in a way the form cannot show" in response.content.decode()
