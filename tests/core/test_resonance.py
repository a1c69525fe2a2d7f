"""Resonance-rate assessment."""

from __future__ import annotations

import numpy as np
import pytest

from attune.core import BreathingSegment, assess_resonance


def paced(rate_bpm: float, swing_ms: float, noise_ms: float = 8.0, seconds: float = 120.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    f = rate_bpm / 60.0
    out, t = [], 0.0
    while t < seconds:
        v = 850.0 + swing_ms * np.sin(2 * np.pi * f * t) + rng.normal(0, noise_ms)
        out.append(v)
        t += v / 1000.0
    return np.array(out)


SWINGS = {6.5: 40.0, 6.0: 60.0, 5.5: 90.0, 5.0: 60.0, 4.5: 35.0}


def test_it_picks_the_rate_with_the_largest_smooth_swing() -> None:
    segs = [BreathingSegment(r, paced(r, s, seed=i)) for i, (r, s) in enumerate(SWINGS.items())]
    result = assess_resonance(segs)
    assert result.best_rate_bpm == 5.5
    assert [e.rate_bpm for e in result.rates] == list(SWINGS)
    best = next(e for e in result.rates if e.rate_bpm == 5.5)
    assert best.score == max(e.score for e in result.rates)
    assert best.peak_to_trough_bpm == max(e.peak_to_trough_bpm for e in result.rates)
    assert best.lf_peak_power_ms2 == max(e.lf_peak_power_ms2 for e in result.rates)
    assert best.lf_peak_hz == pytest.approx(5.5 / 60, abs=0.005)
    assert best.single_peak and best.phase_synchrony > 0.9
    assert len(result.criteria) == 4


def test_peak_to_trough_is_in_beats_per_minute() -> None:
    # 850 +/- 90 ms is 60000/940 = 63.8 to 60000/760 = 78.9 bpm: a swing of 15.1 bpm.
    result = assess_resonance([BreathingSegment(5.5, paced(5.5, 90.0, noise_ms=0.0))])
    assert result.rates[0].peak_to_trough_bpm == pytest.approx(60000 / 760 - 60000 / 940, abs=0.5)


def test_a_rhythm_that_drifts_from_the_pacer_scores_low_on_phase_synchrony() -> None:
    steady = assess_resonance([BreathingSegment(6.0, paced(6.0, 60.0))]).rates[0]
    drifting = assess_resonance([BreathingSegment(6.0, paced(7.0, 60.0))]).rates[0]
    assert steady.phase_synchrony > 0.9 > 0.6 > drifting.phase_synchrony


def test_two_rhythms_are_not_a_single_peak() -> None:
    rr = paced(6.0, 50.0, noise_ms=0.0)
    t = np.cumsum(rr) / 1000.0
    rr = rr + 45.0 * np.sin(2 * np.pi * 0.22 * t)
    ev = assess_resonance([BreathingSegment(6.0, rr)]).rates[0]
    assert not ev.single_peak
    assert ev.second_peak_ratio > 0.5


def test_it_rejects_no_segments_and_short_ones() -> None:
    with pytest.raises(ValueError, match="at least one"):
        assess_resonance([])
    with pytest.raises(ValueError, match="at least 60 s"):
        assess_resonance([BreathingSegment(6.0, paced(6.0, 50.0, seconds=30.0))])
