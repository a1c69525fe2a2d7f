"""The weekly reflection: counts, what helped, one gentle observation; no streaks, scores or guilt."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from insights_data import BY_SLUG, outcome

from attune.core.insights.records import STATES, CheckInRecord, PracticeOutcome
from attune.core.insights.reflection import weekly_reflection

MONDAY = dt.date(2025, 3, 3)
TITLES = {slug: p.title for slug, p in BY_SLUG.items()}


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour))


def test_it_counts_the_week_and_lists_what_helped_with_one_observation_from_the_data() -> None:
    checkins = [CheckInRecord(at(d, 8), "activated", 4.0) for d in (0, 1, 3)]
    checkins.append(CheckInRecord(at(8, 8), "shut_down", 2.0))  # next week: left out
    sessions = [outcome("longer-out", "activated", 2.0, 0), outcome("longer-out", "activated", 3.0, 3)]
    sessions.append(outcome("animal", "activated", -1.0, 6))
    r = weekly_reflection(checkins, sessions, MONDAY, TITLES)
    assert (r.checkins, r.days_with_checkin, r.practices) == (3, 3, 3)
    assert r.states == (("settled", 0), ("activated", 3), ("shut_down", 0))
    assert [(h.slug, h.n, h.change) for h in r.helped] == [("longer-out", 2, pytest.approx(2.5))]
    assert (
        r.observation
        == "From activated, a longer breath out lifted your felt safety by +2.5 on average over 2 sessions this week."
    )


def test_an_empty_week_is_met_without_guilt() -> None:
    r = weekly_reflection([], [], MONDAY)
    assert (r.checkins, r.practices, r.helped) == (0, 0, ())
    assert r.observation.startswith("Nothing was recorded this week, and that is fine.")


def test_a_clear_time_of_day_difference_is_noticed() -> None:
    checkins = [CheckInRecord(at(d, 8), "settled", 8.0) for d in range(3)]
    checkins += [CheckInRecord(at(d, 20), "activated", 4.0) for d in range(3)]
    r = weekly_reflection(checkins, [], MONDAY)
    assert r.observation.startswith("Your check-ins felt safest in the mornings this week (8.0 on average")


BANNED = re.compile(r"streak|score|miss|only|should|fail|behind|!|\bmust\b|works", re.IGNORECASE)


def test_no_observation_speaks_of_streaks_scores_or_guilt_across_random_weeks() -> None:
    rng = np.random.default_rng(2)
    seen = set()
    for _ in range(200):
        checkins = [
            CheckInRecord(
                at(int(rng.integers(7)), int(rng.integers(6, 23))), STATES[rng.integers(3)], float(rng.integers(11))
            )
            for _ in range(int(rng.integers(0, 8)))
        ]
        sessions: list[PracticeOutcome] = [
            outcome(
                str(rng.choice(list(BY_SLUG))),
                STATES[rng.integers(3)],
                float(rng.integers(-3, 5)),
                int(rng.integers(21)),
            )
            for _ in range(int(rng.integers(0, 6)))
        ]
        r = weekly_reflection(checkins, sessions, MONDAY, TITLES)
        assert not BANNED.search(r.observation), r.observation
        seen.add(r.observation.split(" ")[0])
    assert len(seen) >= 4  # several kinds of observation actually occur


def test_each_observation_says_which_it_is_so_another_language_can_word_it() -> None:
    empty = weekly_reflection([], [], MONDAY)
    assert (empty.observation_kind, empty.observation_values) == ("nothing", ())
    sessions = [outcome("longer-out", "activated", 2.0, 0), outcome("longer-out", "activated", 3.0, 3)]
    repeat = weekly_reflection([], sessions, MONDAY, TITLES)
    values = dict(repeat.observation_values)
    assert repeat.observation_kind == "repeat" and values["state"] == "activated" and values["n"] == 2
    assert values["change"] == pytest.approx(2.5) and values["title"] == TITLES["longer-out"]
    checkins = [CheckInRecord(at(d, 8), "settled", 8.0) for d in range(3)]
    checkins += [CheckInRecord(at(d, 20), "activated", 4.0) for d in range(3)]
    by_time = weekly_reflection(checkins, [], MONDAY)
    assert by_time.observation_kind == "time_of_day"
    assert dict(by_time.observation_values) == {"best": "morning", "worst": "evening", "best_mean": 8.0,
                                                "worst_mean": 4.0}
    common = weekly_reflection([CheckInRecord(at(0, 8), "shut_down", 3.0)], [], MONDAY)
    assert (common.observation_kind, common.observation_values) == ("common_state", (("state", "shut_down"),))
