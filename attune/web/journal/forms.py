"""Forms for writing in the journal. Messages are plain and kind; they never echo the text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet

from attune.web.journal.models import MAX_BODY_CHARS, MAX_TITLE_CHARS

_EMPTY = "There is nothing here yet. Write a few words, or leave the page; nothing is saved."
_TOO_LONG = (
    "This is %(show_value)s characters long; an entry holds up to %(limit_value)s. You might split it into two entries."
)

if TYPE_CHECKING:
    from attune.web.accounts.models import User


class EntryForm(forms.Form):
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=MAX_TITLE_CHARS,
        help_text="Optional.",
        error_messages={"max_length": f"A title holds up to {MAX_TITLE_CHARS} characters."},
    )
    body = forms.CharField(
        label="Your entry",
        help_text="Private by default: only you can read this.",
        max_length=MAX_BODY_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _EMPTY, "max_length": _TOO_LONG},
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_EMPTY, code="required")
        return body.rstrip()


class GuideChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ShareForm(forms.Form):
    guide = GuideChoiceField(
        queryset=None,
        label="Share with",
        empty_label=None,
        error_messages={"invalid_choice": "You can share only with a guide whose group you are in."},
    )

    def __init__(self, *args: Any, guides: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["guide"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = guides


class SearchForm(forms.Form):
    q = forms.CharField(label="Search your journal", required=False, max_length=200, strip=True)
