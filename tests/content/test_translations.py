"""Practices in another language: a translation changes the words, never the practice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from attune.content.practices import LANGUAGES, collect_library, load_library

BUILT_IN = Path(__file__).resolve().parents[2] / "content" / "practices"
FIRST_OF_EACH_CONDITION = {
    "hand-on-heart",
    "a-face-that-is-kind-to-you",
    "one-slow-minute",
    "an-honest-page",
    "time-with-an-animal",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "practices"
    shutil.copytree(BUILT_IN, target)
    return target


def _translation(folder: Path, slug: str = "hand-on-heart") -> Path:
    return folder / "de" / f"{slug}.md"


def test_the_first_practice_of_every_condition_is_in_german() -> None:
    library = load_library(BUILT_IN)
    german = {p.slug for p in library.translations("de")}
    firsts = {practices[0].slug for _, practices in library.grouped()}
    assert firsts == FIRST_OF_EACH_CONDITION
    assert firsts <= german
    assert "de" in LANGUAGES


def test_in_german_each_practice_is_translated_where_it_can_be_and_keeps_its_place() -> None:
    library = load_library(BUILT_IN)
    german = library.in_language("de-AT")
    assert [p.slug for p in german] == [p.slug for p in library]
    assert german["hand-on-heart"].title == "Eine Hand auf dem Herzen"
    assert german["hand-on-heart"].language == "de"
    assert german["long-hug"].language == "en"  # not yet translated: English, and it says so
    assert library["hand-on-heart"].language == "en"
    assert library.in_language("en") is library
    assert library.in_language("fr") is library


def test_a_translation_keeps_the_originals_timing_and_safety_rules() -> None:
    library = load_library(BUILT_IN)
    for translated in library.translations("de"):
        original = library[translated.slug]
        assert [s.seconds for s in translated.steps] == [s.seconds for s in original.steps]
        assert [s.pacer for s in translated.steps] == [s.pacer for s in original.steps]
        assert (translated.condition, translated.suits, translated.with_whom) == (
            original.condition,
            original.suits,
            original.with_whom,
        )
        assert len(translated.safety) == len(original.safety)


def test_a_german_pacer_practice_still_needs_its_dizziness_note(folder: Path) -> None:
    path = _translation(folder, "one-slow-minute")
    text = path.read_text().replace("Wenn dir schwindlig oder leicht im Kopf wird", "Wenn es dir nicht gut geht")
    path.write_text(text)
    library, errors = collect_library(folder)
    assert any("stop if dizzy" in e.message and e.path == path for e in errors)
    assert "one-slow-minute" not in {p.slug for p in library.translations("de")}


def test_a_translation_that_changes_the_timing_is_refused_with_its_line(folder: Path) -> None:
    path = _translation(folder)
    path.write_text(path.read_text().replace("seconds: 60", "seconds: 90", 1))
    library, errors = collect_library(folder)
    mine = [e for e in errors if e.path == path]
    assert mine and "differ from the English original" in mine[0].message
    assert mine[0].line == path.read_text().splitlines().index("steps:") + 1
    assert library.in_language("de")["hand-on-heart"].language == "en"  # falls back, nothing is lost


def test_a_translation_without_its_english_original_is_refused(folder: Path) -> None:
    (folder / "hand-on-heart.md").unlink()
    _, errors = collect_library(folder)
    assert any("needs the English practice 'hand-on-heart'" in e.message for e in errors)


def test_the_same_practice_twice_in_one_language_is_refused(folder: Path) -> None:
    (folder / "de" / "more").mkdir()
    shutil.copy(_translation(folder), folder / "de" / "more" / "hand-on-heart.md")
    _, errors = collect_library(folder)
    assert any("already written in" in e.message for e in errors)


def test_an_unknown_language_is_named(folder: Path) -> None:
    path = _translation(folder)
    path.write_text(path.read_text().replace("language: de", "language: xx"))
    _, errors = collect_library(folder)
    assert any(e.path == path and "language" in e.message for e in errors)


WORKBOOK = BUILT_IN.parent / "workbooks" / "coming-home-to-safety"


def test_the_built_in_workbook_has_its_first_three_days_in_german_with_the_same_shape() -> None:
    from attune.content.workbooks import load_workbook, serialize_workbook, workbook_from_dict

    library, _ = collect_library(BUILT_IN)
    workbook = load_workbook(WORKBOOK, frozenset(p.slug for p in library))
    assert workbook.translated_days("de") == {1, 2, 3}
    for number in (1, 2, 3):
        german, english = workbook.day_in(number, "de"), workbook.day(number)
        assert german.title != english.title
        assert [(i.kind, getattr(i, "slug", None), getattr(i, "key", None)) for i in german.items] == [
            (i.kind, getattr(i, "slug", None), getattr(i, "key", None)) for i in english.items
        ]
    assert workbook.day_in(4, "de") == workbook.day(4)
    assert workbook_from_dict(serialize_workbook(workbook)) == workbook


def _copy_workbook(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "coming-home-to-safety"
    shutil.copytree(WORKBOOK, target)
    return target


def test_a_translated_day_that_changes_more_than_the_words_is_refused(tmp_path: Path) -> None:
    from attune.content.workbooks import check_workbook

    folder = _copy_workbook(tmp_path)
    slugs = frozenset(p.slug for p in collect_library(BUILT_IN)[0])
    day = folder / "days" / "de" / "day-03.md"
    day.write_text(day.read_text(encoding="utf-8").replace("practice: one-slow-minute", "practice: hand-on-heart"))
    (folder / "days" / "de" / "day-30.md").write_text(
        (folder / "days" / "de" / "day-02.md").read_text(encoding="utf-8").replace("day: 2", "day: 30")
    )
    (folder / "days" / "fr").mkdir()
    (folder / "days" / "fr" / "day-01.md").write_text("---\nday: 1\n---\n")
    (folder / "days" / "old").mkdir()
    (folder / "days" / "old" / "day-01.md").write_text("not a day at all")  # not a language folder: left alone
    messages = {(e.path.name, e.path.parent.name, e.message) for e in check_workbook(folder, slugs)}
    assert (
        "day-03.md",
        "de",
        "'items' differs from day 3 in English (reading, practice: one-slow-minute, "
        "prompt which-condition-invites); a translation changes only the words",
    ) in messages
    assert ("day-30.md", "de", "there is no day 30 in English for this to translate") in messages
    assert any(parent == "fr" and "'fr' is not a language" in m for _, parent, m in messages)
    assert not any(parent == "old" for _, parent, _ in messages)
