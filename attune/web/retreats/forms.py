"""Every request body the retreat pages take: the retreat, a question, an application, decisions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from attune.web.accounts.forms import TimezoneField
from attune.web.common.chips import choice_field, scale_field
from attune.web.common.states import State as CheckInState
from attune.web.retreats.models import (
    MAX_ANSWER_CHARS,
    SAFETY_KEY,
    SAFETY_QUESTION,
    TOUCH_CHOICES,
    TOUCH_KEY,
    TOUCH_QUESTION,
    Answer,
    ItemKind,
    Kind,
    Payment,
    Question,
    Retreat,
    ScheduleItem,
)
from attune.web.rooms.plan import practices_for
from attune.web.workbooks.models import Workbook

if TYPE_CHECKING:
    from attune.web.accounts.models import User

MAX_OPTIONS = 12
YES_NO = (("yes", _("Yes")), ("no", _("No")))
# The two questions every application asks, worded for the member; the answers keep the English (models).
_TOUCH_LABEL = _("Would you like to be invited into practices with gentle touch?")
_TOUCH_CHOICES = (
    (TOUCH_CHOICES[0][0], _("Yes, invite me. I can still say no on the day.")),
    (TOUCH_CHOICES[1][0], _("No, I'd rather take the solo alternative.")),
)
_SAFETY_LABEL = _("Is there anything your guide should know to keep you safe?")
_SAFETY_HINT = _(
    "For example an injury, something about your health, or what helps you feel at ease. "
    "Only your guide reads this. You can leave it empty."
)


class WorkbookChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        version = obj.latest_version()
        return version.title if version is not None else str(obj.slug)


class RetreatForm(forms.ModelForm):  # type: ignore[type-arg]
    timezone = TimezoneField(label=_("The venue's time zone"), help_text=_("Dates and times are shown in this zone."))

    class Meta:
        model = Retreat
        fields = [
            "title",
            "description",
            "place",
            "starts_on",
            "ends_on",
            "timezone",
            "capacity",
            "price",
            "bring",
            "cancellation",
            "preparation",
            "integration",
            "status",
        ]
        field_classes = {"preparation": WorkbookChoiceField, "integration": WorkbookChoiceField}
        labels = {
            "title": _("Title"),
            "description": _("Description"),
            "place": pgettext_lazy("venue", "Place"),
            "starts_on": _("Arrival day"),
            "ends_on": _("Departure day"),
            "capacity": _("Capacity"),
            "price": _("Price"),
            "bring": _("What to bring"),
            "cancellation": _("Cancellation terms"),
            "preparation": _("Preparation workbook"),
            "integration": _("Integration workbook"),
            "status": _("Status"),
        }
        help_texts = {
            "place": _("The address, as text."),
            "capacity": _("How many places there are."),
            "price": _("For information only: attune takes no payments."),
            "preparation": _("Everyone given a place follows it in the days before; its last day is the arrival day."),
            "integration": _("Everyone given a place follows it afterwards; its first day is the day after departure."),
        }
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "place": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, guide: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("preparation", "integration"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = (
                Workbook.objects.filter(Q(owner=None) | Q(owner=guide), versions__isnull=False)
                .distinct()
                .order_by("slug")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The departure day comes on or after the arrival day."))
        capacity = data.get("capacity")
        if capacity is not None and capacity < 1:
            self.add_error("capacity", _("A retreat needs at least one place."))
        return data


class QuestionForm(forms.ModelForm):  # type: ignore[type-arg]
    options_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a choice question: one choice a line."),
    )

    class Meta:
        model = Question
        fields = ["text", "kind", "required"]
        labels = {"text": _("Question"), "kind": _("Kind of answer"), "required": _("Needs an answer")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        options = [line.strip() for line in data.get("options_text", "").splitlines() if line.strip()]
        if data.get("kind") == Kind.CHOICE:
            if len(options) < 2:
                self.add_error("options_text", _("A choice question needs at least two choices, one a line."))
            elif len(options) > MAX_OPTIONS or any(len(o) > 120 for o in options):
                self.add_error("options_text", _("At most %(n)s choices of up to 120 characters.") % {"n": MAX_OPTIONS})
        data["options"] = options if data.get("kind") == Kind.CHOICE else []
        return data


def _field(question: Question) -> forms.Field:
    label, required = question.text, question.required
    if question.kind == Kind.LONG:
        return forms.CharField(
            label=label, required=required, max_length=MAX_ANSWER_CHARS, widget=forms.Textarea(attrs={"rows": 4})
        )
    if question.kind == Kind.YES_NO:
        return forms.ChoiceField(label=label, required=required, choices=YES_NO, widget=forms.RadioSelect)
    if question.kind == Kind.CHOICE:
        choices = [(o, o) for o in question.options]
        return forms.ChoiceField(label=label, required=required, choices=choices, widget=forms.RadioSelect)
    return forms.CharField(label=label, required=required, max_length=300)


def touch_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_TOUCH_LABEL,
        choices=_TOUCH_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("Every touch practice has a solo alternative, and you can change this later."),
        error_messages={"required": _("Please choose one; you can change it later.")},
    )


class IntakeForm(forms.Form):
    """The guide's questions in their order, then the two every application asks."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.key] = _field(question)
        self.fields[SAFETY_KEY] = forms.CharField(
            label=_SAFETY_LABEL,
            help_text=_SAFETY_HINT,
            required=False,
            max_length=MAX_ANSWER_CHARS,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        self.fields[TOUCH_KEY] = touch_field()

    def answers(self) -> list[Answer]:
        data = self.cleaned_data
        asked = [(q.key, q.text) for q in self.questions]
        asked += [(SAFETY_KEY, SAFETY_QUESTION), (TOUCH_KEY, TOUCH_QUESTION)]
        return [Answer(key, text, str(data.get(key) or "")) for key, text in asked]


class ConsentForm(forms.Form):
    touch = touch_field()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=(
            ("accept", _("Accept")),
            ("waitlist", pgettext_lazy("put on the waitlist", "Waitlist")),
            ("decline", _("Decline")),
        )
    )


