"""RR cleaning: Lipponen & Tarvainen (2019) classification and the threshold rule."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from attune.core import clean_rr, time_domain
from tests.shared_data import shared_data

POLAR = "rr/polar_h10_device_rr.csv"
NSR_SHORT = "rr/pyhrv_SampleNNISeriesShort_ms.txt"


def sinus(n: int = 300, seed: int = 1) -> np.ndarray:
    """Sinus-like RR: 850 ms, a gentle 0.25 Hz swing and a little noise."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    return np.asarray(850.0 + 25.0 * np.sin(2 * np.pi * i / 4.0) + rng.normal(0, 5, n), dtype=np.float64)


def test_it_flags_a_premature_beat_as_ectopic_and_keeps_the_beats_around_it_in_place() -> None:
    rr = sinus()
    rr[150], rr[151] = 560.0, 1140.0
    out = clean_rr(rr)
    assert out.flags[150] == "ectopic"
    assert out.n_flagged == 1
    assert {150, 151} <= set(out.changed_indices.tolist())
    assert out.nn_ms.size == rr.size
    assert_allclose(out.nn_ms[150:152].sum(), 1700.0, rtol=1e-12)
    assert_allclose(out.nn_ms[150:152], 850.0, atol=60.0)
    assert_allclose(out.artifact_percent, 100.0 / rr.size, rtol=1e-12)


def test_it_splits_a_missed_beat_into_two_intervals() -> None:
    rr = sinus()
    rr = np.concatenate((rr[:100], [1700.0], rr[101:]))
    out = clean_rr(rr)
    assert out.flags[100] == "missed"
    assert out.nn_ms.size == rr.size + 1
    assert_allclose(out.nn_ms[100:102], 850.0, rtol=1e-12)


def test_it_merges_an_extra_beat_into_one_interval() -> None:
    rr = sinus()
    rr = np.concatenate((rr[:100], [420.0, 430.0], rr[101:]))
    out = clean_rr(rr)
    assert out.flags[100] == "extra"
    assert out.counts["extra"] == 1
    assert out.nn_ms.size == rr.size - 1
    assert_allclose(out.nn_ms[100], 850.0, rtol=1e-12)


def test_it_calls_a_lone_long_interval_long_short_and_interpolates_it() -> None:
    rr = sinus()
    rr[200] = 1250.0
    out = clean_rr(rr)
    assert out.flags[200] == "long-short"
    assert_allclose(out.nn_ms[200], 850.0, atol=60.0)


def test_it_leaves_clean_sinus_rhythm_alone() -> None:
    rr = sinus(seed=7)
    out = clean_rr(rr)
    assert out.n_flagged == 0
    assert out.changed_indices.size == 0
    assert_allclose(out.nn_ms, rr, rtol=0)


def test_it_flags_almost_nothing_in_a_real_normal_sinus_recording() -> None:
    out = clean_rr(np.loadtxt(shared_data(NSR_SHORT)))
    assert out.artifact_percent < 2.0


# A steady rise of about 8 ms a beat from the very first interval, then a gentle swing.
RISING_START = [653, 661, 684, 691, 699, 707, 707, 714, 722, 730, 738, 730, 722, 714, 707, 699, 707, 714, 722, 714]


@pytest.mark.parametrize("rr", [RISING_START, RISING_START[::-1]], ids=["rise-at-the-start", "fall-at-the-end"])
def test_a_steady_trend_at_either_end_is_not_an_artifact(rr: list[int]) -> None:
    # The 11-beat median ran off the series and lagged the trend, so 653 ms was flagged and then
    # extrapolated to 631 ms, away from its neighbour (issue 8).
    out = clean_rr(rr)
    assert out.flags == (None,) * 20
    assert out.changed_indices.size == 0
    assert_allclose(out.nn_ms, rr, rtol=0)


def test_a_trend_at_the_start_does_not_hide_a_premature_first_beat() -> None:
    rr = np.asarray(RISING_START, dtype=np.float64)
    rr[0], rr[1] = 420.0, 894.0  # a premature beat and its compensatory pause
    out = clean_rr(rr)
    assert out.flags[0] is not None and out.flags[1] is not None
    assert out.flags[2:] == (None,) * 18
    # Both take the nearest normal interval (684 ms), then keep their 1314 ms between them.
    assert_allclose(out.nn_ms[:3], [657.0, 657.0, 684.0], rtol=1e-12)


@pytest.mark.parametrize(("where", "value"), [(0, 1300.0), (0, 520.0), (-1, 1300.0), (-1, 520.0)])
def test_a_correction_at_either_end_stays_within_its_neighbours(where: int, value: float) -> None:
    rr = np.linspace(700.0, 900.0, 60)  # a steady slowing, so that an extrapolation would overshoot
    rr[where] = value
    out = clean_rr(rr)
    assert out.flags[where] is not None
    assert out.nn_ms.size == rr.size
    # The nearest normal interval is the bound: 703.4 ms at the start, 896.6 ms at the end.
    expected = 700.0 + 200.0 / 59 if where == 0 else 900.0 - 200.0 / 59
    assert_allclose(out.nn_ms[where], expected, rtol=1e-12)


