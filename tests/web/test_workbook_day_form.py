"""Guides edit a day through a form with a live preview: /workbooks/<slug>/edit/day/<n>/ (and .../preview/)."""

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

URL = reverse("workbooks:edit_day", args=["small-steps", 2])
PREVIEW = reverse("workbooks:edit_day_preview", args=["small-steps", 2])
RAW = reverse("workbooks:edit", args=["small-steps"])

# Day 2 of the helper workbook, as the form first shows it.
DAY_2 = {
    "title": "Day 2 title",
    "chapter": "first",
    "minutes": "5",
    "body": "The reading for day 2. ",
    "item-count": "3",
    "item-0-kind": "reading",
    "item-1-kind": "practice",
    "item-1-practice": "hand-on-heart",
    "item-2-kind": "prompt",
    "item-2-text": "What did you notice on day 2?",
    "item-2-key": "notice-2",
}

# What a guide would type for the same day with a check-in added and a new title.
EQUIVALENT_YAML = """---
day: 2
title: A slower day
chapter: first
minutes: 7
items:
  - checkin
  - reading
  - practice: hand-on-heart
    note: Or with your own hand, alone.
  - prompt: |-
      What did you notice?
      Anything at all.
    key: notice-2
---
The reading for day 2, *slower*.
"""


# The same day as a guide might type it: other indentation, quotes, a folded question.
TYPED_BY_HAND = """---
day: 2
title: "A slower day"
chapter: first
minutes: 7
items:
- checkin
- reading
- practice: hand-on-heart
  note: Or with your own hand, alone.
- prompt: >-
    What did you notice?

    Anything at all.
  key: notice-2
---
The reading for day 2, *slower*.
"""


def _published(client: Client) -> WorkbookVersion:
    upload(client, make_zip(sources()))
    return WorkbookVersion.objects.get()


def _edited(**changes: str) -> dict[str, str]:
    return {**DAY_2, **changes}


def _slower_day() -> dict[str, str]:
    return {
        "title": "A slower day",
        "chapter": "first",
        "minutes": "7",
        "body": "The reading for day 2, *slower*.",
        "item-count": "4",
        "item-0-kind": "checkin",
        "item-1-kind": "reading",
        "item-2-kind": "practice",
        "item-2-practice": "hand-on-heart",
        "item-2-note": "Or with your own hand, alone.",
        "item-3-kind": "prompt",
        "item-3-text": "What did you notice?\r\nAnything at all.",
        "item-3-key": "notice-2",
        "op": "save",
    }


def _raw_form(version: WorkbookVersion, **changes: str) -> dict[str, str]:
    paths = list(version.sources)
    data = {f"file_{i}": text for i, text in enumerate(version.sources.values())}
    for path, text in changes.items():
        data[f"file_{paths.index(path)}"] = text
    return data


def _step(html: str, index: int) -> str:
    match = re.search(rf'<li class="[^"]*wb-step[^"]*" id="edit-item-{index}">(.*?)</li>\s*(?:<li|</ol>)', html, re.S)
    assert match, f"no step {index} in the page"
    return match.group(1)


def test_it_shows_the_day_in_fields_with_the_reading_beside_them(guide_client: Client) -> None:
    _published(guide_client)
    response = guide_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Day 2 title"' in html
    assert '<option value="first" selected>' in html
    assert "The reading for day 2." in html
    assert '<option value="hand-on-heart" selected>' in _step(html, 1)
    assert 'value="notice-2"' in _step(html, 2)
    assert "Edit the file instead" in html
    # The preview is there from the start, drawn by the member's template part.
    assert 'class="card wb-item wb-item-practice' in html


def test_saving_through_the_form_writes_the_file_a_guide_would_type(guide_client: Client) -> None:
    v1 = _published(guide_client)
    response = guide_client.post(URL, _slower_day())
    assert response.status_code == 302
    v2 = WorkbookVersion.objects.get(number=2)
    assert v2.sources["days/day-02.md"] == EQUIVALENT_YAML
    assert {p: t for p, t in v2.sources.items() if p != "days/day-02.md"} == {
        p: t for p, t in v1.sources.items() if p != "days/day-02.md"
    }
    day = v2.content.day(2)
    assert day.title == "A slower day" and day.minutes == 7
    assert [item.kind for item in day.items] == ["checkin", "reading", "practice", "prompt"]


def test_the_same_day_typed_as_yaml_publishes_the_same_content(guide_client: Client) -> None:
    v1 = _published(guide_client)
    guide_client.post(URL, _slower_day())
    v2 = WorkbookVersion.objects.get(number=2)
    # The equivalent file, typed by hand in the raw editor, differs in layout only: nothing new is published.
    typed = TYPED_BY_HAND
    assert typed != EQUIVALENT_YAML
    response = guide_client.post(RAW, _raw_form(v2, **{"days/day-02.md": typed}))
    assert response.status_code == 302
    assert WorkbookVersion.objects.count() == 2
    assert v2.digest != v1.digest


