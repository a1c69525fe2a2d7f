"""What the resonance endpoints post, validated by forms rather than field by field."""

from __future__ import annotations

from django import forms

from attune.web.common.bodies import FlagField
from attune.web.physio.models import RESONANCE_RATES_BPM

_LOW, _HIGH = min(RESONANCE_RATES_BPM), max(RESONANCE_RATES_BPM)
_RANGE = f"rate_bpm must be between {_LOW:g} and {_HIGH:g}."


class StartAssessmentForm(forms.Form):
    quick = FlagField(required=False)


class ApplyRateForm(forms.Form):
    rate_bpm = forms.FloatField(
        required=False,
        min_value=_LOW,
        max_value=_HIGH,
        error_messages={"invalid": "rate_bpm must be a number.", "min_value": _RANGE, "max_value": _RANGE},
    )
