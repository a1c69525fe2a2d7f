"""A Django-free library's sentence (attune.words) said in the reader's language (docs/translating.md)."""

from __future__ import annotations

import copy

import pytest
from django.utils import translation

from attune.web.common.said import in_language
from attune.words import Said, _


def test_a_said_sentence_is_the_english_text_and_remembers_its_template_and_values() -> None:
    said = _("line %(line)d: %(value)s is not a number", line=7, value="x")
    assert said == "line 7: x is not a number"
    assert isinstance(said, str)
    assert (said.template, said.values) == ("line %(line)d: %(value)s is not a number", {"line": 7, "value": "x"})
    again = copy.deepcopy(said)
    assert isinstance(again, Said) and again == said and again.values == said.values


def test_in_language_translates_the_template_and_fills_the_same_values() -> None:
    said = _("Your password for %(site)s", site="attune")  # a template without a German entry: English
    with translation.override("de"):
        assert in_language(said) == "Your password for attune"
        assert in_language(_("Nothing imported yet.")) == "Noch nichts übernommen."
        assert in_language("plain text stays as it is") == "plain text stays as it is"


def test_a_translation_whose_holes_do_not_match_falls_back_to_the_english(monkeypatch: pytest.MonkeyPatch) -> None:
    from attune.web.common import said as said_module

    monkeypatch.setattr(said_module, "gettext", lambda template: "%(a)s und %(b)s")  # a slip in a catalogue
    assert in_language(_("%(a)s and more", a="this")) == "this and more"


def test_a_part_of_a_sentence_that_is_said_too_is_translated_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from attune.web.common import said as said_module

    german = {
        "unknown field '%(key)s'%(hint)s": "unbekanntes Feld '%(key)s'%(hint)s",
        " (did you mean '%(word)s'?)": " (meintest du '%(word)s'?)",
    }
    monkeypatch.setattr(said_module, "gettext", lambda template: german.get(template, template))
    sentence = _("unknown field '%(key)s'%(hint)s", key="titel", hint=_(" (did you mean '%(word)s'?)", word="title"))
    assert sentence == "unknown field 'titel' (did you mean 'title'?)"
    assert in_language(sentence) == "unbekanntes Feld 'titel' (meintest du 'title'?)"
    assert in_language(_("unknown field '%(key)s'%(hint)s", key="x", hint="")) == "unbekanntes Feld 'x'"


def test_a_sentence_kept_as_json_is_said_again_with_its_parts_in_the_language() -> None:
    from attune.web.common.said import as_stored, from_stored

    inner = _(
        "%(file)s: %(where)s: %(message)s", file="a.csv", where=_("line %(line)s", line=3), message=_("not UTF-8 text")
    )
    said = _("%(problem)s; what was read before this point was kept.", problem=inner)
    stored = as_stored(said)
    assert stored["values"]["problem"]["values"]["where"] == {"template": "line %(line)s", "values": {"line": 3}}
    again = from_stored(stored)
    assert again == said == "a.csv: line 3: not UTF-8 text; what was read before this point was kept."
    with translation.override("de"):
        assert in_language(again) == "a.csv: Zeile 3: kein UTF-8-Text; was bis hierhin gelesen wurde, ist behalten."


@pytest.mark.parametrize(
    "data",
    [None, "text", {}, {"template": 3}, {"template": "x", "values": [1]}, {"template": "%(a)s", "values": {"a": {}}}],
)
def test_what_was_not_kept_by_as_stored_gives_none(data: object) -> None:
    from attune.web.common.said import from_stored

    assert from_stored(data) is None


def test_numbers_in_a_said_sentence_take_the_languages_decimal_mark() -> None:
    said = _(
        "about %(breaths).1f breaths a minute, from %(low)g to %(high)g, %(n)d steps", breaths=5.5, low=4.5, high=7, n=3
    )
    assert said == "about 5.5 breaths a minute, from 4.5 to 7, 3 steps"
    with translation.override("de"):
        assert in_language(said) == "about 5,5 breaths a minute, from 4,5 to 7, 3 steps"
    with translation.override("en"):
        assert in_language(said) == "about 5.5 breaths a minute, from 4.5 to 7, 3 steps"
