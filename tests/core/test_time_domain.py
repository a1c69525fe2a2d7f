"""Time-domain indices against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from attune.core import time_domain

NN = [800.0, 860.0, 790.0, 900.0, 850.0]
# Differences: 60, -70, 110, -50 -> 4 differences, 3 of them above 50 ms (50 itself does not count).


def test_it_matches_the_formulas_on_a_small_series() -> None:
    td = time_domain(NN)
    d = np.array([60.0, -70.0, 110.0, -50.0])
    assert td.n_intervals == 5
    assert_allclose(td.mean_nn_ms, 840.0, rtol=1e-12)
    assert_allclose(td.mean_hr_bpm, np.mean(60000.0 / np.array(NN)), rtol=1e-12)
    assert_allclose(td.sdnn_ms, math.sqrt(np.sum((np.array(NN) - 840.0) ** 2) / 4), rtol=1e-12)
    assert_allclose(td.rmssd_ms, math.sqrt(np.sum(d**2) / 4), rtol=1e-12)
    assert_allclose(td.sdsd_ms, math.sqrt(np.sum((d - d.mean()) ** 2) / 3), rtol=1e-12)
    assert td.nn50 == 3
    assert_allclose(td.ln_rmssd, math.log(td.rmssd_ms), rtol=1e-12)
    assert_allclose(td.duration_s, 4.2, rtol=1e-12)


def test_pnn50_divides_by_the_number_of_differences() -> None:
    td = time_domain(NN)
    assert_allclose(td.pnn50_percent, 100.0 * 3 / 4, rtol=1e-12)


def test_a_difference_of_exactly_50_ms_does_not_count_toward_nn50() -> None:
    assert time_domain([800.0, 850.0, 800.0]).nn50 == 0


@pytest.mark.parametrize("nn", [[], [800.0, 810.0]])
def test_it_rejects_fewer_than_three_intervals(nn: list[float]) -> None:
    with pytest.raises(ValueError, match="at least 3"):
        time_domain(nn)


def test_it_rejects_non_positive_or_non_finite_values() -> None:
    with pytest.raises(ValueError, match="positive"):
        time_domain([800.0, 0.0, 810.0])
    with pytest.raises(ValueError, match="finite"):
        time_domain([800.0, float("nan"), 810.0])
