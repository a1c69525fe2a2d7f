"""Forms for starting a pair practice, joining with a code, readings, and scheduling a workshop."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from attune.content.practices import Practice
from attune.web.journal.forms import BodyField
from attune.web.practices.forms import ReadingForm
from attune.web.practices.library import current_library
from attune.web.rooms.models import Audience
from attune.web.rooms.plan import MAX_MINUTES, MIN_MINUTES, PAIR_BREATHING_SLUG, practices_for

PACER_CHOICE = "pacer"


def _choices(kind: str, first: tuple[str, str]) -> list[tuple[str, str]]:
    return [first, *((p.slug, f"{p.title} ({p.duration_min:g} min)") for p in practices_for(kind))]


class PlanForm(forms.Form):
    """Up to three practices in order; the first may be the shared breathing pacer."""

    kind = "pair"
    first_label: Any = _("Breathing together")
    first = forms.ChoiceField(label=_("First"))
    then = forms.ChoiceField(label=_("Then"), required=False)
    last = forms.ChoiceField(label=_("And then"), required=False)
    minutes = forms.IntegerField(
        label=_("Minutes of breathing"),
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        initial=6,
        error_messages={
            "min_value": format_lazy(_("From {low} to {high} minutes."), low=MIN_MINUTES, high=MAX_MINUTES),
            "max_value": format_lazy(_("From {low} to {high} minutes."), low=MIN_MINUTES, high=MAX_MINUTES),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        slug = PAIR_BREATHING_SLUG if self.kind == "pair" else PACER_CHOICE
        options = _choices(self.kind, (slug, self.first_label))
        more = [("", _("Nothing more")), *options]
        for name, choices in (("first", options), ("then", more), ("last", more)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices

    def practices(self, pacer: Any) -> list[Practice]:
        """The chosen practices in order; the pacer choice becomes ``pacer(minutes)``."""
        library = current_library()
        out: list[Practice] = []
        for name in ("first", "then", "last"):
            slug = self.cleaned_data.get(name)
            if not slug:
                continue
            practice = library.get(slug)
            out.append(practice if practice is not None else pacer(self.cleaned_data["minutes"]))
        return out


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your partner"),
        max_length=16,
        error_messages={"required": _("Type the six letters and numbers your partner sees.")},
    )


class RoomReadingForm(ReadingForm):
    phase = forms.ChoiceField(choices=[("before", _("Before")), ("after", _("After"))])


class WorkshopDetailsForm(forms.Form):
    """What a guide says about a workshop: when, how long, how many, where. Editable until it begins."""

    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your own time zone; everyone sees it in theirs."),
    )
    duration_min = forms.IntegerField(label=_("Length in minutes"), min_value=10, max_value=480, initial=60)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=20)
    place = forms.CharField(label=_("Place (in person)"), max_length=200, required=False)
    call_url = forms.URLField(label=_("Your video call link (online)"), required=False, assume_scheme="https")
    journal_prompt = forms.CharField(
        label=_("A question for their journal afterwards"),
        max_length=300,
        required=False,
        help_text=_("Optional. Each person is invited to write a private note; nobody else reads it."),
    )


class WorkshopForm(WorkshopDetailsForm, PlanForm):
    kind = "group"
    field_order = (
        "title",
        "description",
        "starts_at",
        "duration_min",
        "capacity",
        "audience",
        "place",
        "call_url",
        "journal_prompt",
    )
    first_label = _("A shared breathing pacer")
    audience = forms.ChoiceField(label=_("Who may join"), choices=Audience.choices)


class CancelWorkshopForm(forms.Form):
    note = forms.CharField(
        label=_("A word to the people with a place (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WorkshopNoteForm(forms.Form):
    body = BodyField(
        label=_("Your note"),
        rows=5,
        too_long=_("That's longer than one note can hold; you might split it in two."),
        help_text=_("Private: it goes to your journal, and only you can read it."),
    )
