"""Poincaré, DFA and sample entropy, and their cost on long recordings."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose

from attune.core import dfa_alpha, nonlinear, poincare, sample_entropy, time_domain


def test_sd1_is_sdsd_over_root_two() -> None:
    rng = np.random.default_rng(0)
    nn = 800 + 40 * rng.standard_normal(500)
    sd1, sd2 = poincare(nn)
    td = time_domain(nn)
    assert_allclose(sd1, td.sdsd_ms / math.sqrt(2), rtol=1e-12)
    assert_allclose(sd2**2 + sd1**2, 2 * td.sdnn_ms**2, rtol=0.02)


def test_dfa_alpha1_is_one_half_for_white_noise_and_three_halves_for_a_random_walk() -> None:
    rng = np.random.default_rng(1)
    white = 800 + 30 * rng.standard_normal(5000)
    walk = 800 + np.cumsum(rng.standard_normal(5000))
    assert_allclose(dfa_alpha(white), 0.5, atol=0.1)
    assert_allclose(dfa_alpha(walk), 1.5, atol=0.15)


def test_sample_entropy_is_lower_for_a_regular_rhythm_than_for_noise() -> None:
    rng = np.random.default_rng(2)
    regular = 800 + 50 * np.sin(np.arange(300) * 2 * np.pi / 10) + rng.standard_normal(300)
    noise = 800 + 50 * rng.standard_normal(300)
    assert sample_entropy(regular) < 0.5 < 1.5 < sample_entropy(noise)


def test_sample_entropy_counts_template_matches_by_hand() -> None:
    # Period-3 sequence: every template of length 2 and 3 recurs exactly, so A / B is
    # the ratio of matching pairs among the first N - m templates.
    x = np.tile([1.0, 2.0, 3.0], 4)  # N = 12, m = 2 -> 10 templates
    # Templates of length 2 fall into classes of sizes 4, 3, 3 -> B = 6 + 3 + 3 = 12.
    # Length 3 (first 10 starts): classes 4, 3, 3 -> A = 12. SampEn = -ln(1) = 0.
    assert sample_entropy(x, m=2, r=0.2) == 0.0


def test_nonlinear_reports_its_settings_and_uses_segments() -> None:
    rng = np.random.default_rng(3)
    nl = nonlinear(800 + 30 * rng.standard_normal(1000))
    assert nl.sample_entropy_segments == 3
    assert nl.sample_entropy_segment_beats == 300
    assert nl.dfa_alpha1_scales == (4, 16)
    assert math.isfinite(nl.dfa_alpha2)


def test_a_day_of_beats_stays_in_bounded_memory() -> None:
    rng = np.random.default_rng(4)
    nn = 800 + 30 * rng.standard_normal(100_000)
    tracemalloc.start()
    try:
        nonlinear(nn)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # A full N x N distance matrix would need 80 GB; the segmented version needs a few MB.
    assert peak < 50e6


def test_it_rejects_too_few_beats() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        nonlinear([800.0] * 20)


def _sample_entropy_by_definition(x: np.ndarray, m: int, r: float) -> float:
    """Every pair of the first N - m templates compared directly (Richman and Moorman)."""
    tol = r * np.std(x, ddof=1)
    k = x.size - m
    b = a = 0
    for i in range(k):
        for j in range(i + 1, k):
            if np.max(np.abs(x[i : i + m] - x[j : j + m])) <= tol:
                b += 1
                a += abs(x[i + m] - x[j + m]) <= tol
    return -math.log(a / b) if a and b else float("nan")


@pytest.mark.parametrize("m", [1, 2, 3])
@pytest.mark.parametrize("kind", ["noise", "integer ms with ties", "sine"])
def test_sample_entropy_equals_the_pairwise_definition(m: int, kind: str) -> None:
    rng = np.random.default_rng(7)
    x = {
        "noise": 800 + 40 * rng.standard_normal(120),
        "integer ms with ties": np.round(800 + 10 * rng.standard_normal(120)),
        "sine": 800 + 50 * np.sin(np.arange(120) / 3.0),
    }[kind]
    assert_allclose(sample_entropy(x, m=m, r=0.2), _sample_entropy_by_definition(x, m, 0.2), rtol=1e-12)


def test_segmented_sample_entropy_is_the_median_of_the_segments() -> None:
    rng = np.random.default_rng(8)
    nn = 800 + 30 * rng.standard_normal(3 * 300 + 17)
    expected = np.median([sample_entropy(nn[i : i + 300]) for i in range(0, 900, 300)])
    assert_allclose(nonlinear(nn).sample_entropy, expected, rtol=1e-12)