def test_an_error_is_shown_by_the_step_it_concerns_and_nothing_is_published(guide_client: Client) -> None:
    _published(guide_client)
    response = guide_client.post(URL, _edited(**{"item-2-key": "notice-1", "op": "save"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was published" in html
    assert "already used in day-01.md" in _step(html, 2)
    assert "already used" not in _step(html, 1)
    assert WorkbookVersion.objects.count() == 1
    # The draft stays in the fields.
    assert 'value="notice-1"' in _step(html, 2)


def test_minutes_out_of_range_and_a_missing_title_are_shown_by_their_fields(guide_client: Client) -> None:
    _published(guide_client)
    response = guide_client.post(URL, _edited(minutes="90", title="", op="save"))
    assert response.status_code == 400
    html = response.content.decode()
    minutes = html[html.index('for="id_minutes"') : html.index('class="wb-steps"')]
    assert "from 1 to 60" in minutes
    title = html[html.index('for="id_title"') : html.index('for="id_chapter"')]
    assert "must be some text" in title
    assert WorkbookVersion.objects.count() == 1


def test_an_unknown_practice_is_named_on_its_step(guide_client: Client) -> None:
    _published(guide_client)
    response = guide_client.post(URL, _edited(**{"item-1-practice": "hand-on-hart", "op": "save"}))
    assert response.status_code == 400
    assert "did you mean &#x27;hand-on-heart&#x27;" in _step(response.content.decode(), 1)
    assert WorkbookVersion.objects.count() == 1


def test_a_problem_in_another_file_is_listed_above_with_its_file_and_line(guide_client: Client) -> None:
    _published(guide_client)
    # Day 2 moved to a chapter that does not exist: its own field says so...
    response = guide_client.post(URL, _edited(chapter="second", op="save"))
    assert response.status_code == 400
    assert "Choose one of the chapters" in response.content.decode()
    # ...and a reading removed while the body stays is named by the reading box.
    response = guide_client.post(
        URL, _edited(**{"item-count": "2", "item-0-kind": "practice", "item-0-practice": "hand-on-heart",
                        "item-1-kind": "checkin", "op": "save"})
    )
    html = response.content.decode()
    body = html[html.index('class="field wb-editor-body"') : html.index('class="row wb-editor-save"')]
    assert "no &#x27;- reading&#x27; item to show it" in body
    assert WorkbookVersion.objects.count() == 1


def test_moving_adding_and_removing_steps_publishes_nothing(guide_client: Client) -> None:
    _published(guide_client)
    html = guide_client.post(URL, _edited(op="up-2")).content.decode()
    assert 'value="notice-2"' in _step(html, 1)
    html = guide_client.post(URL, _edited(op="add-checkin")).content.decode()
    assert 'name="item-3-kind" value="checkin"' in html and 'name="item-count" value="4"' in html
    html = guide_client.post(URL, _edited(op="remove-0")).content.decode()
    assert 'name="item-count" value="2"' in html and 'name="item-0-kind" value="practice"' in html
    assert guide_client.post(URL, _edited(op="up-9")).status_code == 400
    assert guide_client.post(URL, _edited(**{"item-count": "7"})).status_code == 400
    assert WorkbookVersion.objects.count() == 1


def test_the_preview_renders_the_day_as_typed_and_writes_nothing(guide_client: Client) -> None:
    _published(guide_client)
    with CaptureQueriesContext(connection) as queries:
        response = guide_client.post(
            PREVIEW, _edited(title="Softly now", body="A *gentle* start.", **{"item-1-note": "Or alone."})
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Day 2: Softly now" in html
    assert "<em>gentle</em>" in html
    assert "Or alone." in html and "A hand on your heart" in html
    assert 'class="card wb-item wb-item-reading' in html  # the member's template part
    assert "<fieldset disabled" in html
    writes = [q["sql"] for q in queries.captured_queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert writes == []
    assert WorkbookVersion.objects.count() == 1


def test_the_preview_says_what_the_check_would_refuse_and_still_writes_nothing(guide_client: Client) -> None:
    _published(guide_client)
    with CaptureQueriesContext(connection) as queries:
        response = guide_client.post(PREVIEW, _edited(minutes="90"))
        reused = guide_client.post(PREVIEW, _edited(**{"item-2-key": "notice-1"}))
        clean = guide_client.post(PREVIEW, DAY_2)
    html = response.content.decode()
    assert "Not ready to publish yet" in html
    assert "Minutes: &#x27;minutes&#x27; must be a whole number from 1 to 60" in html
    assert "Step 3: The prompt key &#x27;notice-1&#x27; is already used in day-01.md" in reused.content.decode()
    assert "Day 2: Day 2 title" in html  # the day is still drawn
    assert "Not ready to publish yet" not in clean.content.decode()
    writes = [q["sql"] for q in queries.captured_queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert writes == []
    assert WorkbookVersion.objects.count() == 1


def test_the_preview_escapes_html_like_the_members_page(guide_client: Client) -> None:
    _published(guide_client)
    response = guide_client.post(PREVIEW, _edited(body="<script>alert(1)</script>", title="<b>x</b>"))
    html = response.content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>x</b>" not in html


def test_the_preview_needs_a_post_with_the_csrf_token(guide: Any, guide_client: Client) -> None:
    _published(guide_client)
    assert guide_client.get(PREVIEW).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(guide)
    assert strict.post(PREVIEW, DAY_2).status_code == 403


def test_outsiders_members_and_missing_days_get_404(guide_client: Client, owner_client: Client, db: None) -> None:
    _published(guide_client)
    get_user_model().objects.create_user("hana", "h@example.test", PASSWORD, is_guide=True)
    other_guide = Client()
    other_guide.login(username="hana", password=PASSWORD)
    for client in (other_guide, owner_client):
        assert client.get(URL).status_code == 404
        assert client.post(URL, _slower_day()).status_code == 404
        assert client.post(PREVIEW, DAY_2).status_code == 404
    assert guide_client.get(reverse("workbooks:edit_day", args=["small-steps", 9])).status_code == 404
    assert WorkbookVersion.objects.count() == 1
