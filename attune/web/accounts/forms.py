"""Forms for joining, logging in, the member's settings and leaving.

Every field says plainly what went wrong. Django adds ``aria-invalid`` and ``aria-describedby``
(pointing at ``<id>_helptext`` and ``<id>_error``) to fields, and ``_field.html`` (shared by every app) renders
the hint and the errors under those ids.
"""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from attune.content.practices import BREATHS_PER_MIN_RANGE
from attune.web.accounts.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The regions of the IANA time zone database. Older aliases ("US/Eastern", "GB", "Etc/GMT+5")
# still work if an admin sets them, but the list offers one name per place.
TIMEZONE_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
TOO_LONG = "Please keep it to %(limit_value)d characters or fewer (this has %(show_value)d)."
TOO_LONG_TRANSLATED = _("Please keep it to %(limit_value)d characters or fewer (this has %(show_value)d).")
PACER_MIN_BPM, PACER_MAX_BPM = BREATHS_PER_MIN_RANGE


def _place(name: str) -> str:
    """``America/Argentina/Buenos_Aires`` -> ``Argentina / Buenos Aires``."""
    return " / ".join(part.replace("_", " ") for part in name.split("/")[1:])


@lru_cache(maxsize=1)
def _grouped_timezones() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    available = zoneinfo.available_timezones()
    groups: list[tuple[str, tuple[tuple[str, str], ...]]] = [("Universal", (("UTC", "UTC"),))]
    for region in TIMEZONE_REGIONS:
        names = sorted(name for name in available if name.startswith(region + "/"))
        groups.append((region, tuple((name, _place(name)) for name in names)))
    return tuple(groups)


def timezone_choices(current: str = "") -> list[tuple[str, Any]]:
    """Time zones grouped by region, for a ``<select>`` with ``<optgroup>``s.

    ``current`` (a member's present zone) is offered too when it is a valid older alias that the
    regional list leaves out, so saving the settings page never rejects what is already stored.
    """
    choices: list[tuple[str, Any]] = [(region, list(names)) for region, names in _grouped_timezones()]
    offered = {value for _, names in _grouped_timezones() for value, _ in names}
    if current and current not in offered and current in zoneinfo.available_timezones():
        choices.insert(0, ("Current", [(current, current)]))
    return choices


class TimezoneField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Your time zone"))
        kwargs.setdefault("help_text", _("Every time attune shows you is in this zone."))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Please pick your time zone from the list."),
                "invalid_choice": _(
                    "“%(value)s” is not a time zone we know. Please pick one from the list, "
                    "like Europe/Berlin or America/New_York."
                ),
            },
        )
        super().__init__(choices=timezone_choices, **kwargs)


def _clean_email(email: str, instance_pk: int | None) -> str:
    email = User.objects.normalize_email(email.strip())
    others = User.objects.filter(email__iexact=email)
    if instance_pk is not None:
        others = others.exclude(pk=instance_pk)
    if email and others.exists():
        raise forms.ValidationError(
            _("Another account already uses this email. If it is yours, you can reset that account's password."),
            code="duplicate_email",
        )
    return email


class SignupForm(auth_forms.UserCreationForm):  # type: ignore[type-arg]
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        max_length=254,
        help_text=_("Only used to reset your password. Without it, a lost password cannot be recovered."),
        error_messages={"invalid": _("That doesn't look like an email address; it needs an @ and a domain.")},
    )
    display_name = forms.CharField(
        label=_("What should we call you? (optional)"),
        required=False,
        max_length=80,
        help_text=_("Shown to you, and to a guide or group only if you join one."),
        error_messages={"max_length": TOO_LONG_TRANSLATED},
    )
    timezone = TimezoneField(initial="UTC")

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email", "timezone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.help_text = _("Letters, numbers and @ . + - _ only. You log in with it.")
        username.error_messages["max_length"] = _("Please keep it to 150 characters or fewer.")
        self.fields["password1"].help_text = _("At least 10 characters. A few unrelated words work well.")
        self.fields["password2"].label = _("The same password again")
        self.fields["password2"].help_text = ""
        if not self.is_bound:
            self.fields["timezone"].widget.attrs["data-guess-timezone"] = "true"
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": _("The two passwords are not the same. Please type them again."),
        }

    def clean_email(self) -> str:
        return _clean_email(self.cleaned_data.get("email", ""), None)

    def clean_display_name(self) -> str:
        return str(self.cleaned_data.get("display_name", "")).strip()


