"""Hostile form values on every journal POST: a clear message or a 404, never a 500, and nothing leaked."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.web.journal import actions
from attune.web.journal.models import MAX_BODY_CHARS, JournalEntry
from tests.web.journal_helpers import PROMPT, cohort_led_by

HUGE_NUMBER = "9" * 40


@pytest.fixture
def entry(owner: Any) -> JournalEntry:
    return actions.write_entry(owner, title="Morning", body="The kettle, the light, a slow breath.")


def _answer(**values: Any) -> dict[str, Any]:
    return {"workbook": "ease", "version": "1", "day": "1", "prompt_key": PROMPT.key, "body": "Words.", **values}


@pytest.mark.parametrize(
    "values",
    [
        {"day": "one"},
        {"day": HUGE_NUMBER},
        {"day": "0"},
        {"version": HUGE_NUMBER},
        {"version": "v1"},
        {"workbook": "../../etc"},
        {"workbook": "x" * 5000},
        {"prompt_key": "<script>"},
        {"body": "x" * (MAX_BODY_CHARS + 1)},
        {"body": "   "},
        {"body": "a\x00b"},
    ],
)
def test_a_hostile_answer_is_refused_with_a_message(
    owner_client: Client, owner: Any, guide: Any, values: dict[str, str]
) -> None:
    cohort_led_by(guide, owner)
    response = owner_client.post(reverse("workbooks:answer"), _answer(**values))
    assert response.status_code == 400
    assert "Your answer was not saved" in response.content.decode() or "not part of this workbook" in (
        response.content.decode()
    )
    assert not JournalEntry.objects.exists()


def test_answering_a_workbook_one_does_not_follow_is_refused(
    owner_client: Client, other_client: Client, owner: Any, guide: Any
) -> None:
    cohort_led_by(guide, owner)  # the owner follows "ease"; the other member does not
    response = other_client.post(reverse("workbooks:answer"), _answer())
    assert response.status_code == 400
    assert PROMPT.text not in response.content.decode()
    assert not JournalEntry.objects.exists()
    assert owner_client.post(reverse("workbooks:answer"), _answer()).status_code == 302


@pytest.mark.parametrize("guide_value", ["abc", HUGE_NUMBER, "-1", ""])
def test_sharing_with_a_made_up_guide_is_refused_kindly(
    owner_client: Client, owner: Any, guide: Any, entry: JournalEntry, guide_value: str
) -> None:
    cohort_led_by(guide, owner)
    response = owner_client.post(reverse("journal:share", args=[entry.pk]), {"guide": guide_value})
    assert response.status_code == 400
    assert "guide whose group you are in" in response.content.decode() or "required" in response.content.decode()
    entry.refresh_from_db()
    assert entry.shared_with is None


def test_every_journal_post_on_someone_elses_entry_is_404(
    other_client: Client, owner: Any, guide: Any, entry: JournalEntry
) -> None:
    cohort_led_by(guide, owner)
    for name, data in (
        ("edit", {"body": "mine now"}),
        ("delete", {}),
        ("share", {"guide": str(guide.pk)}),
        ("unshare", {}),
    ):
        assert other_client.post(reverse(f"journal:{name}", args=[entry.pk]), data).status_code == 404, name
    entry.refresh_from_db()
    assert entry.text == "The kettle, the light, a slow breath." and entry.shared_with is None


def test_huge_or_non_numeric_entry_ids_are_404(owner_client: Client) -> None:
    for tail in ("abc/", f"{HUGE_NUMBER}/", f"{HUGE_NUMBER}/edit/", "-1/"):
        assert owner_client.get(f"/journal/{tail}").status_code == 404, tail
    assert owner_client.post(f"/journal/{HUGE_NUMBER}/share/", {"guide": "1"}).status_code == 404


def test_a_huge_search_or_entry_is_refused_with_a_message(owner_client: Client, owner: Any) -> None:
    response = owner_client.get(reverse("journal:list"), {"q": "x" * 5000})
    assert response.status_code == 400
    response = owner_client.post(reverse("journal:new"), {"title": "t" * 5000, "body": "Fine."})
    assert response.status_code == 400 and "A title holds up to" in response.content.decode()
    assert not JournalEntry.objects.exists()
