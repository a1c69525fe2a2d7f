"""The simulation: reproducible under a seed, and its truth behaves as documented."""

from __future__ import annotations

import numpy as np
from insights_data import LIBRARY

from attune.core.insights.simulation import TRUTH, draw_member, draw_sessions, run_rule, simulate


def test_the_same_seed_gives_the_same_figures() -> None:
    a, b = simulate(LIBRARY, seed=11, members=2, sessions=12), simulate(LIBRARY, seed=11, members=2, sessions=12)
    np.testing.assert_array_equal(a.learner_gain, b.learner_gain)
    np.testing.assert_array_equal(a.rule_gain, b.rule_gain)
    assert a.found_per_state == b.found_per_state
    c = simulate(LIBRARY, seed=12, members=2, sessions=12)
    assert not np.array_equal(a.rule_gain, c.rule_gain)


def test_synthetic_members_differ_by_person_and_by_state() -> None:
    rng = np.random.default_rng(0)
    effects = np.stack([draw_member(rng, LIBRARY).effect for _ in range(200)])  # (member, state, practice)
    population = [
        base + np.mean([means.get(p.condition, 0.0) for p in LIBRARY])
        for base, means in zip(TRUTH.state_base, TRUTH.condition_mean, strict=True)
    ]
    np.testing.assert_allclose(effects.mean(axis=(0, 2)), population, atol=0.15)
    best = effects.argmax(axis=2)  # each member's best practice per state
    assert len({tuple(row) for row in best}) > 50


def test_readings_stay_within_zero_and_ten() -> None:
    rng = np.random.default_rng(1)
    member = draw_member(rng, LIBRARY)
    sessions = draw_sessions(rng, member, 200)
    gains = np.array(run_rule(member, LIBRARY, sessions).gains)
    before = np.array([m.felt_safety for m in sessions.moments])
    assert np.all(before + gains >= 0) and np.all(before + gains <= 10)
