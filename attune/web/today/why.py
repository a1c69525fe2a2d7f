"""The "why this?" of a suggestion in the member's language.

``attune.core`` builds the sentence in English and says which one it is (``Pick.why_kind``) and
what fills it (``Pick.why_values``; see ``attune.core.insights.learner.WHY_KINDS``). In English the
page shows core's sentence as it is; in another language this words it again, with the practice's
title as the library has it in that language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from attune.core.insights.learner import Pick
from attune.web.common.labels import STATE_PHRASES, STATE_WORDS
from attune.web.today.what_helps import signed

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The same sentences as attune.core.insights.learner.RULE_REASONS and CONDITION_REASONS.
RULE_REASONS: dict[str, StrOrPromise] = {
    "activated": _(
        "When the body is on guard, slowing down, with a breath out a little longer than the breath in, "
        "gives it time to notice that it can settle."
    ),
    "shut_down": _(
        "When things feel flat or far away, something warm that asks little, like your own hand, "
        "an animal or the outdoors, can bring you back gently."
    ),
    "settled": _(
        "Feeling settled is a good moment for connection: it comes most easily when the body already feels safe."
    ),
}

CONDITION_REASONS: dict[str, StrOrPromise] = {
    "slowing-down": _("Slowing down gives the body time to notice that it can settle."),
    "gentle-touch": _("Gentle touch, even your own hand, can tell the body it is held."),
    "soft-gaze": _("A soft, kind face is one of the oldest signals of safety."),
    "honest-conversation": _("Being heard without being fixed can let the guard come down."),
    "beyond-people": _("Nature, animals and stillness offer warmth that asks for nothing."),
}


def _times(n: int) -> str:
    if n == 1:
        return pgettext("how often", "once")
    if n == 2:
        return pgettext("how often", "twice")
    return ngettext("%(n)s time", "%(n)s times", n) % {"n": n}


def why_text(pick: Pick, title: str | None = None) -> str:
    """The "why this?" to show: core's own sentence in English, else worded in the active language.

    ``title`` is the practice's title in the member's language (the pick's own when not given).
    """
    language = (get_language() or "en").split("-")[0]
    kind = pick.why_kind
    if language == "en" or not kind:
        return pick.why
    v = dict(pick.why_values)
    state = str(v.get("state", ""))
    if state not in STATE_WORDS:
        return pick.why
    words = STATE_WORDS[state]
    filled = {"words": words, "title": title or pick.title}
    if "change" in v:
        filled["change"] = signed(float(v["change"]))
    if "n" in v:
        filled["n"] = str(v["n"])
    if kind == "helped_most":
        return gettext("From %(words)s, “%(title)s” has helped you most: %(change)s on average over %(n)s times.") % (
            filled
        )
    if kind == "helped":
        return gettext("From %(words)s, “%(title)s” has helped you: %(change)s on average over %(n)s times.") % filled
    if kind == "changed_little":
        return (
            gettext(
                "From %(words)s, “%(title)s” has changed little so far (%(change)s on average over %(n)s times); "
                "another try shows whether it suits you."
            )
            % filled
        )
    if kind in ("rule", "condition", "rule_few", "condition_few"):
        condition = str(v.get("condition", ""))
        by_condition = kind.startswith("condition") and condition in CONDITION_REASONS
        reason = str(CONDITION_REASONS[condition] if by_condition else RULE_REASONS[state])
        if not kind.endswith("_few"):
            return reason
        few = gettext("From %(words)s you have tried it %(times)s so far (%(change)s): not enough yet to go on.") % {
            **filled,
            "times": _times(int(v.get("n", 0))),
        }
        return f"{reason} {few}"
    if kind == "untried_new":
        return gettext(
            "Something you haven't tried yet. It suits %(feeling)s, and trying it is how your map fills in."
        ) % {"feeling": STATE_PHRASES[state]}
    if kind == "untried_here":
        return gettext("Something you haven't tried from %(words)s yet. Trying it is how your map fills in.") % filled
    return pick.why
