"""Breathing rate from respiratory sinus arrhythmia."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from attune.core import breathing_rate


def modulated_rr(freq_hz: float, amp_ms: float, duration_s: float = 120.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out, t = [], 0.0
    while t < duration_s:
        v = 850.0 + amp_ms * np.sin(2 * np.pi * freq_hz * t) + rng.normal(0, 5)
        out.append(v)
        t += v / 1000.0
    return np.array(out)


@pytest.mark.parametrize("breaths_per_min", [4.5, 6.0, 10.0, 15.0, 24.0])
def test_it_recovers_the_breathing_rate_from_the_heart_rhythm(breaths_per_min: float) -> None:
    br = breathing_rate(modulated_rr(breaths_per_min / 60.0, 40.0))
    assert_allclose(br.rate_bpm, breaths_per_min, atol=0.3)
    assert br.peak_fraction > 0.5
    assert br.resolution_bpm == pytest.approx(60 * 2 / 512)


def test_averaging_over_a_session_gives_the_same_rate() -> None:
    br = breathing_rate(modulated_rr(0.1, 40.0, duration_s=300.0), average=True)
    assert br.windows >= 7
    assert_allclose(br.rate_bpm, 6.0, atol=0.3)


def test_it_needs_a_full_window() -> None:
    with pytest.raises(ValueError, match="at least 64 s"):
        breathing_rate([850.0] * 30)
