"""The personal baseline, weekly ranges and the Fisher-z correlation, on constructed data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from attune.core.baseline import CALIBRATION_READINGS, correlation, daily_baseline, weekly_ranges


def test_the_rolling_mean_covers_the_seven_days_ending_on_each_day() -> None:
    days = np.arange(10)
    values = np.arange(10, dtype=float)  # 0, 1, ..., 9
    b = daily_baseline(days, values)
    # Day 9's window is days 3..9: mean 6. Day 2's is days 0..2: mean 1.
    assert_allclose(b.rolling_mean[9], 6.0, rtol=1e-12)
    assert_allclose(b.rolling_mean[2], 1.0, rtol=1e-12)


def test_missing_days_are_left_out_of_the_windows_not_counted_as_zero() -> None:
    b = daily_baseline([0, 5, 6, 20], [4.0, 2.0, 3.0, 10.0])
    assert_allclose(b.rolling_mean[:3], [4.0, 3.0, 3.0], rtol=1e-12)
    assert_allclose(b.rolling_mean[3], 10.0, rtol=1e-12)  # days 14..20 hold only day 20


def test_a_days_readings_are_averaged_into_one_value() -> None:
    b = daily_baseline([3, 1, 3], [2.0, 7.0, 4.0])
    assert_array_equal(b.day, [1, 3])
    assert_allclose(b.value, [7.0, 3.0], rtol=1e-12)
    assert_array_equal(b.readings, [1, 2])


def test_the_normal_band_is_the_mean_and_sample_sd_of_the_last_sixty_days() -> None:
    rng = np.random.default_rng(7)
    days = np.arange(100)
    values = rng.normal(4.0, 0.3, size=100)
    b = daily_baseline(days, values)
    window = values[40:100]  # days 40..99
    assert_allclose(b.normal_mean[-1], window.mean(), rtol=1e-12)
    assert_allclose(b.normal_sd[-1], window.std(ddof=1), rtol=1e-12)
    assert_allclose(b.normal_low[-1], window.mean() - window.std(ddof=1), rtol=1e-12)
    assert_allclose(b.normal_high[-1], window.mean() + window.std(ddof=1), rtol=1e-12)


def test_a_steady_signal_with_known_spread_gives_a_band_of_that_spread() -> None:
    # Alternating 3.9 and 4.1 every day: mean 4.0, sample SD close to 0.1 over 60 days.
    days = np.arange(120)
    values = np.where(days % 2 == 0, 3.9, 4.1)
    b = daily_baseline(days, values)
    assert_allclose(b.normal_mean[-1], 4.0, rtol=1e-12)
    assert_allclose(b.normal_sd[-1], 0.1 * math.sqrt(60 / 59), rtol=1e-9)


def test_a_single_reading_has_no_spread() -> None:
    b = daily_baseline([0], [4.0])
    assert math.isnan(b.normal_sd[0])
    assert b.calibrating[0]


def test_it_calibrates_until_fourteen_days_have_readings() -> None:
    days = np.arange(0, 40, 2)  # every other day: 20 readings
    b = daily_baseline(days, np.full(days.size, 4.0))
    assert CALIBRATION_READINGS == 14
    assert b.calibrating[:13].all()
    assert not b.calibrating[13:].any()


def test_several_readings_on_one_day_count_as_one_toward_calibration() -> None:
    b = daily_baseline(np.repeat(np.arange(10), 3), np.full(30, 4.0))
    assert b.readings[-1] == 10
    assert b.calibrating.all()


@pytest.mark.parametrize(
    ("day", "value"),
    [([0, 1], [1.0]), ([0, 1], [1.0, float("nan")]), ([0.5, 1], [1.0, 2.0]), ([[0]], [[1.0]])],
)
def test_it_refuses_malformed_input(day: object, value: object) -> None:
    with pytest.raises(ValueError):
        daily_baseline(day, value)  # type: ignore[arg-type]


def test_no_readings_give_an_empty_baseline() -> None:
    b = daily_baseline([], [])
    assert len(b) == 0


def test_weeks_start_on_monday() -> None:
    # Day 4 (1970-01-05) was a Monday; days 4..10 are one week, day 11 starts the next.
    w = weekly_ranges([3, 4, 7, 10, 11], [1.0, 2.0, 6.0, 4.0, 9.0])
    assert_array_equal(w.week_start, [-3, 4, 11])
    assert_array_equal(w.n, [1, 3, 1])
    assert_allclose(w.mean, [1.0, 4.0, 9.0], rtol=1e-12)
    assert_allclose(w.low, [1.0, 2.0, 9.0], rtol=1e-12)
    assert_allclose(w.high, [1.0, 6.0, 9.0], rtol=1e-12)


def test_a_perfectly_linear_pair_correlates_at_one_with_a_narrow_interval() -> None:
    x = np.arange(30, dtype=float)
    c = correlation(x, 2 * x + 1)
    assert_allclose(c.r, 1.0, rtol=1e-12)
    assert c.high <= 1.0 and c.low > 0.99


def test_the_interval_matches_fishers_formula() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=50)
    y = 0.5 * x + rng.normal(size=50)
    c = correlation(x, y)
    r = float(np.corrcoef(x, y)[0, 1])
    half = 1.959963984540054 / math.sqrt(47)
    assert c.n == 50
    assert_allclose(c.r, r, rtol=1e-12)
    assert_allclose([c.low, c.high], [math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half)], rtol=1e-9)
    assert c.low < c.r < c.high


def test_unrelated_series_give_an_interval_that_spans_zero() -> None:
    rng = np.random.default_rng(11)
    c = correlation(rng.normal(size=20), rng.normal(size=20))
    assert not c.excludes_zero


def test_the_interval_narrows_as_pairs_accumulate() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=400)
    y = 0.4 * x + rng.normal(size=400)
    small, large = correlation(x[:20], y[:20]), correlation(x, y)
    assert large.high - large.low < small.high - small.low


@pytest.mark.parametrize(("x", "y"), [([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]), ([1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0])])
def test_it_refuses_too_few_pairs_or_a_constant_series(x: list[float], y: list[float]) -> None:
    with pytest.raises(ValueError):
        correlation(x, y)
