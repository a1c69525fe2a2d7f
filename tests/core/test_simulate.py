"""The simulated strap: the demo's heartbeats behave like the browser's demo strap."""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass

import pytest

from attune.core.simulate import lung_level, rsa_swing_bpm, simulate_rr


@dataclass(frozen=True)
class BreathPattern:
    inhale_s: float
    exhale_s: float
    hold_in_s: float = 0.0
    hold_out_s: float = 0.0


def test_the_simulated_strap_swings_most_near_its_resonance_rate_and_adds_premature_beats() -> None:
    def spread(rate: float) -> float:
        """The spread of heart rate (bpm) over 5 minutes of paced breathing without premature beats."""
        cycle = 60 / rate
        pacer = BreathPattern(0.4 * cycle, 0.6 * cycle)
        rr = simulate_rr(300, random.Random(3), pacer=pacer, resonance_bpm=5.5, premature_every_s=(1e6, 1e6))
        return statistics.pstdev(60000 / x for x in rr)

    rr = simulate_rr(300, random.Random(1), premature_every_s=(60, 60))
    assert 290_000 <= sum(rr) <= 302_000
    short = [i for i in range(1, len(rr) - 1) if rr[i] < 0.7 * rr[i - 1]]
    assert 3 <= len(short) <= 5
    for i in short:  # a premature beat and its compensatory pause span about two ordinary beats (not 1.6)
        assert abs(rr[i] + rr[i + 1] - 2 * rr[i - 1]) < 0.1 * 2 * rr[i - 1]
    assert spread(5.5) > 2 * spread(12.0)
    assert spread(5.5) > spread(4.5) > spread(12.0)


def test_the_swing_peaks_at_the_resonance_rate_like_the_browser_strap() -> None:
    # demo-strap.js: 3 + 11 * exp(-(((hz - 0.1) / 0.04) ** 2)); 14 bpm at 0.1 Hz, about 3 at 0.2 Hz.
    assert rsa_swing_bpm(0.1) == pytest.approx(14.0)
    assert rsa_swing_bpm(0.2) == pytest.approx(3.0 + 11.0 * 2.718281828**-6.25, rel=1e-6)


def test_the_same_seed_gives_the_same_beats_and_bad_input_is_refused() -> None:
    assert simulate_rr(60, random.Random(5)) == simulate_rr(60, random.Random(5))
    with pytest.raises(ValueError, match="duration_s"):
        simulate_rr(0, random.Random(1))
    with pytest.raises(ValueError, match="inhale_s"):
        lung_level(BreathPattern(0.0, 5.0), 1.0)


def test_the_lungs_fill_hold_and_empty_in_step_with_the_pattern() -> None:
    pattern = BreathPattern(inhale_s=4.0, exhale_s=4.0, hold_in_s=2.0, hold_out_s=2.0)
    levels = [lung_level(pattern, t) for t in (0.0, 2.0, 4.0, 5.0, 6.0, 8.0, 10.0, 11.0, 12.0)]
    assert levels == pytest.approx([0.0, 0.5, 1.0, 1.0, 1.0, 0.5, 0.0, 0.0, 0.0])
