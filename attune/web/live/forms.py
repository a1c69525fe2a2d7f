"""What the live pages post: starting a recording, alone, during a practice or as an assessment segment."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.db import models
from django.utils.translation import gettext

from attune.content.practices import BREATHS_PER_MIN_RANGE
from attune.web.common.bodies import FlagField
from attune.web.physio.models import RESONANCE_RATES_BPM, Kind, ResonanceAssessment
from attune.web.practices.models import PracticeSession

if TYPE_CHECKING:
    from attune.web.accounts.models import User

_ID_MAX = 2_147_483_647  # the largest id every database stores
_Owned = TypeVar("_Owned", bound=models.Model)


def _id_field() -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=_ID_MAX)


class StartRecordingForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, required=False)
    pacer_bpm = forms.FloatField(required=False, min_value=BREATHS_PER_MIN_RANGE[0], max_value=BREATHS_PER_MIN_RANGE[1])
    simulated = FlagField(required=False)
    practice_session = _id_field()
    assessment = _id_field()
    segment_rate_bpm = forms.FloatField(required=False)

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        self.user = user
        # Worded here, in the request's language (a script shows them after "That didn't work:").
        fields = self.fields
        between = gettext("'%(field)s' must be between %(low)s and %(high)s.") % {
            "field": "pacer_bpm",
            "low": f"{BREATHS_PER_MIN_RANGE[0]:g}",
            "high": f"{BREATHS_PER_MIN_RANGE[1]:g}",
        }
        fields["pacer_bpm"].error_messages.update(
            invalid=gettext("'%(field)s' must be a number.") % {"field": "pacer_bpm"},
            min_value=between,
            max_value=between,
        )
        fields["segment_rate_bpm"].error_messages["invalid"] = gettext("'%(field)s' must be a number.") % {
            "field": "segment_rate_bpm"
        }
        for name in ("practice_session", "assessment"):
            fields[name].error_messages["invalid"] = gettext("That is not an id.")
        fields["kind"].error_messages["invalid_choice"] = gettext("'%(field)s' must be one of %(values)s.") % {
            "field": "kind",
            "values": ", ".join(Kind.values),
        }

    def clean_practice_session(self) -> PracticeSession | None:
        missing = gettext("There is no such practice session of yours.")
        return self._own(PracticeSession, "practice_session", missing)

    def clean_assessment(self) -> ResonanceAssessment | None:
        return self._own(ResonanceAssessment, "assessment", gettext("There is no such assessment of yours."))

    def _own(self, model: type[_Owned], field: str, missing: str) -> _Owned | None:
        """The member's own record with the id in ``field`` (None without one); ``missing`` if there is none such."""
        pk = self.cleaned_data.get(field)
        if pk is None:
            return None
        found = model._default_manager.filter(pk=pk, user=self.user).first()
        if found is None:
            raise forms.ValidationError(missing)
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["kind"] = data.get("kind") or Kind.FREE
        if data.get("assessment") is not None:
            rate = data.get("segment_rate_bpm")
            if rate is None or not any(math.isclose(rate, r) for r in RESONANCE_RATES_BPM):
                raise forms.ValidationError(gettext("'segment_rate_bpm' must be one of the assessment's rates."))
            data["kind"], data["pacer_bpm"] = Kind.RESONANCE, rate
        else:
            data["segment_rate_bpm"] = None
        if data["kind"] == Kind.MORNING:  # still and unpaced, on its own: nothing else rides on it
            data["pacer_bpm"], data["practice_session"], data["segment_rate_bpm"] = None, None, None
        return data
