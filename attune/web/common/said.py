"""Saying a Django-free library's sentence (``attune.words.Said``) in the active language.

A sentence made in a background job, where no one's language is known, is kept as
:func:`as_stored` (its template and values, in a JSON field) and said later with
``in_language(from_stored(data))``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.formats import get_format
from django.utils.translation import gettext

from attune.words import Said


def in_language(text: str) -> str:
    """``text`` in the active language when it is a :class:`~attune.words.Said`; otherwise as it is.

    The template is looked up in the catalogue and filled with the same values; a value that is
    itself a ``Said`` (a part of the sentence, like " (did you mean 'x'?)") is said in the language
    too. A translation whose holes do not match (a slip in the catalogue) falls back to the English
    sentence, never an error.
    """
    if not isinstance(text, Said):
        return str(text)
    translated = gettext(text.template)
    if not text.values:
        return translated
    values = {name: in_language(value) if isinstance(value, Said) else value for name, value in text.values.items()}
    try:
        return _localised_numbers(translated, values) % values
    except (KeyError, ValueError, TypeError):
        return str.__str__(text)


#: A number's hole with a float directive (``%(seconds)g``, ``%(breaths).1f``).
_NUMBER_HOLE = re.compile(r"%\((\w+)\)([#0 +-]*\d*(?:\.\d+)?[eEfFgG])")


def _localised_numbers(template: str, values: Mapping[str, object]) -> str:
    """``template`` with its float holes filled already, with the active language's decimal mark.

    ``%`` formatting always writes a point; German writes "5,5 Atemzüge". The number is formatted
    with the template's own directive, then its point is swapped; other holes are left for ``%``.
    """
    mark = str(get_format("DECIMAL_SEPARATOR"))
    if mark == ".":
        return template

    def fill(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if isinstance(value, bool) or not isinstance(value, int | float):
            return match.group(0)
        return (f"%{match.group(2)}" % value).replace(".", mark).replace("%", "%%")

    return _NUMBER_HOLE.sub(fill, template)


def as_stored(said: Said) -> dict[str, Any]:
    """``said`` as JSON: ``{"template": ..., "values": {...}}``, a value that is a ``Said`` in the same form.

    Values other than text, numbers, booleans and None are kept as their text.
    """
    values: dict[str, Any] = {}
    for key, value in said.values.items():
        if isinstance(value, Said):
            values[key] = as_stored(value)
        elif isinstance(value, str):
            values[key] = str.__str__(value)
        elif value is None or isinstance(value, bool | int | float):
            values[key] = value
        else:
            values[key] = str(value)
    return {"template": said.template, "values": values}


def from_stored(data: object) -> Said | None:
    """The :class:`~attune.words.Said` that :func:`as_stored` kept; None for anything else (never an error)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("template"), str):
        return None
    raw = data.get("values") or {}
    if not isinstance(raw, Mapping):
        return None
    values: dict[str, object] = {}
    for key, value in raw.items():
        if isinstance(value, Mapping):
            inner = from_stored(value)
            if inner is None:
                return None
            values[str(key)] = inner
        else:
            values[str(key)] = value
    try:
        return Said(data["template"], values)
    except (KeyError, ValueError, TypeError):
        return None
