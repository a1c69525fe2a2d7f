"""Plausible check-ins and practice sessions for a demo member (and the page benchmark).

Seeded, so the same seed and end date give the same history. The story is gentle: felt safety
drifts up a little over the weeks, with ordinary ups and downs; some days have no check-in;
slowing down and gentle touch tend to help this member most.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from attune.content.practices import Library, Practice
from attune.web.checkins.models import BodyArea, CheckIn, Context
from attune.web.practices.models import Outcome, PracticeSession
from attune.web.today.suggestion import suggest

# Typical change in felt safety from before to after, per condition, for this demo member.
EFFECT = {
    "slowing-down": 1.6,
    "gentle-touch": 1.3,
    "beyond-people": 1.1,
    "honest-conversation": 0.6,
    "soft-gaze": 0.4,
}
NOTES = (
    "Slept badly, jaw tight all morning.",
    "Walked by the river after lunch. Softer afterwards.",
    "Long meeting; noticed I was holding my breath.",
    "Call with my sister. Felt close.",
    "Quiet evening, cat on my lap.",
    "Couldn't settle, mind racing about Monday.",
    "Good talk at dinner, I listened more than usual.",
    "Felt far away from everyone today.",
)


def _clip(x: float, low: int, high: int) -> int:
    return max(low, min(high, round(x)))


def _state_for(safety: float, rng: random.Random) -> str:
    r = rng.random()
    if safety >= 6.5:
        return "settled" if r < 0.85 else "activated"
    if safety >= 4:
        return "activated" if r < 0.55 else ("settled" if r < 0.8 else "shut_down")
    return "shut_down" if r < 0.5 else "activated"


def build_history(
    user: Any,
    library: Library,
    *,
    days: int,
    end: dt.date,
    tz: dt.tzinfo,
    seed: int = 7,
    skip_day_chance: float = 0.15,
    session_chance: float = 0.65,
    not_after: dt.datetime | None = None,
) -> tuple[int, int]:
    """Create ``days`` days of history ending on ``end`` for ``user``; returns (check-ins, sessions).

    Nothing is dated after ``not_after`` (usually now), so the demo never shows the future.
    """
    rng = random.Random(seed)
    practices = library.practices
    checkins: list[CheckIn] = []
    sessions: list[PracticeSession] = []
    recent: list[str] = []
    for i in range(days):
        day = end - dt.timedelta(days=days - 1 - i)
        if rng.random() < skip_day_chance:
            continue
        trend = 4.6 + 1.8 * (i / max(1, days - 1))
        weekday_lift = 0.5 if day.weekday() >= 5 else 0.0
        n_checkins = 2 if rng.random() < 0.25 else 1
        for k in range(n_checkins):
            hour = 8 if k == 0 else 19
            when = dt.datetime.combine(day, dt.time(hour, rng.randrange(0, 60)), tzinfo=tz)
            if not_after is not None and when > not_after:
                continue
            safety = trend + weekday_lift + rng.gauss(0, 1.6)
            state = _state_for(safety, rng)
            signal = (safety - 5) / 2.5
            checkins.append(
                CheckIn(
                    user=user,
                    created_at=when,
                    updated_at=when,
                    state=state,
                    felt_safety=_clip(safety, 0, 10),
                    breath=_clip(3 + signal + rng.gauss(0, 0.8), 1, 5),
                    muscles=_clip(3 + signal + rng.gauss(0, 0.8), 1, 5),
                    attention=_clip(3 + signal + rng.gauss(0, 0.9), 1, 5),
                    felt_connection=_clip(safety + rng.gauss(-0.5, 1.5), 0, 10),
                    body_area=rng.choice(list(BodyArea.values)) if rng.random() < 0.35 else "",
                    context=rng.choice(list(Context.values)) if rng.random() < 0.5 else "",
                    note=rng.choice(NOTES) if rng.random() < 0.15 else "",
                )
            )
            if k == 0 and practices and rng.random() < session_chance:
                suggestion = suggest(state, practices, recent=recent)
                options: list[Practice] = [suggestion.practice, *suggestion.alternatives] if suggestion else []
                practice = rng.choice(options) if options else rng.choice(practices)
                recent = [practice.slug, *recent][:6]
                start = when + dt.timedelta(minutes=rng.randrange(5, 40))
                if not_after is not None and start + dt.timedelta(seconds=practice.total_seconds + 90) > not_after:
                    continue
                length = practice.total_seconds
                stopped = rng.random() < 0.08
                elapsed = int(length * (rng.uniform(0.3, 0.8) if stopped else 1.0))
                readings = rng.random() > 0.1
                before = _clip(safety + rng.gauss(0, 0.7), 0, 10)
                after = _clip(before + EFFECT[practice.condition] * (0.5 if stopped else 1) + rng.gauss(0, 1.0), 0, 10)
                pacer = next((s.pacer for s in practice.steps if s.pacer is not None), None)
                sessions.append(
                    PracticeSession(
                        user=user,
                        practice_slug=practice.slug,
                        practice_title=practice.title,
                        started_at=start,
                        ended_at=start + dt.timedelta(seconds=elapsed + rng.randrange(20, 90)),
                        outcome=Outcome.STOPPED if stopped else Outcome.COMPLETED,
                        elapsed_s=elapsed,
                        before_safety=before if readings else None,
                        before_state=state if readings else "",
                        after_safety=after if readings else None,
                        after_state=(_state_for(after, rng) if readings else ""),
                        pacer_inhale_s=pacer.inhale_s if pacer else None,
                        pacer_hold_in_s=pacer.hold_in_s if pacer else None,
                        pacer_exhale_s=pacer.exhale_s if pacer else None,
                        pacer_hold_out_s=pacer.hold_out_s if pacer else None,
                    )
                )
    CheckIn.objects.bulk_create(checkins, batch_size=500)
    PracticeSession.objects.bulk_create(sessions, batch_size=500)
    return len(checkins), len(sessions)
