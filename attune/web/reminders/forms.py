"""The reminder settings form: how (or whether), when, and the quiet hours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from attune.web.reminders.models import Channel, ReminderPreference

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
QUIET_CLASH = _("That time is inside your quiet hours, so nothing would ever come. You might pick another.")
# The ways a reminder can come, worded in the member's language (the model keeps the English for the admin).
CHANNEL_LABELS = {
    Channel.NONE: _("No reminders"),
    Channel.PUSH: _("A notification on my device"),
    Channel.EMAIL: _("A short e-mail"),
}


def _time_field(label: StrOrPromise, message: StrOrPromise) -> forms.TimeField:
    """A time of day in a time picker; ``message`` answers a missing or unreadable one."""
    return forms.TimeField(
        label=label,
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": message, "required": message},
    )


class ReminderForm(forms.ModelForm):  # type: ignore[type-arg]
    channel = forms.ChoiceField(
        label=_("How, if at all"),
        choices=[(channel.value, CHANNEL_LABELS[channel]) for channel in Channel],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose no reminders, a notification, or an e-mail.")},
    )
    at = _time_field(_("Around what time"), _("A time of day, like 09:00."))
    quiet_from = _time_field(_("Quiet from"), _("A time of day, like 21:00."))
    quiet_until = _time_field(_("Quiet until"), _("A time of day, like 08:00."))

    class Meta:
        model = ReminderPreference
        fields = ("channel", "at", "quiet_from", "quiet_until")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        pref = ReminderPreference(**{k: data[k] for k in ("at", "quiet_from", "quiet_until") if k in data})
        if data.get("channel", Channel.NONE) != Channel.NONE and all(
            k in data for k in ("at", "quiet_from", "quiet_until")
        ) and pref.is_quiet(data["at"]):
            self.add_error("at", QUIET_CLASH)
        return data
