"""Forms for guides (upload, edit, cohorts) and for a member's day (a practice's two readings)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from attune.content.workbooks.writing import ITEM_KINDS, ChapterFields, ItemFields
from attune.web.journal.forms import BodyField
from attune.web.workbooks import catalog
from attune.web.workbooks.models import WorkbookVersion

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_TOO_LONG = _("This is %(show_value)s characters long; an answer holds up to %(limit_value)s.")

DAY_FILE = re.compile(r"^days/[a-z0-9][a-z0-9_-]*\.md$")
#: How far from today a group's first day may be: a year back (a group already under way) and
#: two years ahead (planning). Anything further is almost surely a typing slip.
COHORT_START_PAST = dt.timedelta(days=365)
COHORT_START_FUTURE = dt.timedelta(days=730)


def max_upload_bytes() -> int:
    """The largest zip accepted: what it may unpack to, plus room for the zip's own headers.

    A zip is never much larger than its contents, so anything bigger is refused before it is read.
    """
    return catalog.max_unpacked_bytes() + 1024 * catalog.max_files()


class UploadForm(forms.Form):
    archive = forms.FileField(
        label=_("Workbook zip"),
        help_text=_("A zip holding workbook.md and a days/ folder, at its top or inside one folder."),
        error_messages={"required": _("Choose a zip file to upload."), "empty": _("That file is empty.")},
    )

    def clean_archive(self) -> Any:
        archive = self.cleaned_data["archive"]
        limit = max_upload_bytes()
        if archive.size is not None and archive.size > limit:
            raise forms.ValidationError(
                _(
                    "This file is %(size)s bytes, larger than this site accepts for a workbook "
                    "(%(limit)s bytes). Nothing was published."
                )
                % {
                    "size": number_format(archive.size, force_grouping=True),
                    "limit": number_format(limit, force_grouping=True),
                }
            )
        return archive


class VersionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: WorkbookVersion) -> str:
        return ngettext(
            "Version %(n)s: %(title)s (%(days)s day, %(published)s)",
            "Version %(n)s: %(title)s (%(days)s days, %(published)s)",
            obj.day_count,
        ) % {
            "n": obj.number,
            "title": obj.title,
            "days": obj.day_count,
            "published": date_format(obj.published_at, "DATE_FORMAT"),
        }


class CohortForm(forms.Form):
    title = forms.CharField(
        max_length=120,
        label=_("Name for the group"),
        error_messages={"required": _("Give the group a name, such as 'Spring circle'.")},
    )
    version = VersionChoice(
        queryset=WorkbookVersion.objects.none(),
        label=_("Version"),
        empty_label=None,
        error_messages={"invalid_choice": _("Pick one of this workbook's versions.")},
    )
    start_date = forms.DateField(
        label=_("First day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Choose the group's first day."), "invalid": _("Enter a date like 2025-03-01.")},
    )

    def __init__(self, *args: Any, versions: QuerySet[WorkbookVersion], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        # ``fields`` is typed as holding plain Fields; this one is the VersionChoice declared above.
        cast(VersionChoice, self.fields["version"]).queryset = versions
        first = versions.first()
        if first is not None and not self.is_bound:
            self.initial.setdefault("version", first.pk)
        if not self.is_bound:
            self.initial.setdefault("start_date", today)

    def clean_start_date(self) -> dt.date:
        start: dt.date = self.cleaned_data["start_date"]
        earliest, latest = self.today - COHORT_START_PAST, self.today + COHORT_START_FUTURE
        if not earliest <= start <= latest:
            raise forms.ValidationError(
                _(
                    "Choose a first day within a year before or two years after today "
                    "(between %(earliest)s and %(latest)s)."
                )
                % {"earliest": date_format(earliest, "DATE_FORMAT"), "latest": date_format(latest, "DATE_FORMAT")}
            )
        return start


class EditForm(forms.Form):
    """One text area per workbook file, plus room for one new day."""

    def __init__(self, *args: Any, sources: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paths = list(sources)
        for i, (path, text) in enumerate(sources.items()):
            self.fields[f"file_{i}"] = forms.CharField(
                label=path,
                required=False,
                strip=False,
                initial=text,
                widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "true", "class": "source"}),
            )
        self.fields["new_name"] = forms.CharField(
            label=_("New day file name"),
            required=False,
            help_text=_("Optional, such as days/day-29.md. Leave empty to add nothing."),
        )
        self.fields["new_text"] = forms.CharField(
            label=_("New day file"),
            required=False,
            strip=False,
            widget=forms.Textarea(attrs={"rows": 8, "class": "source"}),
        )

    def clean_new_name(self) -> str:
        name = str(self.cleaned_data.get("new_name") or "").strip()
        if name and not DAY_FILE.match(name):
            raise forms.ValidationError(_("A day file is named like days/day-29.md (lowercase, ending in .md)."))
        if name in self.paths:
            raise forms.ValidationError(_("%(name)s is already there; edit it above.") % {"name": name})
        return name

    def sources(self) -> dict[str, str]:
        """The files as submitted. A file left empty is dropped (that is how a day is removed)."""
        data = self.cleaned_data
        out = {path: data.get(f"file_{i}", "") for i, path in enumerate(self.paths)}
        out = {path: text for path, text in out.items() if text.strip()}
        if data.get("new_name") and str(data.get("new_text") or "").strip():
            out[data["new_name"]] = data["new_text"]
        return out

    def file_fields(self) -> list[Any]:
        return [self[f"file_{i}"] for i in range(len(self.paths))]


class PracticeRecordForm(forms.Form):
    """A practice's two quick readings, felt safety before and after (either may be skipped)."""

    before = forms.IntegerField(min_value=0, max_value=10, required=False, label=_("Felt safety before (0 to 10)"))
    after = forms.IntegerField(min_value=0, max_value=10, required=False, label=_("Felt safety after (0 to 10)"))


