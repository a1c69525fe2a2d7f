"""The suggestion rule, as a pure function: on a small library made here, then on the built-in one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from attune.content.practices import Library, Practice, load_library
from attune.web.today.suggestion import suggest

REPO = Path(__file__).resolve().parents[2]


def _practice(slug: str, condition: str, with_whom: tuple[str, ...], suits: tuple[str, ...]) -> Practice:
    return Practice(
        slug=slug,
        title=slug.replace("-", " ").capitalize(),
        condition=condition,
        why="",
        duration_min=5,
        with_whom=with_whom,
        suits=suits,
        safety=(),
        steps=(),
        body="",
    )


# In library order (condition, then duration), as the rule receives it.
SMALL = (
    _practice("hand-on-heart", "gentle-touch", ("solo",), ("shut_down",)),
    _practice("hug", "gentle-touch", ("partner",), ("shut_down", "settled")),
    _practice("mirror-gaze", "soft-gaze", ("solo",), ("settled",)),
    _practice("partner-gaze", "soft-gaze", ("partner",), ("settled",)),
    _practice("slow-walk", "slowing-down", ("partner",), ("activated",)),
    _practice("long-exhale", "slowing-down", ("solo",), ("activated",)),
    _practice("box-breath", "slowing-down", ("solo",), ()),
    _practice("listening-pairs", "honest-conversation", ("partner", "group"), ("settled",)),
    _practice("tree-sit", "beyond-people", ("solo",), ("shut_down", "activated")),
)


def _slugs(
    state: str, practices: tuple[Practice, ...] = SMALL, *, alone: bool = False, recent: Sequence[str] = ()
) -> tuple[str, str, str]:
    s = suggest(state, practices, alone=alone, recent=recent)
    assert s is not None and len(s.alternatives) == 2
    return (s.practice.slug, s.alternatives[0].slug, s.alternatives[1].slug)


@pytest.mark.parametrize(
    ("state", "alone", "expected"),
    [
        # Slowing down first, one that suits the state before one that does not.
        ("activated", False, ("slow-walk", "long-exhale", "box-breath")),
        # Alone: the solo practice moves ahead of the one done with a partner.
        ("activated", True, ("long-exhale", "slow-walk", "box-breath")),
        # Gentle touch or beyond people; the first alternative is from another condition.
        ("shut_down", False, ("hand-on-heart", "tree-sit", "hug")),
        ("shut_down", True, ("hand-on-heart", "tree-sit", "hug")),
        # With someone first, even when alone; one alternative is solo.
        ("settled", False, ("hug", "partner-gaze", "mirror-gaze")),
        ("settled", True, ("hug", "partner-gaze", "mirror-gaze")),
    ],
)
def test_it_picks_a_practice_and_two_alternatives_for_each_state(
    state: str, alone: bool, expected: tuple[str, str, str]
) -> None:
    assert _slugs(state, alone=alone) == expected


def test_a_recently_done_practice_moves_to_the_back_of_its_group() -> None:
    assert _slugs("activated", recent=["slow-walk"]) == ("long-exhale", "slow-walk", "box-breath")


def test_of_two_recent_practices_the_one_done_longer_ago_comes_first() -> None:
    assert _slugs("activated", recent=["long-exhale", "slow-walk"])[0] == "slow-walk"
    assert _slugs("activated", recent=["slow-walk", "long-exhale"])[0] == "long-exhale"


def test_a_library_without_the_preferred_condition_offers_what_suits_the_state() -> None:
    no_slowing = tuple(p for p in SMALL if p.condition != "slowing-down")
    assert _slugs("activated", no_slowing) == ("tree-sit", "hand-on-heart", "hug")


def test_the_reason_names_the_state_and_what_helps() -> None:
    for state, words in [
        ("activated", ("You said you feel activated.", "slowing down")),
        ("shut_down", ("You said you feel shut down.", "your own hand")),
        ("settled", ("You said you feel settled.", "practise with someone")),
    ]:
        s = suggest(state, SMALL)
        assert s is not None
        assert all(w in s.why for w in words), s.why


def test_an_empty_library_gives_no_suggestion() -> None:
    assert suggest("settled", ()) is None


def test_an_unknown_state_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown state 'happy'"):
        suggest("happy", SMALL)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(REPO / "content" / "practices")


@pytest.mark.parametrize(
    ("state", "alone", "conditions"),
    [
        ("activated", False, {"slowing-down"}),
        ("activated", True, {"slowing-down"}),
        ("shut_down", False, {"gentle-touch", "beyond-people"}),
        ("shut_down", True, {"gentle-touch", "beyond-people"}),
    ],
)
def test_the_built_in_library_has_a_fitting_practice_for_each_state(
    library: Library, state: str, alone: bool, conditions: set[str]
) -> None:
    s = suggest(state, library.practices, alone=alone)
    assert s is not None and s.practice.condition in conditions
    assert not alone or "solo" in s.practice.with_whom


@pytest.mark.parametrize("alone", [False, True])
def test_the_built_in_library_offers_a_settled_member_someone_and_a_solo_choice(library: Library, alone: bool) -> None:
    s = suggest("settled", library.practices, alone=alone)
    assert s is not None and {"partner", "group"} & set(s.practice.with_whom)
    assert any("solo" in p.with_whom for p in s.alternatives)
    assert len({s.practice.slug, *(p.slug for p in s.alternatives)}) == 3
