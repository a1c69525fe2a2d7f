"""Chip rows: the check-in's way of asking, shared by every form that asks the same questions.

A form field made with :func:`scale_field` or :func:`choice_field` says plainly what it accepts;
:func:`chip_groups` turns a form into rows of chips for the templates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from attune.web.common.labels import STATE_WORDS
from attune.web.common.states import SIGNAL_ENDS, STATE_HINTS


def number_errors(message: StrOrPromise) -> dict[str, StrOrPromise]:
    """Error messages for a number field that answer anything wrong (not a number, too low, too high) alike."""
    return dict.fromkeys(("invalid", "min_value", "max_value"), message)


# The error messages are worded when they are shown, in the language of that request, and name a
# field or a choice with words made for the inside of a sentence, never by lowering a label (German
# keeps its capitals).


def _either(words: list[StrOrPromise]) -> str:
    items = [str(w) for w in words]
    if len(items) == 1:
        return items[0]
    return gettext("%(some)s or %(last)s") % {"some": ", ".join(items[:-1]), "last": items[-1]}


def _scale_required(label: StrOrPromise, low: int, high: int) -> str:
    return gettext("%(label)s: choose a number from %(low)s to %(high)s.") % {"label": label, "low": low, "high": high}


def _scale_invalid(label: StrOrPromise, low: int, high: int) -> str:
    return gettext("%(label)s is a whole number from %(low)s to %(high)s.") % {"label": label, "low": low, "high": high}


def _choice_required(words: list[StrOrPromise]) -> str:
    return gettext("Choose the one closest to now: %(names)s.") % {"names": _either(words)}


def _choice_invalid(label: StrOrPromise, words: list[StrOrPromise]) -> str:
    return gettext("%(label)s is one of: %(names)s.") % {"label": label, "names": _either(words)}


_lazy_scale_required = lazy(_scale_required, str)
_lazy_scale_invalid = lazy(_scale_invalid, str)
_lazy_choice_required = lazy(_choice_required, str)
_lazy_choice_invalid = lazy(_choice_invalid, str)


def scale_field(label: StrOrPromise, low: int, high: int, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        required=required,
        error_messages={
            "required": _lazy_scale_required(label, low, high),
            **number_errors(_lazy_scale_invalid(label, low, high)),
        },
    )


def choice_field(label: StrOrPromise, choices: Any, *, required: bool) -> forms.ChoiceField:
    """A chip question; its errors name a state by its in-sentence word (``STATE_WORDS``), else by its label."""
    words: list[StrOrPromise] = [STATE_WORDS.get(str(c.value), c.label) for c in choices]
    return forms.ChoiceField(
        label=label,
        choices=[("", "—"), *choices.choices] if not required else choices.choices,
        required=required,
        error_messages={
            "required": _lazy_choice_required(words),
            "invalid_choice": _lazy_choice_invalid(label, words),
        },
    )


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    checked: bool
    hint: str = ""


@dataclass(frozen=True)
class ChipGroup:
    """One question of the check-in, ready to render as a row of chips."""

    name: str  # the input name, with the form's prefix
    legend: str
    kind: str  # "states", "scale" (0..10) or "five" (1..5)
    options: tuple[Option, ...]
    ends: tuple[str, str] | None
    errors: list[str]
    id: str

    @property
    def long_labels(self) -> bool:
        """Whether some option's name is too long to stand three across on a phone (German, say)."""
        return any(len(o.label) > 9 for o in self.options)


SCALE_ENDS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "felt_safety": (_("not safe at all"), _("completely safe")),
    "felt_connection": (_("far from anyone"), _("close and connected")),
}


def _id(form: forms.BaseForm, name: str) -> str:
    return "q-" + form.add_prefix(name).replace("_", "-")


def _current(form: forms.BaseForm, name: str) -> str:
    value = form[name].value()
    return "" if value is None else str(value)


def _bound(value: int | Callable[[], int] | None) -> int:
    """An IntegerField's ``min_value``/``max_value`` as an int (Django also accepts a callable)."""
    return int((value() if callable(value) else value) or 0)


def _pairs(field: forms.ChoiceField) -> Iterable[tuple[Any, Any]]:
    """``field``'s (value, label) pairs.

    Django normalises ``choices`` when it is set, so reading it gives the pairs; the stubs type the
    getter as everything the setter accepts (callables, ``Choices`` classes, mappings).
    """
    return field.choices  # type: ignore[return-value]


def chip_groups(form: forms.BaseForm, names: tuple[str, ...] | None = None) -> list[ChipGroup]:
    """The chip rows for ``form`` (a check-in or reading form), with what is already chosen.

    Nothing is pre-selected on a new form: a default would nudge the answer.
    """
    groups: list[ChipGroup] = []
    for name in names or tuple(form.fields):
        field = form.fields[name]
        current = _current(form, name)
        errors = [str(e) for e in form.errors.get(name, [])]
        if isinstance(field, forms.IntegerField):
            low, high = _bound(field.min_value), _bound(field.max_value)
            lazy_ends = SCALE_ENDS.get(name) or SIGNAL_ENDS.get(name) or SCALE_ENDS["felt_safety"]
            ends = (str(lazy_ends[0]), str(lazy_ends[1]))  # in the language of this request
            options = tuple(
                Option(str(v), str(v), current == str(v), ends[0] if v == low else ends[1] if v == high else "")
                for v in range(low, high + 1)
            )
            kind = "five" if high - low == 4 else "scale"
            groups.append(
                ChipGroup(form.add_prefix(name), str(field.label), kind, options, ends, errors, _id(form, name))
            )
        elif isinstance(field, forms.ChoiceField) and name == "state":
            options = tuple(
                Option(str(v), str(label), current == str(v), str(STATE_HINTS.get(str(v), "")))
                for v, label in _pairs(field)
                if v
            )
            groups.append(
                ChipGroup(form.add_prefix(name), str(field.label), "states", options, None, errors, _id(form, name))
            )
        elif isinstance(field, forms.ChoiceField):
            options = tuple(Option(str(v), str(label), current == str(v)) for v, label in _pairs(field) if v)
            groups.append(
                ChipGroup(form.add_prefix(name), str(field.label), "chips", options, None, errors, _id(form, name))
            )
    return groups
