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