class AnswerForm(forms.Form):
    """An answer to one workbook prompt, posted from a day page."""

    workbook = forms.SlugField(max_length=80)
    version = forms.IntegerField(min_value=1)
    day = forms.IntegerField(min_value=1, max_value=10_000)
    prompt_key = forms.SlugField(max_length=80)
    body = BodyField(label=_("Your answer"), rows=5, too_long=_TOO_LONG)


def markdown_field(label: StrOrPromise, help_text: StrOrPromise, form_id: str) -> forms.CharField:
    """The Markdown box of a guide's form (a day's reading, workbook.md's introduction), kept as typed.

    It stands beside the ``<form>`` element ``form_id``, tied to it by the form attribute.
    """
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        strip=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "true", "class": "source", "form": form_id}),
    )


#: How many items a day may hold in the form; a day is a handful of steps.
MAX_ITEMS = 40
ITEM_LABELS = {
    "reading": _("Reading"),
    "practice": _("Practice"),
    "prompt": _("Question for the journal"),
    "checkin": _("Check-in"),
}


class DayForm(forms.Form):
    """A day's own fields; its items come from :func:`items_from_post` (a list the guide reorders)."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    chapter = forms.ChoiceField(label=_("Chapter"), choices=())
    minutes = forms.IntegerField(
        label=_("About how many minutes"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("Enter the minutes as a whole number, such as 5.")},
    )
    body = markdown_field(
        _("The day's reading (Markdown)"), _("Shown where a reading step without its own passage stands."), "day-form"
    )

    def __init__(self, *args: Any, chapters: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["chapter"]).choices = chapters
        self.fields["chapter"].error_messages["invalid_choice"] = _("Choose one of the chapters of workbook.md.")


def items_from_post(data: Any) -> list[ItemFields] | None:
    """The items as posted (``item-<i>-kind`` and so on), in order; None when the list is malformed."""
    count = posted_count(data, "item", MAX_ITEMS)
    if count is None:
        return None
    items: list[ItemFields] = []
    for i in range(count):
        kind = data.get(f"item-{i}-kind", "")
        if kind not in ITEM_KINDS:
            return None
        items.append(
            ItemFields(
                kind=kind,
                text=str(data.get(f"item-{i}-text", ""))[:20_000],
                key=str(data.get(f"item-{i}-key", ""))[:200],
                practice=str(data.get(f"item-{i}-practice", ""))[:200],
                note=str(data.get(f"item-{i}-note", ""))[:5_000],
            )
        )
    return items


def apply_item_op(items: list[ItemFields], op: str) -> bool:
    """Move, remove or add an item (``up-2``, ``down-0``, ``remove-1``, ``add-practice``)."""
    return apply_list_op(items, op, lambda kind: ItemFields(kind=kind), ITEM_KINDS, MAX_ITEMS)


#: How many chapters the form holds; more than this is a sign of a malformed post.
MAX_CHAPTERS = 60


class HeadForm(forms.Form):
    """``workbook.md``'s own fields; its chapters come from :func:`chapters_from_post`."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=2_000,
        help_text=_("One or two sentences, shown in the list of workbooks."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    introduction = markdown_field(_("Introduction (Markdown)"), _("Members read it before day 1."), "head-form")


def chapters_from_post(data: Any) -> list[ChapterFields] | None:
    """The chapters as posted (``chapter-<i>-slug`` and so on), in order; None when malformed."""
    count = posted_count(data, "chapter", MAX_CHAPTERS)
    if count is None:
        return None
    return [
        ChapterFields(
            slug=str(data.get(f"chapter-{i}-slug", ""))[:200],
            title=str(data.get(f"chapter-{i}-title", ""))[:200],
            summary=str(data.get(f"chapter-{i}-summary", ""))[:2_000],
        )
        for i in range(count)
    ]


def posted_count(data: Any, prefix: str, limit: int) -> int | None:
    """How many rows a post holds (``<prefix>-count``); None unless it is a whole number from 0 to ``limit``."""
    try:
        count = int(data.get(f"{prefix}-count", "0"))
    except ValueError:
        return None
    return count if 0 <= count <= limit else None


def apply_list_op(rows: list[Any], op: str, new: Callable[[str], Any], kinds: tuple[str, ...], limit: int) -> bool:
    """Move, remove or add a row (``up-2``, ``down-0``, ``remove-1``, ``add-<kind>``).

    Returns False when ``op`` is none of these.
    """
    verb, _sep, arg = op.partition("-")
    if verb == "add" and arg in kinds and len(rows) < limit:
        rows.append(new(arg))
        return True
    if verb not in ("up", "down", "remove") or not arg.isdigit() or not 0 <= int(arg) < len(rows):
        return False
    i = int(arg)
    if verb == "remove":
        del rows[i]
    elif verb == "up" and i > 0:
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    elif verb == "down" and i < len(rows) - 1:
        rows[i + 1], rows[i] = rows[i], rows[i + 1]
    return True
