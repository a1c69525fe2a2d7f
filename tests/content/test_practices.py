"""The practice library: the built-in practices, and file:line errors for every kind of mistake."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from attune.content import default_practices_dir
from attune.content.errors import ContentError, ContentInvalid
from attune.content.practices import (
    CONDITIONS,
    STATES,
    Library,
    Pacer,
    collect_library,
    load_library,
    load_practice,
)

WritePractice = Callable[..., Path]
BUILT_IN = Path(__file__).resolve().parents[2] / "content" / "practices"


def errors_of(path: Path) -> list[ContentError]:
    with pytest.raises(ContentInvalid) as caught:
        load_practice(path)
    return caught.value.errors


def assert_reported(errors: list[ContentError], path: Path, line: int, fragment: str) -> None:
    matches = [e for e in errors if e.path == path and e.line == line and fragment in e.message]
    assert matches, f"no error at {path.name}:{line} containing {fragment!r}; got:\n" + "\n".join(map(str, errors))


# --------------------------------------------------------------------------------------------
# The built-in library


@pytest.fixture(scope="module")
def built_in() -> Library:
    return load_library(BUILT_IN)


def test_the_default_practices_folder_is_the_built_in_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATTUNE_CONTENT_DIR", raising=False)
    assert default_practices_dir().resolve() == BUILT_IN


def test_the_built_in_library_loads_without_a_single_error() -> None:
    _, errors = collect_library(BUILT_IN)
    assert errors == []


def test_the_built_in_library_has_at_least_three_practices_for_every_condition(built_in: Library) -> None:
    counts = {condition: len(built_in.by_condition(condition)) for condition in CONDITIONS}
    assert all(count >= 3 for count in counts.values()), counts
    assert 18 <= len(built_in) <= 20


def test_every_built_in_practice_takes_between_one_and_fifteen_minutes(built_in: Library) -> None:
    durations = {p.slug: p.duration_min for p in built_in}
    assert all(1 <= minutes <= 15 for minutes in durations.values()), durations


def test_every_state_has_practices_that_suit_it(built_in: Library) -> None:
    for state in STATES:
        suited = built_in.for_state(state)
        assert len(suited) >= 5, state
        assert all(state in p.suits for p in suited)


def test_touch_and_eye_contact_with_others_always_offer_a_solo_way_in(built_in: Library) -> None:
    shared = [p for p in built_in if p.needs_consent]
    assert len(shared) >= 4
    for practice in shared:
        alternative = built_in.solo_alternative_for(practice)
        assert alternative is not None or practice.solo_alternative_text, practice.slug
        if alternative is not None:
            assert "solo" in alternative.with_whom
        assert any("consent" in note.lower() or "opt" in note.lower() for note in practice.safety), practice.slug


def test_the_library_offers_the_three_breathing_presets_with_no_holds(built_in: Library) -> None:
    pacers = {step.pacer for p in built_in if p.mode == "calming" for step in p.steps if step.pacer is not None}
    rhythms = {(pacer.inhale_s, pacer.exhale_s) for pacer in pacers}
    assert {(4.5, 5.5), (4.0, 6.0), (5.5, 5.5)} <= rhythms
    assert not any(pacer.has_holds for pacer in pacers)


def test_every_practice_with_a_pacer_says_to_stop_if_dizzy(built_in: Library) -> None:
    for practice in built_in:
        if practice.has_pacer:
            assert any("dizzy" in note for note in practice.safety), practice.slug


def test_the_built_in_practices_invite_rather_than_command(built_in: Library) -> None:
    for practice in built_in:
        words = " ".join([practice.why, practice.body, *(s.text for s in practice.steps)]).lower()
        for word in (" must ", "streak", "you have to", "diagnos"):
            assert word not in words, (practice.slug, word)


def test_the_library_orders_each_condition_shortest_first(built_in: Library) -> None:
    order = list(CONDITIONS)
    keys = [(order.index(p.condition), p.duration_min) for p in built_in]
    assert keys == sorted(keys)


# --------------------------------------------------------------------------------------------
# Loading one practice


def test_it_loads_every_field_of_a_valid_practice(write_practice: WritePractice) -> None:
    practice = load_practice(write_practice())
    assert practice.slug == "sample"
    assert practice.condition_label == "Slowing down"
    assert practice.with_whom == ("solo",)
    assert practice.suits == ("settled", "activated")
    assert practice.mode == "calming"
    assert practice.total_seconds == 60
    assert practice.steps[0].pacer == Pacer(inhale_s=4.5, exhale_s=5.5)
    assert practice.steps[0].pacer.breaths_per_min == pytest.approx(6.0, rel=1e-12)
    assert practice.steps[1].pacer is None
    assert practice.body == "A short introduction."


@pytest.mark.parametrize(
    ("replace", "line", "fragment"),
    [
        ({"condition: slowing-down": "condition: breathing"}, 4, "unknown condition 'breathing'"),
        ({"title: A sample practice\n": ""}, 1, "missing field 'title'"),
        ({"seconds: 50": "seconds: 4"}, 13, "between 5 and 3600"),
        ({"seconds: 10": "seconds: 4000"}, 17, "between 5 and 3600"),
        ({"seconds: 50": "seconds: fifty"}, 13, "whole number"),
        ({"inhale: 4.5, hold_in: 0, exhale: 5.5": "inhale: 1, hold_in: 0, exhale: 1"}, 15, "30.0 breaths a minute"),
        ({"inhale: 4.5, hold_in: 0, exhale: 5.5": "inhale: 15, hold_in: 0, exhale: 15"}, 15, "keep it between 3"),
        ({"hold_in: 0": "hold_in: 2"}, 15, "calming practices never hold the breath"),
        ({"exhale: 5.5, hold_out: 0}": "exhale: 5.5, hold_out: 0, hold: 1}"}, 15, "did you mean"),
        ({"duration_min: 1": "duration_min: 5"}, 6, "the steps add up to 1 min but duration_min says 5"),
        ({"duration_min: 1": "duration_min: 90"}, 6, "between 1 and 60 minutes"),
        ({"slug: sample": "slug: other"}, 2, "must match the file name"),
        ({"suits: [settled, activated]": "sutis: [settled]"}, 8, "did you mean 'suits'"),
        ({"suits: [settled, activated]": "suits: [settled, calm]"}, 8, "unknown value 'calm' in 'suits'"),
        ({"with: [solo]": "with: [alone]"}, 7, "unknown value 'alone' in 'with'"),
        ({"  - If you feel dizzy, stop and breathe normally.": "  - Take it easy."}, 9, "stop if dizzy"),
        ({"why: A short line about why this might help.": "why: |\n  one\n  two"}, 5, "single line"),
        ({"    text: Notice how you feel.\n": ""}, 16, "step 2 needs some text"),
        ({"A short introduction.\n": ""}, 20, "introduction"),
        ({"suits: [settled, activated]": "suits: [settled, activated"}, 9, "not valid YAML"),
    ],
)
def test_it_reports_each_mistake_at_its_file_and_line(
    write_practice: WritePractice, replace: dict[str, str], line: int, fragment: str
) -> None:
    path = write_practice(replace=replace)
    assert_reported(errors_of(path), path, line, fragment)


def test_it_reports_every_mistake_in_a_file_not_just_the_first(write_practice: WritePractice) -> None:
    path = write_practice(
        replace={"condition: slowing-down": "condition: nope", "seconds: 50": "seconds: 1", "hold_in: 0": "hold_in: 3"}
    )
    errors = errors_of(path)
    assert_reported(errors, path, 4, "unknown condition")
    assert_reported(errors, path, 13, "between 5 and 3600")
    assert_reported(errors, path, 15, "never hold the breath")


def test_an_energising_practice_may_hold_the_breath(write_practice: WritePractice) -> None:
    path = write_practice(replace={"hold_in: 0": "hold_in: 2", "with: [solo]": "with: [solo]\nmode: energising"})
    practice = load_practice(path)
    assert practice.mode == "energising"
    assert practice.steps[0].pacer is not None and practice.steps[0].pacer.has_holds


def test_a_step_done_in_turns_names_who_leads_it(write_practice: WritePractice) -> None:
    path = write_practice(replace={"seconds: 50": "seconds: 50\n    lead: second"})
    assert load_practice(path).steps[0].lead == "second"
    wrong = write_practice(replace={"seconds: 50": "seconds: 50\n    lead: both"})
    assert_reported(errors_of(wrong), wrong, 14, "lead is 'first' or 'second'")


def test_it_asks_touch_with_a_partner_for_consent_and_a_solo_alternative(write_practice: WritePractice) -> None:
    path = write_practice(
        replace={
            "condition: slowing-down": "condition: gentle-touch",
            "with: [solo]": "with: [partner]",
            "    pacer: {inhale: 4.5, hold_in: 0, exhale: 5.5, hold_out: 0}\n": "",
        }
    )
    errors = errors_of(path)
    assert_reported(errors, path, 7, "add solo_alternative")
    assert_reported(errors, path, 9, "consent note")


# --------------------------------------------------------------------------------------------
# Loading a folder


def touch_with_partner(solo_alternative: str) -> dict[str, str]:
    return {
        "condition: slowing-down": "condition: gentle-touch",
        "with: [solo]": f"with: [partner]\nsolo_alternative: {solo_alternative}",
        "  - If you feel dizzy, stop and breathe normally.": "  - Only with consent; if you feel dizzy, stop.",
    }


def test_a_solo_alternative_must_name_a_practice_that_exists(write_practice: WritePractice, tmp_path: Path) -> None:
    path = write_practice("hug", touch_with_partner("holding-yourslef"))
    write_practice("holding-yourself")
    library, errors = collect_library(tmp_path / "practices")
    assert_reported(errors, path, 8, "no practice with that slug (did you mean 'holding-yourself'?)")
    assert "hug" not in library
    assert "holding-yourself" in library


def test_a_solo_alternative_must_be_a_solo_practice(write_practice: WritePractice, tmp_path: Path) -> None:
    path = write_practice("hug", touch_with_partner("walk"))
    write_practice("walk", {"with: [solo]": "with: [partner]"})
    _, errors = collect_library(tmp_path / "practices")
    assert_reported(errors, path, 8, "not a solo practice")


def test_a_solo_alternative_may_be_a_sentence(write_practice: WritePractice, tmp_path: Path) -> None:
    write_practice("hug", touch_with_partner("Rest a hand on your own chest for a while."))
    library = load_library(tmp_path / "practices")
    assert library["hug"].solo_alternative_text == "Rest a hand on your own chest for a while."
    assert library.solo_alternative_for(library["hug"]) is None


def test_it_rejects_a_slug_used_twice(write_practice: WritePractice, tmp_path: Path) -> None:
    write_practice(folder=tmp_path / "practices" / "a")
    second = write_practice(folder=tmp_path / "practices" / "b")
    library, errors = collect_library(tmp_path / "practices")
    assert_reported(errors, second, 2, "already used by a/sample.md")
    assert len(library) == 1


def test_it_collects_errors_from_every_broken_file(write_practice: WritePractice, tmp_path: Path) -> None:
    first = write_practice("one", {"condition: slowing-down": "condition: x"})
    write_practice("two")
    third = write_practice("three", {"seconds: 10": "seconds: 1"})
    with pytest.raises(ContentInvalid) as caught:
        load_library(tmp_path / "practices")
    assert_reported(caught.value.errors, first, 4, "unknown condition")
    assert_reported(caught.value.errors, third, 17, "between 5 and 3600")
    library, _ = collect_library(tmp_path / "practices")
    assert [p.slug for p in library] == ["two"]


def test_it_skips_drafts_and_readmes(write_practice: WritePractice, tmp_path: Path) -> None:
    write_practice()
    folder = tmp_path / "practices"
    (folder / "_draft.md").write_text("not even front matter", encoding="utf-8")
    (folder / "README.md").write_text("# Notes for guides\n", encoding="utf-8")
    assert [p.slug for p in load_library(folder)] == ["sample"]


def test_a_missing_folder_is_an_error_not_a_crash(tmp_path: Path) -> None:
    library, errors = collect_library(tmp_path / "nowhere")
    assert len(library) == 0
    assert errors == [ContentError(tmp_path / "nowhere", 1, "the practices folder does not exist")]


def test_the_library_looks_practices_up_by_slug_condition_and_state(
    write_practice: WritePractice, tmp_path: Path
) -> None:
    write_practice("breath")
    write_practice(
        "sky",
        {"condition: slowing-down": "condition: beyond-people", "suits: [settled, activated]": "suits: [shut_down]"},
    )
    library = load_library(tmp_path / "practices")
    assert library.get("sky") is library["sky"]
    assert library.get("nothing") is None
    assert [p.slug for p in library.by_condition("beyond-people")] == ["sky"]
    assert [p.slug for p in library.for_state("shut_down")] == ["sky"]
    assert [p.slug for p in library.for_state("settled")] == ["breath"]
    assert [c for c, practices in library.grouped() if practices] == ["slowing-down", "beyond-people"]
    with pytest.raises(ValueError, match="unknown state"):
        library.for_state("calm")
    with pytest.raises(ValueError, match="unknown condition"):
        library.by_condition("touch")


def test_the_sample_used_by_these_tests_is_itself_valid(tmp_path: Path, practice_text: Callable[..., str]) -> None:
    path = tmp_path / "sample.md"
    path.write_text(practice_text(), encoding="utf-8")
    assert load_practice(path).title == "A sample practice"


def test_it_checks_fields_against_each_other_even_when_another_field_is_broken(write_practice: WritePractice) -> None:
    path = write_practice(
        replace={"title: A sample practice": "title: [a, list]", "duration_min: 1": "duration_min: 4"}
    )
    errors = errors_of(path)
    assert_reported(errors, path, 3, "'title' must be some text")
    assert_reported(errors, path, 6, "the steps add up to 1 min but duration_min says 4")


def test_a_practice_may_offer_prompts_in_its_steps_done_in_turns(write_practice: WritePractice) -> None:
    path = write_practice(
        replace={
            "steps:\n": "prompts:\n  - What has been on your mind?\n  - What are you glad of?\nsteps:\n",
            "seconds: 50": "seconds: 50\n    lead: first\n    prompt: true",
        }
    )
    practice = load_practice(path)
    assert practice.prompts == ("What has been on your mind?", "What are you glad of?")
    assert practice.steps[0].prompt and not practice.steps[1].prompt


def test_a_prompt_needs_a_step_in_turns_and_prompts_to_offer(write_practice: WritePractice) -> None:
    no_lead = write_practice(
        replace={
            "steps:\n": "prompts: [What is true for you now]\nsteps:\n",
            "seconds: 50": "seconds: 50\n    prompt: true",
        }
    )
    assert_reported(errors_of(no_lead), no_lead, 15, "only in a step done in turns")
    no_prompts = write_practice(replace={"seconds: 50": "seconds: 50\n    lead: first\n    prompt: true"})
    assert_reported(errors_of(no_prompts), no_prompts, 15, "has no 'prompts'")
    not_bool = write_practice(replace={"seconds: 50": "seconds: 50\n    lead: first\n    prompt: often"})
    assert_reported(errors_of(not_bool), not_bool, 15, "prompt is true or false")
    empty = write_practice(replace={"steps:\n": "prompts: []\nsteps:\n"})
    assert_reported(errors_of(empty), empty, 11, "'prompts' must be a list")
