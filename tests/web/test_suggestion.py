"""The suggestion rule, as a pure function over the real built-in library."""

from __future__ import annotations

from pathlib import Path

import pytest

from attune.content.practices import Library, load_library
from attune.web.today.suggestion import WHY, suggest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(REPO / "content" / "practices")


def test_activated_leads_to_slowing_down(library: Library) -> None:
    s = suggest("activated", library.practices)
    assert s is not None and s.practice.condition == "slowing-down"
    assert s.why == WHY["activated"] and "slowing down" in s.why


def test_shut_down_leads_to_gentle_touch_or_beyond_people(library: Library) -> None:
    s = suggest("shut_down", library.practices)
    assert s is not None and s.practice.condition in {"gentle-touch", "beyond-people"}


def test_settled_leads_to_a_practice_with_someone(library: Library) -> None:
    s = suggest("settled", library.practices)
    assert s is not None and {"partner", "group"} & set(s.practice.with_whom)


def test_settled_and_alone_still_offers_a_solo_alternative(library: Library) -> None:
    s = suggest("settled", library.practices, alone=True)
    assert s is not None and any("solo" in p.with_whom for p in s.alternatives)


@pytest.mark.parametrize("state", ["activated", "shut_down"])
def test_alone_prefers_practices_that_can_be_done_solo(library: Library, state: str) -> None:
    s = suggest(state, library.practices, alone=True)
    assert s is not None and "solo" in s.practice.with_whom


@pytest.mark.parametrize("state", ["settled", "activated", "shut_down"])
def test_there_are_always_two_distinct_alternatives(library: Library, state: str) -> None:
    s = suggest(state, library.practices)
    assert s is not None and len(s.alternatives) == 2
    slugs = [s.practice.slug, *(p.slug for p in s.alternatives)]
    assert len(set(slugs)) == 3


def test_a_recently_done_practice_moves_back_in_the_queue(library: Library) -> None:
    first = suggest("activated", library.practices)
    assert first is not None
    again = suggest("activated", library.practices, recent=[first.practice.slug])
    assert again is not None and again.practice.slug != first.practice.slug
    assert again.practice.condition == "slowing-down"


def test_a_library_without_the_preferred_condition_still_suggests_something(library: Library) -> None:
    no_slowing = [p for p in library.practices if p.condition != "slowing-down"]
    s = suggest("activated", no_slowing)
    assert s is not None and s.practice.condition != "slowing-down"


def test_an_empty_library_gives_no_suggestion() -> None:
    assert suggest("settled", ()) is None


def test_an_unknown_state_is_an_error(library: Library) -> None:
    with pytest.raises(ValueError, match="unknown state 'happy'"):
        suggest("happy", library.practices)


def test_the_rule_is_deterministic(library: Library) -> None:
    a = suggest("shut_down", library.practices, recent=["hand-on-heart"])
    b = suggest("shut_down", library.practices, recent=["hand-on-heart"])
    assert a == b
