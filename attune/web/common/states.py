"""The three broad states and the four signals, in plain words: shared by check-ins and practices.

The app never diagnoses: these are the member's own words for how the body feels right now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class State(models.TextChoices):
    """The three broad states, in plain words. The app never diagnoses."""

    SETTLED = "settled", _("Settled")
    ACTIVATED = "activated", _("Activated")
    SHUT_DOWN = "shut_down", _("Shut down")


STATE_HINTS: dict[str, StrOrPromise] = {
    "settled": _("safe, present, open"),
    "activated": _("on guard, restless, braced"),
    "shut_down": _("flat, numb, far away"),
}


# Plain words for the two ends of each 1..5 signal (low end first).
SIGNAL_ENDS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "breath": (_("quick or held"), _("slow and easy")),
    "muscles": (_("braced"), _("released")),
    "attention": (_("narrow or scanning"), _("wide and soft")),
}
