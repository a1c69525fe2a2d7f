"""``{% load practice_labels %}``: a practice's fixed labels in the member's language."""

from __future__ import annotations

from django import template

from attune.web.common.labels import STATE_LABELS, STATE_WORDS
from attune.web.common.labels import condition_label as _condition_label

register = template.Library()


@register.filter
def condition_label(slug: str) -> str:
    """``{{ practice.condition|condition_label }}``: the condition's label, translated."""
    return str(_condition_label(slug))


@register.filter
def state_words(slug: str) -> str:
    """``{{ checkin.state|state_words }}``: a state inside a sentence ("began activated"), translated."""
    return str(STATE_WORDS.get(slug, slug))


@register.filter
def state_label(slug: str) -> str:
    """``{{ point.state|state_label }}``: a state's own label ("Shut down"), translated."""
    return str(STATE_LABELS.get(slug, slug))
