"""Full analysis of a recording."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose

from attune.core import analyze_rr, frequency_domain, time_domain
from tests.shared_data import shared_data

NSR_LONG = "rr/pyhrv_SampleNNISeriesLong_ms.txt"
POLAR = "rr/polar_h10_device_rr.csv"


def test_it_runs_every_part_on_an_hour_of_real_beats() -> None:
    rr = np.loadtxt(shared_data(NSR_LONG))
    report = analyze_rr(rr)
    assert report.frequency is not None and report.nonlinear is not None and report.breathing is not None
    assert report.notes == ()
    assert_allclose(report.time.rmssd_ms, time_domain(report.nn_ms).rmssd_ms, rtol=1e-12)
    assert_allclose(report.frequency.lf_ms2, frequency_domain(report.nn_ms).lf_ms2, rtol=1e-12)
    assert report.raw_time.n_intervals == rr.size


def test_it_reports_raw_and_cleaned_rmssd_for_the_polar_stream() -> None:
    rr = np.loadtxt(shared_data(POLAR), delimiter=",", skiprows=1, usecols=2)
    report = analyze_rr(rr)
    assert report.raw_time.rmssd_ms > 10 * report.time.rmssd_ms
    assert report.cleaning.counts["ectopic"] > 100


def test_a_short_recording_gets_time_domain_and_a_note_for_the_rest() -> None:
    report = analyze_rr([800.0, 810.0, 790.0, 805.0, 800.0])
    assert report.frequency is None and report.nonlinear is None and report.breathing is None
    assert any("at least 60 s" in n for n in report.notes)


def test_it_rejects_fewer_than_three_intervals() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        analyze_rr([800.0, 810.0])


def test_a_day_of_beats_is_analysed_in_bounded_memory() -> None:
    hour = np.loadtxt(shared_data(NSR_LONG))
    rng = np.random.default_rng(0)
    day = np.concatenate([hour + rng.normal(0, 5, hour.size) for _ in range(24)])
    tracemalloc.start()
    try:
        report = analyze_rr(day)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.time.n_intervals > 100_000
    assert peak < 200e6
