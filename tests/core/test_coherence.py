"""Coherence ratio after McCraty."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from attune.core import coherence


def modulated_rr(freq_hz: float, amp_ms: float, duration_s: float = 120.0) -> np.ndarray:
    out, t = [], 0.0
    while t < duration_s:
        v = 900.0 + amp_ms * np.sin(2 * np.pi * freq_hz * t)
        out.append(v)
        t += v / 1000.0
    return np.array(out)


def test_a_pure_0_1_hz_rhythm_is_highly_coherent() -> None:
    c = coherence(modulated_rr(0.1, 50.0))
    assert c.ratio > 3.0
    assert c.peak_fraction > 0.75
    assert_allclose(c.peak_hz, 0.1, atol=0.004)


def test_white_noise_is_not_coherent() -> None:
    rng = np.random.default_rng(0)
    ratios = [coherence(900 + 50 * rng.standard_normal(150)).ratio for _ in range(20)]
    assert float(np.median(ratios)) < 0.4
    assert max(ratios) < 1.0


def test_the_pacer_locked_variant_measures_power_at_the_pacer() -> None:
    rr = modulated_rr(0.1, 50.0)
    on = coherence(rr, pacer_hz=0.1)
    off = coherence(rr, pacer_hz=0.2)
    assert on.pacer_hz == 0.1 and on.peak_hz == 0.1
    assert on.ratio > 3.0 > 0.2 > off.ratio


def test_it_states_its_bands_window_and_method() -> None:
    c = coherence(modulated_rr(0.1, 50.0))
    assert c.peak_band_hz == (0.04, 0.26)
    assert c.total_band_hz == (0.0033, 0.4)
    assert c.half_width_hz == 0.015
    assert c.window_s == 64.0
    assert "0.015 Hz" in c.method and "64 s" in c.method


def test_it_only_reads_the_last_window() -> None:
    rng = np.random.default_rng(1)
    noisy_start = 900 + 50 * rng.standard_normal(200)
    rr = np.concatenate((noisy_start, modulated_rr(0.1, 50.0, 70.0)))
    assert coherence(rr).ratio > 3.0


def test_it_needs_a_full_window_and_says_how_long() -> None:
    with pytest.raises(ValueError, match="at least 64 s"):
        coherence([900.0] * 60)


def test_it_rejects_a_pacer_outside_the_breathing_range() -> None:
    with pytest.raises(ValueError, match="pacer_hz"):
        coherence(modulated_rr(0.1, 50.0), pacer_hz=1.0)
