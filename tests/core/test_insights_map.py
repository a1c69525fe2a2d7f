"""The personal map: partial pooling, "not enough yet", intervals that keep their promise."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from insights_data import LIBRARY, exact, outcome, sessions

from attune.core.insights.hierarchy import Hyper
from attune.core.insights.personal_map import INTERVAL_LEVEL, MIN_SESSIONS, personal_map
from attune.core.insights.records import COMPANY, STATES, PracticeOutcome


def activated_member(lucky: list[float]) -> list[PracticeOutcome]:
    """From activated: 'animal' seen twice, 'longer-out' 20 times at +2, three others near +1."""
    out = sessions("animal", "activated", lucky) + sessions("longer-out", "activated", exact(2.0, 1.5, 20), 2)
    out += sessions("hand-on-heart", "activated", exact(0.8, 1.5, 6), 30)
    out += sessions("walking", "activated", exact(1.0, 1.5, 6), 40)
    return out + sessions("nature-sit", "activated", exact(0.5, 1.5, 5), 50)


def test_two_lucky_sessions_at_plus_three_do_not_outrank_twenty_at_plus_two() -> None:
    rows = personal_map(activated_member([3.0, 3.0]), LIBRARY).for_state("activated")
    keys = [r.key for r in rows]
    lucky, steady = rows[keys.index("animal")], rows[keys.index("longer-out")]
    assert keys[0] == "longer-out"
    assert lucky.raw_mean == 3.0 and steady.raw_mean == pytest.approx(2.0)
    # Shrinkage alone puts it below, not only the "not enough yet" threshold.
    assert lucky.change.mean < steady.change.mean
    assert lucky.change.high - lucky.change.low > steady.change.high - steady.change.low


@pytest.mark.parametrize("seed", range(20))
def test_a_practice_seen_twice_with_a_true_plus_three_is_never_listed_above_one_seen_twenty_times(seed: int) -> None:
    rng = np.random.default_rng(seed)
    member = activated_member(list(np.clip(np.round(rng.normal(3.0, 1.5, 2)), -4, 6)))
    keys = [r.key for r in personal_map(member, LIBRARY).for_state("activated")]
    assert keys.index("longer-out") < keys.index("animal")


def test_rows_below_the_threshold_read_not_enough_yet_and_come_last() -> None:
    out = sessions("animal", "shut_down", [4.0] * (MIN_SESSIONS - 1)) + sessions(
        "mirror", "shut_down", [0.5] * MIN_SESSIONS
    )
    rows = personal_map(out, LIBRARY).for_state("shut_down")
    assert [(r.key, r.enough) for r in rows] == [("mirror", True), ("animal", False)]
    assert rows[0].n == MIN_SESSIONS and rows[1].n == MIN_SESSIONS - 1


def test_with_no_sessions_there_are_no_rows_and_the_states_read_not_enough() -> None:
    m = personal_map([], LIBRARY)
    assert m.practices == () and m.conditions == ()
    assert [(r.key, r.n, r.enough, r.raw_mean) for r in m.states] == [(s, 0, False, None) for s in STATES]
    assert all(r.change.low < 0.0 < r.change.high and r.change.level == INTERVAL_LEVEL for r in m.states)


def test_condition_rows_sum_their_practices() -> None:
    out = sessions("hand-on-heart", "activated", [1.0, 2.0]) + sessions("holding", "activated", [3.0], 5)
    (row,) = personal_map(out, LIBRARY).for_state("activated", kind="condition")
    assert (row.key, row.n, row.raw_mean) == ("gentle-touch", 3, pytest.approx(2.0))


def test_ended_settled_is_pooled_so_two_of_two_is_not_certainty() -> None:
    out = [outcome("animal", "shut_down", 2.0, i, after_state="settled") for i in range(2)]
    out += [outcome("mirror", "shut_down", 0.0, 10 + i, after_state="shut_down") for i in range(10)]
    m = personal_map(out, LIBRARY)
    animal, mirror = m.row("shut_down", "animal"), m.row("shut_down", "mirror")
    assert animal is not None and mirror is not None
    assert (animal.settled_count, animal.rated) == (2, 2)
    assert 0.2 < animal.settled.mean < 0.8 and animal.settled.high < 1.0
    assert mirror.settled.mean < animal.settled.mean
    assert 0.0 < mirror.settled.low < mirror.settled.mean < mirror.settled.high


def test_it_rejects_impossible_readings_and_levels() -> None:
    with pytest.raises(ValueError, match="safety_after"):
        PracticeOutcome("animal", "beyond-people", "activated", 5.0, 11.0, None, dt.datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="state_before"):
        PracticeOutcome("animal", "beyond-people", "calm", 5.0, 6.0, None, dt.datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="level"):
        personal_map([], LIBRARY, level=1.0)


TRUE = Hyper(noise_sd=1.4, context_sd=0.3, practice_sd=0.6, condition_sd=0.5, state_sd=0.8)


def simulated_member(rng: np.random.Generator, n: int) -> tuple[list[PracticeOutcome], dict[tuple[str, str], float]]:
    """Sessions drawn from the hierarchy itself with TRUE standard deviations; returns them and the true means."""
    conditions = sorted({p.condition for p in LIBRARY})
    mu = rng.normal(1.0, 0.5)  # a plausible member; the root is pinned down by the data anyway
    truth: dict[tuple[str, str], float] = {}
    for state in STATES:
        m_s = mu + rng.normal(0.0, TRUE.state_sd)
        phi = {c: m_s + rng.normal(0.0, TRUE.condition_sd) for c in conditions}
        for p in LIBRARY:
            truth[state, p.slug] = phi[p.condition] + rng.normal(0.0, TRUE.practice_sd)
    leaf_effect: dict[tuple[str, str, str], float] = {}
    out = []
    for i in range(n):
        state, p = STATES[rng.integers(3)], LIBRARY[rng.integers(len(LIBRARY))]
        at = dt.datetime(2025, 1, 1) + dt.timedelta(days=i, hours=int(rng.integers(0, 24)))
        company = COMPANY[rng.integers(2)]
        before = float(rng.integers(0, 11))
        probe = PracticeOutcome(p.slug, p.condition, state, before, before, None, at, company)
        key = (state, p.slug, probe.context)
        if key not in leaf_effect:
            leaf_effect[key] = truth[state, p.slug] + rng.normal(0.0, TRUE.context_sd)
        change = leaf_effect[key] + rng.normal(0.0, TRUE.noise_sd)
        # The model is on the change itself, so readings are left unrounded and unclipped by shifting 'before'.
        before = 5.0 - change / 2.0
        out.append(PracticeOutcome(p.slug, p.condition, state, before, before + change, None, at, company))
    return out, truth


def test_ninety_percent_intervals_cover_the_truth_about_ninety_percent_of_the_time() -> None:
    covered = total = 0
    for seed in range(60):
        outcomes, truth = simulated_member(np.random.default_rng(1000 + seed), 120)
        for row in personal_map(outcomes, LIBRARY).practices:
            covered += row.change.low <= truth[row.state, row.key] <= row.change.high
            total += 1
    assert total > 1000
    assert 0.85 <= covered / total <= 0.95
