"""The weekly observation in the member's language.

``attune.core`` builds the observation in English and says which one it is (its kind and values);
in English the page shows core's sentence as it is, in another language this words it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, pgettext

from attune.core.insights.reflection import WeeklyReflection
from attune.web.common.labels import STATE_LABELS, STATE_WORDS
from attune.web.today.what_helps import signed

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _time_of_day(name: object) -> str:
    words: dict[str, StrOrPromise] = {
        "morning": pgettext("time of day", "in the mornings"),
        "afternoon": pgettext("time of day", "in the afternoons"),
        "evening": pgettext("time of day", "in the evenings"),
        "night": pgettext("time of day", "at night"),
    }
    return str(words.get(str(name), str(name)))


def observation_text(week: WeeklyReflection) -> str:
    """The observation to show: core's own sentence in English, else worded in the active language."""
    language = (get_language() or "en").split("-")[0]
    kind = week.observation_kind
    if language == "en" or not kind:
        return week.observation
    v = dict(week.observation_values)
    if kind == "nothing":
        return gettext(
            "Nothing was recorded this week, and that is fine. A check-in takes under 20 seconds, "
            "whenever you would like one."
        )
    if kind == "repeat":
        return gettext(
            "From %(words)s, “%(title)s” lifted your felt safety by %(change)s on average over %(n)s sessions "
            "this week."
        ) % {
            "words": STATE_WORDS[str(v["state"])],
            "title": v["title"],
            "change": signed(float(v["change"])),
            "n": v["n"],
        }
    if kind == "time_of_day":
        return gettext(
            "Your check-ins felt safest %(best)s this week (%(best_mean)s on average, against %(worst_mean)s "
            "%(worst)s). Something to notice, nothing to change."
        ) % {
            "best": _time_of_day(v["best"]),
            "worst": _time_of_day(v["worst"]),
            "best_mean": number_format(float(v["best_mean"]), 1),
            "worst_mean": number_format(float(v["worst_mean"]), 1),
        }
    if kind == "settled":
        return gettext("%(n)s of your practices this week ended with you feeling settled.") % {"n": v["n"]}
    if kind == "common_state":
        return gettext("“%(label)s” came up most often this week. Noticing it is part of the practice.") % {
            "label": STATE_LABELS[str(v["state"])]
        }
    if kind == "count":
        return gettext("You practised %(n)s times this week. Each one is time given to your body.") % {"n": v["n"]}
    return week.observation
