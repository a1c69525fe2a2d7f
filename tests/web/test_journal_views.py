"""The journal's pages: private to their member, searchable by them alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from journal_helpers import PROMPT, cohort_led_by, journal_keys  # noqa: F401  (fixture)

from attune.web.journal import actions
from attune.web.journal.models import MAX_BODY_CHARS, JournalEntry

pytestmark = pytest.mark.usefixtures("journal_keys")


@pytest.fixture
def entry(owner: Any) -> JournalEntry:
    return actions.write_entry(owner, title="Morning", body="The kettle and the blackbird at dawn.")


def test_a_member_writes_an_entry_and_reads_it_back(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(reverse("journal:new"), {"title": "Evening", "body": "Warm soup, slow breath."})
    entry = JournalEntry.objects.get(user=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:detail", args=[entry.pk])
    page = owner_client.get(response["Location"])
    assert "Warm soup, slow breath." in page.content.decode()
    assert entry.kind == JournalEntry.Kind.FREE
    assert b"Warm soup" not in bytes(entry.ciphertext)


def test_the_owner_sees_their_entry_in_the_list(owner_client: Client, entry: JournalEntry) -> None:
    page = owner_client.get(reverse("journal:list")).content.decode()
    assert "Morning" in page
    assert "only you can read this" in page


@pytest.mark.parametrize("name", ["detail", "edit", "delete"])
def test_another_member_gets_404_on_someone_elses_entry(other_client: Client, entry: JournalEntry, name: str) -> None:
    assert other_client.get(reverse(f"journal:{name}", args=[entry.pk])).status_code == 404


@pytest.mark.parametrize("name", ["edit", "delete", "share", "unshare"])
def test_another_member_cannot_change_someone_elses_entry(other_client: Client, entry: JournalEntry, name: str) -> None:
    response = other_client.post(reverse(f"journal:{name}", args=[entry.pk]), {"body": "overwritten", "guide": 1})
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.text == "The kettle and the blackbird at dawn."


def test_a_guide_gets_404_on_an_entry_that_was_not_shared(guide_client: Client, entry: JournalEntry) -> None:
    assert guide_client.get(reverse("journal:detail", args=[entry.pk])).status_code == 404
    assert guide_client.get(reverse("journal:shared_entry", args=[entry.pk])).status_code == 404


def test_another_members_list_does_not_show_the_entry(other_client: Client, entry: JournalEntry) -> None:
    page = other_client.get(reverse("journal:list")).content.decode()
    assert "Morning" not in page
    assert "blackbird" not in page


@pytest.mark.parametrize("name", ["list", "new", "shared"])
def test_an_anonymous_visitor_is_sent_to_log_in(anon_client: Client, name: str) -> None:
    response = anon_client.get(reverse(f"journal:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_anonymous_visitor_is_sent_to_log_in_from_an_entry(anon_client: Client, entry: JournalEntry) -> None:
    response = anon_client.get(reverse("journal:detail", args=[entry.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_search_finds_the_members_own_entries_ignoring_case(owner_client: Client, owner: Any, other: Any) -> None:
    actions.write_entry(owner, body="A walk by the RIVER with my sister.")
    actions.write_entry(owner, body="Nothing much today.")
    actions.write_entry(other, body="The river was loud, my own words.")
    page = owner_client.get(reverse("journal:list"), {"q": "river"}).content.decode()
    assert "A walk by the RIVER with my sister." in page
    assert "my own words" not in page
    assert "Nothing much today." not in page
    assert "1 entry with" in page


def test_search_finds_titles_and_prompts_too(owner: Any) -> None:
    actions.write_entry(owner, title="Harbour", body="Boats.")
    result = JournalEntry.objects.owned_by(owner).search("harb")
    assert [e.title for e in result.entries] == ["Harbour"]
    assert result.scanned == 1
    assert not result.truncated


def test_search_says_when_it_stopped_early(owner: Any) -> None:
    for n in range(3):
        actions.write_entry(owner, body=f"calm morning {n}")
    result = JournalEntry.objects.owned_by(owner).search("calm", scan_limit=2)
    assert result.scanned == 2
    assert result.truncated
    assert [e.text for e in result.entries] == ["calm morning 2", "calm morning 1"]


def test_search_with_no_match_says_so_kindly(owner_client: Client, entry: JournalEntry) -> None:
    page = owner_client.get(reverse("journal:list"), {"q": "zebra"}).content.decode()
    assert "Nothing with “zebra” yet." in page


def test_an_empty_entry_is_refused_with_a_clear_message(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(reverse("journal:new"), {"title": "", "body": "   \n "})
    assert response.status_code == 400
    assert "There is nothing here yet" in response.content.decode()
    assert not JournalEntry.objects.filter(user=owner).exists()


def test_a_too_long_entry_is_refused_with_a_clear_message(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(reverse("journal:new"), {"body": "a" * (MAX_BODY_CHARS + 1)})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{MAX_BODY_CHARS + 1} characters long; an entry holds up to {MAX_BODY_CHARS}" in page
    assert not JournalEntry.objects.filter(user=owner).exists()


def test_an_entry_of_exactly_the_limit_is_kept(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(reverse("journal:new"), {"body": "b" * MAX_BODY_CHARS})
    assert response.status_code == 302
    assert len(JournalEntry.objects.get(user=owner).text) == MAX_BODY_CHARS


def test_the_owner_edits_an_entry(owner_client: Client, entry: JournalEntry) -> None:
    form = owner_client.get(reverse("journal:edit", args=[entry.pk])).content.decode()
    assert "The kettle and the blackbird at dawn." in form
    response = owner_client.post(reverse("journal:edit", args=[entry.pk]), {"title": "Dawn", "body": "Quieter now."})
    assert response.status_code == 302
    entry = JournalEntry.objects.get(pk=entry.pk)
    assert (entry.title, entry.text) == ("Dawn", "Quieter now.")


def test_deleting_asks_first_and_then_deletes(owner_client: Client, entry: JournalEntry) -> None:
    confirm = owner_client.get(reverse("journal:delete", args=[entry.pk]))
    assert confirm.status_code == 200
    assert JournalEntry.objects.filter(pk=entry.pk).exists()
    response = owner_client.post(reverse("journal:delete", args=[entry.pk]))
    assert response.status_code == 302
    assert not JournalEntry.objects.filter(pk=entry.pk).exists()


def test_answering_a_prompt_keeps_one_editable_answer(owner_client: Client, owner: Any, guide: Any) -> None:
    cohort_led_by(guide, owner)
    data = {"workbook": "ease", "version": 1, "day": 1, "prompt_key": PROMPT.key, "next": "/workbooks/ease/"}
    first = owner_client.post(reverse("workbooks:answer"), {**data, "body": "On the bus home."})
    assert first.status_code == 302
    assert first["Location"].startswith("/workbooks/ease/")
    owner_client.post(reverse("workbooks:answer"), {**data, "body": "Reading in bed."})
    answer = JournalEntry.objects.get(user=owner)
    assert answer.kind == JournalEntry.Kind.PROMPT
    assert answer.text == "Reading in bed."
    assert answer.prompt_text == PROMPT.text
    assert (answer.workbook_slug, answer.workbook_version, answer.day) == ("ease", 1, 1)
    assert actions.answers_by_key(owner, "ease") == {PROMPT.key: answer}


def test_answering_a_question_that_is_not_in_the_workbook_is_refused(
    owner_client: Client, owner: Any, guide: Any
) -> None:
    cohort_led_by(guide, owner)
    data = {"workbook": "ease", "version": 1, "day": 1, "prompt_key": "made-up", "body": "Words."}
    response = owner_client.post(reverse("workbooks:answer"), data)
    assert response.status_code == 400
    assert "not part of this workbook day" in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_answering_ignores_a_next_address_on_another_site(owner_client: Client, owner: Any, guide: Any) -> None:
    cohort_led_by(guide, owner)
    data = {
        "workbook": "ease",
        "version": 1,
        "day": 1,
        "prompt_key": PROMPT.key,
        "body": "Here.",
        "next": "https://evil.test/",
    }
    response = owner_client.post(reverse("workbooks:answer"), data)
    assert response["Location"] == reverse("journal:list")


def test_the_answer_form_partial_renders_for_a_day_page(owner: Any, guide: Any) -> None:
    from django.template.loader import render_to_string

    html = render_to_string(
        "workbooks/prompt_answer.html#prompt-answer",
        {
            "prompt": PROMPT,
            "workbook_slug": "ease",
            "workbook_version": 1,
            "day_number": 1,
            "answer": None,
            "next": "/x/",
        },
    )
    assert f'action="{reverse("workbooks:answer")}"' in html
    assert f'<label for="answer-{PROMPT.key}">{PROMPT.text}</label>' in html
    assert 'name="prompt_key" value="safe-place"' in html


def test_an_answer_with_a_bare_word_as_next_is_saved_and_goes_back_to_the_journal(
    owner: Any, owner_client: Client, guide: Any
) -> None:
    cohort_led_by(guide, owner)
    data = {"workbook": "ease", "version": 1, "day": 1, "prompt_key": PROMPT.key, "body": "Slowly.", "next": "abc"}
    response = owner_client.post(reverse("workbooks:answer"), data)
    assert response.status_code == 302 and response["Location"] == reverse("journal:list")
    assert JournalEntry.objects.filter(user=owner, prompt_key=PROMPT.key).count() == 1
