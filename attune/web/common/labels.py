"""The content's fixed labels (conditions, states, with whom) in the member's language.

``attune.content`` stays free of Django, so its mappings hold the English words; the web layer
maps each slug to a lazily translated label here. A test checks both sets of slugs agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from attune.web.common.states import State

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONDITION_LABELS: dict[str, StrOrPromise] = {
    "gentle-touch": _("Gentle physical connection"),
    "soft-gaze": _("Soft eye contact"),
    "slowing-down": _("Slowing down"),
    "honest-conversation": _("Honest, safe conversation"),
    "beyond-people": _("Connection beyond people"),
}

CONDITION_DESCRIPTIONS: dict[str, StrOrPromise] = {
    "gentle-touch": _("A hug, a hand on an arm, sitting close to someone safe, or your own hand on your chest."),
    "soft-gaze": _("Eyes that rest softly on a face: a partner's, your own in a mirror, or one in a photo."),
    "slowing-down": _("A slower pace and slower breathing, giving the body time to settle."),
    "honest-conversation": _("Speaking without performing, and listening without fixing."),
    "beyond-people": _("Time in nature, with an animal, or in stillness."),
}

STATE_LABELS: dict[str, StrOrPromise] = {state.value: state.label for state in State}

STATE_DESCRIPTIONS: dict[str, StrOrPromise] = {
    "settled": _("Safe, present, open to others."),
    "activated": _("On guard, restless, anxious, braced."),
    "shut_down": _("Flat, numb, far away, withdrawn."),
}

# "... practices that suit {phrase}": a state in a sentence, whole, so each language can word it.
STATE_PHRASES: dict[str, StrOrPromise] = {
    "settled": _("feeling settled"),
    "activated": _("feeling activated"),
    "shut_down": _("feeling shut down"),
}

# A starting state inside a sentence ("3 sessions began activated", "From activated").
STATE_WORDS: dict[str, StrOrPromise] = {
    "settled": pgettext_lazy("starting state", "settled"),
    "activated": pgettext_lazy("starting state", "activated"),
    "shut_down": pgettext_lazy("starting state", "shut down"),
}

WITH_LABELS: dict[str, StrOrPromise] = {
    "solo": _("On your own"),
    "partner": _("With a partner"),
    "group": _("In a group"),
}


def condition_label(slug: str) -> StrOrPromise:
    """A condition's label in the active language (the slug itself if it is unknown)."""
    return CONDITION_LABELS.get(slug, slug)