def test_the_threshold_rule_flags_beats_far_from_the_local_median() -> None:
    rr = sinus()
    rr[50] = 1300.0
    rr[120] = 600.0
    out = clean_rr(rr, method="threshold")
    assert [i for i, f in enumerate(out.flags) if f] == [50, 120]
    assert out.settings["threshold_s"] == 0.25
    assert_allclose(out.nn_ms[[50, 120]], 850.0, atol=60.0)


def test_it_flags_the_premature_beat_couplets_in_the_polar_h10_stream() -> None:
    rr = np.loadtxt(shared_data(POLAR), delimiter=",", skiprows=1, usecols=2)
    out = clean_rr(rr)
    # 774 ms, then two premature beats (413, 375 ms) and the compensatory pause (1196 ms).
    assert_allclose(rr[55:59], [774, 413, 375, 1196])
    assert all(out.flags[i] is not None for i in (56, 57, 58))
    # A second couplet later in the stream (445, 384, then 1184 ms). 445 + 384 ms is close to
    # the local median, so the paper's extra-beat rule merges the pair: the first interval is
    # flagged, both are changed (docs/hrv.md).
    j = int(np.flatnonzero((rr[:-2] == 445) & (rr[1:-1] == 384) & (rr[2:] == 1184))[0])
    assert out.flags[j] is not None and out.flags[j + 2] is not None
    assert {j, j + 1, j + 2} <= set(out.changed_indices.tolist())
    raw, cleaned = time_domain(rr), time_domain(out.nn_ms)
    assert raw.rmssd_ms > 400.0
    assert 10.0 < cleaned.rmssd_ms < 40.0
    assert out.artifact_percent > 25.0


def test_the_result_is_frozen_and_its_arrays_are_read_only() -> None:
    out = clean_rr(sinus())
    with pytest.raises(dataclasses.FrozenInstanceError):
        out.artifact_percent = 0.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        out.nn_ms[0] = 1.0
    with pytest.raises(TypeError):
        out.counts["ectopic"] = 0  # type: ignore[index]


@pytest.mark.parametrize("rr", [[], [800.0], [800.0, 810.0]])
def test_it_rejects_too_few_intervals_and_says_how_many_are_needed(rr: list[float]) -> None:
    with pytest.raises(ValueError, match="at least 3 RR intervals"):
        clean_rr(rr)


def test_it_rejects_an_unknown_method() -> None:
    with pytest.raises(ValueError, match="lipponen2019"):
        clean_rr(sinus(), method="magic")  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [3, 10, 91, 300, 5000])
def test_the_sliding_quartiles_and_median_equal_scipys_filters(n: int) -> None:
    from scipy.ndimage import median_filter, percentile_filter

    from attune.core.artifacts import _NUMPY_RANK_MAX, _numpy_rank_filter, rank_filter

    x = np.round(800 + 30 * np.random.default_rng(n).standard_normal(n))  # integer ms: many ties
    for size in {min(91, n), min(11, n), min(10, n)}:
        ranks = (size * 25 // 100, size * 75 // 100, size // 2)
        # numpy's own path (taken while scipy.ndimage is not imported), where it is used, and rank_filter
        for q1, q3, med in [rank_filter(x, size, ranks)] + ([_numpy_rank_filter(x, size, ranks)]
                                                            if n <= _NUMPY_RANK_MAX else []):
            assert_array_equal(q1, percentile_filter(x, 25, size=size, mode="reflect"))
            assert_array_equal(q3, percentile_filter(x, 75, size=size, mode="reflect"))
            assert_array_equal(med, median_filter(x, size=size, mode="reflect"))


def _local_median_per_element(rr: np.ndarray, size: int) -> np.ndarray:
    """The ends' medians one interval at a time, as _local_median computed them before."""
    from attune.core.artifacts import rank_filter

    med = np.asarray(rank_filter(rr, size, (size // 2,))[0], dtype=np.float64)
    half = size // 2
    if rr.size < size or half == 0:
        return med
    for start, edge in ((0, range(half)), (rr.size - size, range(rr.size - half, rr.size))):
        window = rr[start : start + size]
        slope = float(np.median(np.diff(window)))
        beats = np.arange(start, start + size)
        for i in edge:
            med[i] = float(np.median(window - slope * (beats - i)))
    return med


@pytest.mark.parametrize("size", [1, 2, 4, 11, 12])
def test_the_ends_medians_taken_together_equal_those_taken_one_by_one(size: int) -> None:
    from attune.core.artifacts import _local_median

    rng = np.random.default_rng(size)
    for rr in [np.asarray(RISING_START, dtype=np.float64), *(rng.normal(800, 60, n) for n in (3, 11, 12, 40, 500))]:
        assert np.array_equal(_local_median(rr, min(size, rr.size)), _local_median_per_element(rr, min(size, rr.size)))
