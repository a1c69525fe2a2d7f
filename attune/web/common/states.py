"""The three broad states and the four signals, in plain words: shared by check-ins and practices.

The app never diagnoses: these are the member's own words for how the body feels right now.
"""

from __future__ import annotations

from django.db import models


class State(models.TextChoices):
    """The three broad states, in plain words. The app never diagnoses."""

    SETTLED = "settled", "Settled"
    ACTIVATED = "activated", "Activated"
    SHUT_DOWN = "shut_down", "Shut down"


STATE_HINTS: dict[str, str] = {
    "settled": "safe, present, open",
    "activated": "on guard, restless, braced",
    "shut_down": "flat, numb, far away",
}


# Plain words for the two ends of each 1..5 signal (low end first).
SIGNAL_ENDS: dict[str, tuple[str, str]] = {
    "breath": ("quick or held", "slow and easy"),
    "muscles": ("braced", "released"),
    "attention": ("narrow or scanning", "wide and soft"),
}
