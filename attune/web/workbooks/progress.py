"""Which days are ready, where a member is, and how a cohort is doing.

A day is ready when the member's today is on or after ``start_date + (day - 1)``. Someone
following at their own pace may also open the next day as soon as they have finished the one
before, and any earlier day stays open for good: catching up never locks anyone out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, replace

from attune.web.common.stats import SafetyChange, safety_change
from attune.web.workbooks.models import DayProgress, Enrolment

#: Days without any activity before a cohort dashboard gently flags someone.
QUIET_DAYS = 3
#: The cohort's before-to-after shift is shown only once its sessions come from at least this many
#: people, so that a guide can never read one person's readings out of the "group" figure.
MIN_SHIFT_PEOPLE = 2


@dataclass(frozen=True)
class DayStatus:
    number: int
    title: str
    chapter: str
    minutes: int
    done: bool
    ready: bool
    opens_on: dt.date
    is_current: bool = False

    @property
    def state(self) -> str:
        if self.done:
            return "done"
        return "ready" if self.ready else "later"


def day_statuses(enrolment: Enrolment, progress: Mapping[int, DayProgress], today: dt.date) -> list[DayStatus]:
    """Every day of the enrolment's version, with whether it is done and whether it is ready."""
    content = enrolment.version.content
    statuses: list[DayStatus] = []
    previous_done = True
    current_marked = False
    for day in content.days:
        p = progress.get(day.number)
        done = p is not None and p.completed_at is not None
        opens_on = enrolment.date_of(day.number)
        ready = (
            done or today >= opens_on or (enrolment.is_self_paced and previous_done and today >= enrolment.start_date)
        )
        is_current = ready and not done and not current_marked
        current_marked = current_marked or is_current
        statuses.append(DayStatus(day.number, day.title, day.chapter, day.minutes, done, ready, opens_on, is_current))
        previous_done = done
    return statuses


def is_ready(enrolment: Enrolment, day: int, progress: Mapping[int, DayProgress], today: dt.date) -> bool:
    statuses = day_statuses(enrolment, progress, today)
    return 1 <= day <= len(statuses) and statuses[day - 1].ready


def current(statuses: Iterable[DayStatus]) -> DayStatus | None:
    """The first ready day not yet done."""
    return next((s for s in statuses if s.is_current), None)


def next_later(statuses: Iterable[DayStatus]) -> DayStatus | None:
    """The first day that is not ready yet."""
    return next((s for s in statuses if not s.ready), None)


@dataclass(frozen=True)
class Participant:
    enrolment: Enrolment
    name: str
    days_completed: int
    day_reached: int
    total_days: int
    last_active: dt.datetime
    quiet_days: int

    @property
    def may_need_attention(self) -> bool:
        return self.quiet_days >= QUIET_DAYS


def participant(enrolment: Enrolment, progress: Iterable[DayProgress], today: dt.date, tz: dt.tzinfo) -> Participant:
    rows = list(progress)
    completed = sum(1 for p in rows if p.completed_at is not None)
    # The furthest day they wrote to, or the day after the last one they finished: opening a day
    # page writes nothing, so finishing day N is what brings a member to day N + 1.
    finished = [p.day for p in rows if p.completed_at is not None]
    reached = min(
        max([p.day for p in rows] + [d + 1 for d in finished], default=0),
        enrolment.version.day_count,
    )
    last_local = enrolment.last_active_at.astimezone(tz).date()
    return Participant(
        enrolment=enrolment,
        name=str(enrolment.user),
        days_completed=completed,
        day_reached=reached,
        total_days=enrolment.version.day_count,
        last_active=enrolment.last_active_at,
        quiet_days=max(0, (today - last_local).days),
    )


def cohort_shift(changes: Iterable[tuple[int, int] | tuple[int, int, Hashable]]) -> SafetyChange:
    """Before-to-after felt safety over a cohort's practice sessions, one value per person.

    ``changes`` are ``(before, after, person)`` from sessions with both readings; ``person`` is
    anything that tells people apart, such as a user id. Each person's changes (after - before)
    are averaged into one value; the shift is the mean of those values and its standard error is
    their sample standard deviation over the square root of the number of people. Several sessions
    of one person are not independent observations: counting each session once would let someone
    who practises often outweigh the others and make the ± too small.

    The result's ``n`` counts sessions (below :data:`~attune.web.today.stats.MIN_SESSIONS` it reads
    "calibrating"); its mean and standard error are across people, the standard error None with
    fewer than two. A ``(before, after)`` pair without a person counts as a person of its own.
    """
    per_person: dict[Hashable, list[int]] = {}
    for k, change in enumerate(changes):
        person = change[2] if len(change) == 3 else ("unnamed", k)
        per_person.setdefault(person, []).append(change[1] - change[0])
    means = [sum(deltas) / len(deltas) for deltas in per_person.values()]
    across_people = safety_change("cohort", "All practices", len(means), sum(means), sum(m * m for m in means))
    return replace(across_people, n=sum(len(deltas) for deltas in per_person.values()))