class PaymentForm(forms.Form):
    payment = forms.ChoiceField(label=_("Payment"), choices=Payment.choices, required=False)


# ------------------------------------------------------------------ the days, and after


class ScheduleItemForm(forms.ModelForm):  # type: ignore[type-arg]
    """One schedule item; the day is one of the retreat's, the practice one a group can do together."""

    day = forms.TypedChoiceField(label=_("Day"), coerce=dt.date.fromisoformat)
    practice = forms.ChoiceField(
        label=_("Practice"), required=False, help_text=_("For a practice together: it runs as a shared room.")
    )

    class Meta:
        model = ScheduleItem
        fields = ["day", "starts_at", "duration_min", "kind", "title", "practice", "note"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "starts_at": _("Starts at"),
            "duration_min": _("Minutes"),
            "kind": _("Kind"),
            "title": _("Title"),
            "note": _("Note"),
        }
        help_texts = {"starts_at": _("At the venue, in its time zone.")}

    def __init__(self, *args: Any, retreat: Retreat, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = [retreat.starts_on + dt.timedelta(days=i) for i in range(retreat.nights + 1)]
        day = self.fields["day"]
        assert isinstance(day, forms.ChoiceField)
        day.choices = [
            (
                d.isoformat(),
                _("Day %(n)s: %(weekday)s, %(date)s")
                % {"n": i + 1, "weekday": date_format(d, "l"), "date": date_format(d, "MONTH_DAY_FORMAT")},
            )
            for i, d in enumerate(days)
        ]
        practice = self.fields["practice"]
        assert isinstance(practice, forms.ChoiceField)
        practice.choices = [("", _("None (a plain item)")), *((p.slug, p.title) for p in practices_for("group"))]
        limit = self.fields["duration_min"]
        assert isinstance(limit, forms.IntegerField)
        limit.min_value, limit.max_value = 5, 600
        limit.validators.extend([MinValueValidator(5), MaxValueValidator(600)])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ItemKind.PRACTICE and not data.get("practice"):
            self.add_error("practice", _("Choose the practice the group will do, or pick another kind of item."))
        if data.get("kind") != ItemKind.PRACTICE:
            data["practice"] = ""
        return data


class ShortCheckInForm(forms.Form):
    """The retreat's short check-in: the state in the member's own words, and felt safety."""

    state = choice_field(_("Right now I feel"), CheckInState, required=True)
    felt_safety = scale_field(_("Felt safety"), 0, 10)


class WordForm(forms.Form):
    note = forms.CharField(
        label=_("Anything you'd like to say first? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only your guide sees this."),
    )


class ShareArcForm(forms.Form):
    share = forms.BooleanField(required=False)
