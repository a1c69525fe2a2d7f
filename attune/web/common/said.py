"""Saying a Django-free library's sentence (``attune.words.Said``) in the active language."""

from __future__ import annotations

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
        return translated % values
    except (KeyError, ValueError, TypeError):
        return str.__str__(text)
