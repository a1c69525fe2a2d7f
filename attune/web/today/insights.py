"""Rows in, the insights' inputs out: the pure adapter between attune's tables and ``attune.core.insights``.

The views read plain rows (``values_list``) and hand them here; nothing in this module touches
the database, so it is tested with tuples. Times come in aware and leave in the member's local
time, because the insights care about the time of day, never the time zone.

- a practice session becomes a :class:`~attune.core.insights.PracticeOutcome` when it has both
  felt-safety readings and a starting state; its condition comes from the library (the session
  does not store it), and sessions of a practice the library no longer has are left out;
- who was there comes from that day's latest check-in before the session: "with someone", or
  the consent question answered yes, is *with someone*; anything else, or no check-in that day,
  is *alone*, the safe default;
- the moment of a suggestion is the latest check-in, with ``consent`` only when the member said
  both people opted in.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np

from attune.core.insights import CheckInRecord, Moment, PracticeInfo, PracticeLike, PracticeOutcome

SESSION_FIELDS: Final = ("practice_slug", "started_at", "before_safety", "before_state", "after_safety", "after_state")
"""The PracticeSession columns :func:`outcomes` reads, in order."""

CHECKIN_FIELDS: Final = ("created_at", "state", "felt_safety", "context", "both_opt_in")
"""The CheckIn columns :func:`checkin_records`, :func:`outcomes` and :func:`moment` read, in order."""

SessionRow = tuple[str, dt.datetime, int | None, str, int | None, str]
CheckInRow = tuple[dt.datetime, str, int, str, bool]

PACER: Final = PracticeInfo(
    slug="pacer",
    title="Breathing pacer",
    condition="slowing-down",
    with_whom=("solo",),
    suits=(),  # on the map with the other ways of slowing down, never suggested: it is a tool, not a practice
)
"""The breathing pacer, used on its own, as the insights see it."""


def with_pacer(practices: Iterable[PracticeLike]) -> tuple[PracticeLike, ...]:
    """The library's practices and the pacer, which sessions record but the library does not list."""
    return (*practices, PACER)


def company(context: str, both_opt_in: bool) -> str:
    """Who was there, as the safety rules need it: "with_someone" or "alone"."""
    return "with_someone" if context == "with_someone" or both_opt_in else "alone"


class _Companions:
    """Who was there at any moment, from the check-ins of the same local day before it."""

    def __init__(self, checkins: Sequence[CheckInRow], tz: dt.tzinfo) -> None:
        self._checkins = sorted(checkins, key=lambda c: c[0])
        self._times = [c[0] for c in self._checkins]
        self._tz = tz

    def at(self, when: dt.datetime, day: dt.date) -> str:
        i = bisect.bisect_right(self._times, when) - 1
        if i < 0 or self._times[i].astimezone(self._tz).date() != day:
            return "alone"
        _, _, _, context, consent = self._checkins[i]
        return company(context, consent)


def outcomes(
    sessions: Iterable[SessionRow],
    checkins: Sequence[CheckInRow],
    practices: Iterable[PracticeLike],
    tz: dt.tzinfo,
) -> list[PracticeOutcome]:
    """The member's practice outcomes from session rows (:data:`SESSION_FIELDS`) and check-in rows.

    Sessions without both readings or without a starting state, and of practices ``practices``
    does not know, are left out.
    """
    condition_of = {p.slug: p.condition for p in practices}
    who = _Companions(checkins, tz)
    out: list[PracticeOutcome] = []
    for slug, started_at, before, state_before, after, state_after in sessions:
        condition = condition_of.get(slug)
        if condition is None or before is None or after is None or not state_before:
            continue
        local = started_at.astimezone(tz)
        out.append(
            PracticeOutcome(
                practice=slug,
                condition=condition,
                state_before=state_before,
                safety_before=float(before),
                safety_after=float(after),
                state_after=state_after or None,
                at=local,
                company=who.at(started_at, local.date()),
            )
        )
    return out


def checkin_records(checkins: Iterable[CheckInRow], tz: dt.tzinfo) -> list[CheckInRecord]:
    """The check-ins as the weekly reflection reads them."""
    return [
        CheckInRecord(at=at.astimezone(tz), state=state, felt_safety=float(safety), company=company(context, consent))
        for at, state, safety, context, consent in checkins
    ]


def moment(checkin: CheckInRow, tz: dt.tzinfo) -> Moment:
    """Where the member is for a suggestion, from their latest check-in."""
    at, state, safety, context, consent = checkin
    who = company(context, consent)
    return Moment(
        state=state,
        felt_safety=float(safety),
        at=at.astimezone(tz),
        company=who,
        consent=bool(consent) and who != "alone",
    )


def suggestion_rng(member_id: int, day: dt.date, checkin_id: int) -> np.random.Generator:
    """The randomness of one suggestion: the same member, day and check-in give the same draw.

    So reloading Today shows the same suggestion, and a new check-in draws again.
    """
    return np.random.default_rng([member_id, day.toordinal(), checkin_id])
