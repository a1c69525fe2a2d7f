"""The simulation's baseline is Today's fixed rule: the port agrees with attune.web.today.suggestion."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from attune.content.practices import load_library
from attune.core.insights.learner import screen
from attune.core.insights.records import COMPANY, STATES, Moment
from attune.core.insights.simulation import fixed_rule
from attune.web.today.suggestion import suggest

LIBRARY = load_library(Path(__file__).resolve().parents[2] / "content" / "practices").practices


def test_the_ported_rule_picks_what_todays_rule_picks_across_random_moments() -> None:
    rng = np.random.default_rng(3)
    for _ in range(300):
        moment = Moment(
            STATES[int(rng.integers(3))],
            5.0,
            dt.datetime(2025, 1, 1, 12),
            COMPANY[int(rng.integers(2))],
            consent=bool(rng.random() < 0.5),
        )
        allowed = [p for p in LIBRARY if screen(p, moment) is None]
        recent = [LIBRARY[int(i)].slug for i in rng.integers(0, len(LIBRARY), int(rng.integers(0, 7)))]
        web = suggest(moment.state, allowed, alone=moment.company == "alone", recent=recent)
        assert web is not None
        assert fixed_rule(allowed, moment, recent).slug == web.practice.slug
