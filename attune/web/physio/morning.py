"""Morning readings: one to three minutes with a strap, sitting or lying still, soon after waking.

A morning reading is a :class:`~attune.web.physio.models.Recording` of kind ``morning``, taken
through the same live path as any other (the live page's websocket, then the same finish). Its
number is the whole recording's RMSSD after artifact correction (``rmssd_ms``), the same kind of
number as an Elite HRV or HRV4Training morning reading: RMSSD over a short spot reading. The
"Your body over time" page puts its natural log on the morning baseline
(:mod:`attune.web.imports.trends`), never on the nightly one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from attune.web.physio.models import Kind, Recording

if TYPE_CHECKING:
    from attune.web.accounts.models import User

#: The member chooses one, two or three minutes; the page stops once that much of beats arrived.
CHOICES_MIN = (1, 2, 3)
#: A reading counts from a full minute of beats ...
MIN_S = 60.0
#: ... up to three minutes and the few seconds of the packet that crossed the line.
MAX_S = 190.0


@dataclass(frozen=True)
class MorningReading:
    """One morning reading that counts for the baseline."""

    recording_id: int
    started_at: dt.datetime
    rmssd_ms: float
    duration_s: float
    simulated: bool


def counts(rec: Recording) -> bool:
    """Whether a finished recording is a morning reading the baseline takes."""
    return (
        rec.kind == Kind.MORNING
        and not rec.imported
        and rec.ended_at is not None
        and rec.rmssd_ms is not None
        and rec.rmssd_ms > 0
        and rec.duration_s is not None
        and MIN_S <= rec.duration_s <= MAX_S
    )


def readings(user: User) -> list[MorningReading]:
    """The member's morning readings that count, oldest first."""
    qs = (
        Recording.objects.for_user(user)
        .finished()
        .filter(kind=Kind.MORNING, imported=False, rmssd_ms__gt=0, duration_s__gte=MIN_S, duration_s__lte=MAX_S)
        .order_by("started_at", "pk")
    )
    rows = qs.values_list("pk", "started_at", "rmssd_ms", "duration_s", "simulated")
    return [  # the filter leaves no empty rmssd_ms or duration_s
        MorningReading(pk, started_at, float(rmssd or 0.0), float(duration or 0.0), simulated)
        for pk, started_at, rmssd, duration, simulated in rows
    ]
