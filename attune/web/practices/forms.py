"""Forms for practice sessions: the two-tap readings and the end of a session."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from attune.web.common.chips import chip_groups, choice_field, number_errors, scale_field
from attune.web.common.offline import key_field, when_field
from attune.web.common.safety import crisis_resources
from attune.web.common.states import State
from attune.web.practices.models import Outcome

MAX_ELAPSED_S = 6 * 3600


def _seconds(label: str, low: float, high: float) -> forms.FloatField:
    errors = number_errors(f"{label} is a number of seconds from {low:g} to {high:g}.")
    return forms.FloatField(label=label, min_value=low, max_value=high, required=False, error_messages=errors)


class ReadingForm(forms.Form):
    """Felt safety and state, at the start or the end of a practice. Either may be skipped."""

    safety = scale_field(_("Felt safety"), 0, 10, required=False)
    state = choice_field(_("State"), State, required=False)


def readings_context(just_now: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a practice page needs to ask for the readings before and after, and to offer help.

    ``just_now`` is a check-in made a moment ago (``recent_reading``): it answers the "before"
    questions, and the member can change them. Every page with a strap or a pacer shows these.
    """
    return {
        "before_groups": chip_groups(ReadingForm(prefix="before", initial=just_now), ("safety", "state")),
        "prefilled": just_now is not None,
        "after_groups": chip_groups(ReadingForm(prefix="after"), ("safety", "state")),
        "crisis": crisis_resources(),
    }


class StartForm(ReadingForm):
    """Starting a session: the practice, the before-reading, and the pacer rhythm if any."""

    practice = forms.SlugField(max_length=80, error_messages={"required": "Which practice is this for?"})
    inhale = _seconds("Breathing in", 1, 20)
    hold_in = _seconds("Holding in", 0, 10)
    exhale = _seconds("Breathing out", 1, 20)
    hold_out = _seconds("Holding out", 0, 10)
    key = key_field()
    started_at = when_field()  # from the offline queue: when it began on the member's device

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        phases = [data.get(k) for k in ("inhale", "hold_in", "exhale", "hold_out")]
        if data.get("inhale") is None and data.get("exhale") is None:
            return data
        if data.get("inhale") is None or data.get("exhale") is None:
            raise forms.ValidationError("A breathing rhythm needs both a breath in and a breath out.")
        cycle = sum(float(p or 0) for p in phases)
        per_min = 60.0 / cycle
        if not 3.0 - 1e-9 <= per_min <= 10.0 + 1e-9:
            raise forms.ValidationError(
                f"That rhythm is {per_min:.1f} breaths a minute; the pacer offers 3 to 10 (one breath every 6 to 20 s)."
            )
        return data


class FinishForm(ReadingForm):
    outcome = forms.ChoiceField(
        choices=[(Outcome.COMPLETED.value, "Completed"), (Outcome.STOPPED.value, "Stopped early")],
        error_messages={
            "required": "Say whether the practice was completed or stopped.",
            "invalid_choice": "A session ends either completed or stopped.",
        },
    )
    elapsed_s = forms.IntegerField(
        min_value=0,
        max_value=MAX_ELAPSED_S,
        required=False,
        error_messages={
            "invalid": f"Elapsed time is a whole number of seconds up to {MAX_ELAPSED_S}.",
            "min_value": f"Elapsed time is a whole number of seconds up to {MAX_ELAPSED_S}.",
            "max_value": f"Elapsed time is a whole number of seconds up to {MAX_ELAPSED_S}.",
        },
    )
    key = key_field()
    ended_at = when_field()  # from the offline queue: when it ended on the member's device
