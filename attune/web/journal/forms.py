"""Forms for writing in the journal. Messages are plain and kind; they never echo the text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from attune.web.journal.models import MAX_BODY_CHARS, MAX_TITLE_CHARS

_EMPTY = _("There is nothing here yet. Write a few words, or leave the page; nothing is saved.")
_TOO_LONG = _(
    "This is %(show_value)s characters long; an entry holds up to %(limit_value)s. You might split it into two entries."
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from attune.web.accounts.models import User


class BodyField(forms.CharField):
    """Free writing (an entry, or an answer to a workbook prompt) of up to ``MAX_BODY_CHARS``.

    Spacing inside is kept as typed; text of only spaces counts as empty, and trailing space is
    dropped. ``too_long`` is the sentence shown when the text is over the limit.
    """

    def __init__(
        self, *, label: StrOrPromise, rows: int, too_long: StrOrPromise, help_text: StrOrPromise = ""
    ) -> None:
        super().__init__(
            label=label,
            help_text=help_text,
            max_length=MAX_BODY_CHARS,
            strip=False,
            widget=forms.Textarea(attrs={"rows": rows}),
            error_messages={"required": _EMPTY, "max_length": too_long},
        )

    def clean(self, value: Any) -> str:
        body: str = super().clean(value)
        if not body.strip():
            raise forms.ValidationError(_EMPTY, code="required")
        return body.rstrip()


class EntryForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=MAX_TITLE_CHARS,
        help_text=_("Optional."),
        error_messages={"max_length": _("A title holds up to %(limit_value)s characters.")},
    )
    body = BodyField(
        label=_("Your entry"), rows=10, too_long=_TOO_LONG, help_text=_("Private by default: only you can read this.")
    )


class GuideChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ShareForm(forms.Form):
    guide = GuideChoiceField(
        queryset=None,
        label=_("Share with"),
        empty_label=None,
        error_messages={"invalid_choice": _("You can share only with a guide whose group you are in.")},
    )

    def __init__(self, *args: Any, guides: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["guide"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = guides


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search your journal"), required=False, max_length=200, strip=True)