class LoginForm(auth_forms.AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages = {
            "invalid_login": _("That username and password don't match an account here. Both are case-sensitive."),
            "inactive": _("This account is switched off. Whoever runs this attune can switch it back on."),
        }
        self.fields["username"].error_messages["required"] = _("Please enter your username.")
        self.fields["password"].error_messages["required"] = _("Please enter your password.")


_PACE_RANGE = format_lazy(
    _("Please choose a pace between {low} and {high} breaths a minute."),
    low=f"{PACER_MIN_BPM:g}",
    high=f"{PACER_MAX_BPM:g}",
)


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    """Name, time zone and pace. The email address has its own page (:class:`EmailChangeForm`)."""

    timezone = TimezoneField()
    default_pacer_bpm = forms.FloatField(
        label=_("Your breathing pace (breaths a minute, optional)"),
        required=False,
        min_value=PACER_MIN_BPM,
        max_value=PACER_MAX_BPM,
        help_text=format_lazy(
            _("The pacer starts here. Many adults settle between 4.5 and 6.5; anything from {low} to {high} works."),
            low=f"{PACER_MIN_BPM:g}",
            high=f"{PACER_MAX_BPM:g}",
        ),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Please enter a number, like 5.5."),
            "min_value": _PACE_RANGE,
            "max_value": _PACE_RANGE,
        },
    )

    class Meta:
        model = User
        fields = ("display_name", "timezone", "default_pacer_bpm")
        labels: ClassVar[dict[str, Any]] = {"display_name": _("What should we call you?")}
        help_texts: ClassVar[dict[str, Any]] = {
            "display_name": _("Optional. Shown to you, and to a guide or group only if you join one.")
        }
        error_messages: ClassVar[dict[str, dict[str, Any]]] = {"display_name": {"max_length": TOO_LONG_TRANSLATED}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        timezone_field = self.fields["timezone"]
        assert isinstance(timezone_field, forms.ChoiceField)
        timezone_field.choices = timezone_choices(getattr(self.instance, "timezone", ""))

    def clean_display_name(self) -> str:
        return str(self.cleaned_data.get("display_name", "")).strip()


class EmailChangeForm(forms.Form):
    """A new email address (or none). The page asks for the password first (``require_recent_auth``)."""

    email = forms.EmailField(
        label=_("Your new email (optional)"),
        required=False,
        max_length=254,
        help_text=_(
            "Used to reset your password and to tell you when your account changes. "
            "Leave it empty to keep no address here; then a lost password cannot be recovered."
        ),
        error_messages={"invalid": _("That doesn't look like an email address; it needs an @ and a domain.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = _clean_email(self.cleaned_data.get("email", ""), self.user.pk)
        if email.casefold() == self.user.email.casefold():
            raise forms.ValidationError(
                _("That is already your email address, so there is nothing to change."), code="unchanged"
            )
        return email


def _current_password(label: StrOrPromise, missing: StrOrPromise) -> forms.CharField:
    """The member's own password, asked again: kept as typed, offered by a password manager."""
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": missing},
    )


class ReauthForm(forms.Form):
    password = _current_password(_("Your password"), _("Please enter your password."))


class SetPasswordForm(auth_forms.SetPasswordForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": _("The two passwords are not the same. Please type them again."),
        }
        self.fields["new_password1"].help_text = _("At least 10 characters. A few unrelated words work well.")
        self.fields["new_password2"].label = _("The same new password again")


class PasswordChangeForm(SetPasswordForm, auth_forms.PasswordChangeForm):
    """:class:`SetPasswordForm`'s new password, after the current one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages["password_incorrect"] = _("That isn't your current password. Please try again.")
        self.error_messages["password_mismatch"] = _("The two new passwords are not the same. Please type them again.")
        self.fields["old_password"].label = _("Your current password")


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("The email on your account")
        self.fields["email"].error_messages = {
            "required": _("Please enter the email on your account."),
            "invalid": _("That doesn't look like an email address; it needs an @ and a domain."),
        }


class DeleteAccountForm(forms.Form):
    password = _current_password(_("Your password, to confirm"), _("Please enter your password to confirm."))

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = str(self.cleaned_data.get("password", ""))
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("That isn't your password, so nothing was deleted. Please try again."), code="password_incorrect"
            )
        return password
