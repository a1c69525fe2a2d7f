"""The check-in form: every field says plainly what it accepts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from attune.web.checkins.models import ANSWERS, NOTE_MAX_CHARS, BodyArea, CheckIn, Context
from attune.web.common.chips import chip_groups, choice_field, scale_field
from attune.web.common.offline import key_field, when_field
from attune.web.common.states import State


class CheckInForm(forms.ModelForm):  # type: ignore[type-arg]
    state = choice_field(_("State"), State, required=True)
    felt_safety = scale_field(_("Felt safety"), 0, 10)
    breath = scale_field(_("Breath"), 1, 5)
    muscles = scale_field(_("Muscles"), 1, 5)
    attention = scale_field(_("Attention"), 1, 5)
    felt_connection = scale_field(_("Felt connection"), 0, 10)
    body_area = choice_field(_("Where you feel it"), BodyArea, required=False)
    context = choice_field(_("Where you are"), Context, required=False)
    note = forms.CharField(
        label=_("A private note"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        strip=True,
        error_messages={"max_length": f"The note can be up to {NOTE_MAX_CHARS} characters (it has %(show_value)d)."},
    )

    both_opt_in = forms.BooleanField(
        label=_("Someone is here with me, and we both opt in to touch or eye contact"),
        required=False,
    )

    # Sent by the page's script: the submission's idempotency key, and (from the offline queue) when
    # the member checked in on their device. Neither is shown.
    key = key_field()
    taken_at = when_field()

    class Meta:
        model = CheckIn
        fields = (*ANSWERS, "both_opt_in")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The note is sealed on the model, not a column the ModelForm could fill: open it here.
        if self.instance.pk is not None and not self.is_bound:
            self.initial["note"] = self.instance.note

    def save(self, commit: bool = True) -> CheckIn:
        self.instance.note = self.cleaned_data.get("note", "")
        return super().save(commit=commit)  # type: ignore[no-any-return]


def form_context(form: CheckInForm) -> dict[str, object]:
    """What the check-in template needs: the main chip rows, the optional extras, and whether to open them."""
    groups = chip_groups(form)
    main = [g for g in groups if g.name not in {"body_area", "context"}]
    extras = [g for g in groups if g.name in {"body_area", "context"}]
    open_extras = any(g.errors or any(o.checked for o in g.options) for g in extras) or bool(
        form["note"].value() or form.errors.get("note") or form["both_opt_in"].value()
    )
    return {"form": form, "groups": main, "extras": extras, "open_extras": open_extras}
