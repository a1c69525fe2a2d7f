"""A weekly reflection: the week's check-ins and practices, what helped, one gentle observation.

Counts, never streaks; no scores and nothing to catch up on. "What helped" is this week's plain
before-and-after means (a week is too short for the pooled map, which the page can link to).
The observation is the first that applies of, in order: nothing recorded; a practice that raised
felt safety from one state at least twice; a time of day that felt clearly safer; sessions that
ended settled; the state that came up most; a plain count.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from attune.core.insights._words import lower_first, signed
from attune.core.insights.records import (
    STATE_LABELS,
    STATE_WORDS,
    STATES,
    TIMES_OF_DAY,
    CheckInRecord,
    PracticeOutcome,
    time_of_day,
)


@dataclass(frozen=True)
class Helped:
    """A practice that raised felt safety this week, from one starting state, in plain means."""

    slug: str
    title: str
    state: str
    n: int
    before_mean: float
    after_mean: float

    @property
    def change(self) -> float:
        return self.after_mean - self.before_mean


@dataclass(frozen=True)
class WeeklyReflection:
    """The pieces of one week's reflection, from ``start`` (inclusive) to ``end`` (exclusive)."""

    start: dt.date
    end: dt.date
    checkins: int
    days_with_checkin: int
    states: tuple[tuple[str, int], ...]  # check-ins by state, in STATES order
    practices: int
    ended_settled: int
    helped: tuple[Helped, ...]
    observation: str
    observation_kind: str = ""
    """Which observation applies ("nothing", "repeat", "time_of_day", "settled", "common_state",
    "count"), so the web layer can word it in the member's language from ``observation_values``."""
    observation_values: tuple[tuple[str, str | int | float], ...] = ()


MAX_HELPED: Final = 3
"""At most this many practices are listed under "what helped"."""

MIN_TIME_OF_DAY_DIFFERENCE: Final = 1.5
"""Felt-safety points between two times of day (each with two check-ins or more) worth mentioning."""


def _helped(outcomes: Sequence[PracticeOutcome], titles: Mapping[str, str]) -> list[Helped]:
    groups: dict[tuple[str, str], list[PracticeOutcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.practice, o.state_before].append(o)
    rows = [
        Helped(
            slug,
            titles.get(slug, slug),
            state,
            len(group),
            statistics.fmean(o.safety_before for o in group),
            statistics.fmean(o.safety_after for o in group),
        )
        for (slug, state), group in groups.items()
    ]
    rows = [r for r in rows if r.change > 0]
    rows.sort(key=lambda r: (-r.change, -r.n, r.slug))
    return rows


def _time_of_day_observation(
    checkins: Sequence[CheckInRecord],
) -> tuple[str, tuple[tuple[str, str | int | float], ...]] | None:
    by_time: dict[str, list[float]] = defaultdict(list)
    for c in checkins:
        by_time[time_of_day(c.at)].append(c.felt_safety)
    means = {t: statistics.fmean(v) for t, v in by_time.items() if len(v) >= 2}
    if len(means) < 2:
        return None
    ordered = sorted(means, key=lambda t: (-means[t], TIMES_OF_DAY.index(t)))
    best, worst = ordered[0], ordered[-1]
    if means[best] - means[worst] < MIN_TIME_OF_DAY_DIFFERENCE:
        return None
    values = (("best", best), ("worst", worst), ("best_mean", means[best]), ("worst_mean", means[worst]))
    return (
        f"Your check-ins felt safest in the {best}s this week ({means[best]:.1f} on average, "
        f"against {means[worst]:.1f} in the {worst}s). Something to notice, nothing to change."
    ), values


def weekly_reflection(
    checkins: Sequence[CheckInRecord],
    outcomes: Sequence[PracticeOutcome],
    start: dt.date,
    titles: Mapping[str, str] | None = None,
) -> WeeklyReflection:
    """Build the reflection for the seven days from ``start``.

    Parameters
    ----------
    checkins, outcomes
        The member's check-ins and practice sessions (with both readings); those outside the
        week are ignored, so a wider query is fine.
    start
        The first day of the week, in the member's local calendar.
    titles
        Practice slug to title (by default the slug).
    """
    end = start + dt.timedelta(days=7)
    week_c = [c for c in checkins if start <= c.at.date() < end]
    week_o = [o for o in outcomes if start <= o.at.date() < end]
    state_counts = Counter(c.state for c in week_c)
    helped = _helped(week_o, titles or {})
    settled = sum(o.state_after == "settled" for o in week_o)

    observation: str | None = None
    kind = ""
    values: tuple[tuple[str, str | int | float], ...] = ()
    if not week_c and not week_o:
        kind = "nothing"
        observation = (
            "Nothing was recorded this week, and that is fine. A check-in takes under 20 seconds, "
            "whenever you would like one."
        )
    repeat = next((h for h in helped if h.n >= 2), None)
    if observation is None and repeat is not None:
        kind = "repeat"
        values = (("state", repeat.state), ("title", repeat.title), ("change", repeat.change), ("n", repeat.n))
        observation = (
            f"From {STATE_WORDS[repeat.state]}, {lower_first(repeat.title)} lifted your felt safety by "
            f"{signed(repeat.change)} on average over {repeat.n} sessions this week."
        )
    if observation is None:
        by_time = _time_of_day_observation(week_c)
        if by_time is not None:
            kind = "time_of_day"
            observation, values = by_time
    if observation is None and settled >= 2:
        kind, values = "settled", (("n", settled),)
        observation = f"{settled} of your practices this week ended with you feeling settled."
    if observation is None and state_counts:
        state, _ = max(state_counts.items(), key=lambda kv: (kv[1], -STATES.index(kv[0])))
        kind, values = "common_state", (("state", state),)
        observation = f"{STATE_LABELS[state]} came up most often this week. Noticing it is part of the practice."
    if observation is None:
        kind, values = "count", (("n", len(week_o)),)
        observation = f"You practised {len(week_o)} times this week. Each one is time given to your body."
    return WeeklyReflection(
        start=start,
        end=end,
        checkins=len(week_c),
        days_with_checkin=len({c.at.date() for c in week_c}),
        states=tuple((s, state_counts.get(s, 0)) for s in STATES),
        practices=len(week_o),
        ended_settled=settled,
        helped=tuple(helped[:MAX_HELPED]),
        observation=observation,
        observation_kind=kind,
        observation_values=values,
    )
