"""Frequency domain on analytic RR series."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from attune.core import FrequencySettings, frequency_domain
from attune.core._common import smoothness_priors_trend


def modulated_rr(freq_hz: float, amp_ms: float, duration_s: float = 600.0, base_ms: float = 900.0) -> np.ndarray:
    """RR intervals whose value follows base + amp * sin(2 pi f t) at each beat time t."""
    out, t = [], 0.0
    while t < duration_s:
        v = base_ms + amp_ms * np.sin(2 * np.pi * freq_hz * t)
        out.append(v)
        t += v / 1000.0
    return np.array(out)


@pytest.mark.parametrize("method", ["welch", "lomb"])
def test_an_rr_series_modulated_at_0_1_hz_peaks_at_0_1_hz(method: str) -> None:
    fd = frequency_domain(modulated_rr(0.1, 40.0), method=method)  # type: ignore[arg-type]
    assert_allclose(fd.lf_peak_hz, 0.1, atol=0.004)
    assert fd.lf_ms2 > 20 * fd.hf_ms2


@pytest.mark.parametrize("method", ["welch", "lomb"])
def test_the_band_power_of_a_sinusoid_is_half_its_squared_amplitude(method: str) -> None:
    fd = frequency_domain(modulated_rr(0.25, 30.0), method=method)  # type: ignore[arg-type]
    assert_allclose(fd.hf_ms2, 30.0**2 / 2, rtol=0.1)
    assert_allclose(fd.hf_peak_hz, 0.25, atol=0.004)


def test_normalised_units_follow_the_task_force_definition() -> None:
    rng = np.random.default_rng(3)
    fd = frequency_domain(900 + 30 * rng.standard_normal(700))
    assert_allclose(fd.lf_nu, 100 * fd.lf_ms2 / (fd.total_ms2 - fd.vlf_ms2), rtol=1e-12)
    assert_allclose(fd.lf_nu + fd.hf_nu, 100.0, rtol=1e-12)
    assert_allclose(fd.total_ms2, fd.vlf_ms2 + fd.lf_ms2 + fd.hf_ms2, rtol=1e-12)
    assert_allclose(fd.lf_percent + fd.hf_percent + fd.vlf_percent, 100.0, rtol=1e-12)
    assert_allclose(fd.lf_hf, fd.lf_ms2 / fd.hf_ms2, rtol=1e-12)


def test_the_settings_used_come_back_with_the_result_and_can_be_overridden() -> None:
    rr = modulated_rr(0.1, 40.0)
    assert frequency_domain(rr).settings == FrequencySettings()
    s = frequency_domain(rr, interpolation_hz=2.0, detrend="linear", window_s=120.0, overlap=0.25).settings
    assert (s.interpolation_hz, s.detrend, s.window_s, s.overlap) == (2.0, "linear", 120.0, 0.25)
    assert (s.detrend_lambda, s.interpolation, s.method) == (500.0, "cubic", "welch")


def test_smoothness_priors_detrending_removes_a_slow_drift_but_keeps_0_1_hz() -> None:
    rr = modulated_rr(0.1, 40.0)
    drift = np.linspace(0, 200, rr.size)
    with_drift = frequency_domain(rr + drift)
    assert_allclose(with_drift.lf_ms2, frequency_domain(rr).lf_ms2, rtol=0.1)


def test_the_banded_smoothness_priors_solver_equals_the_dense_formula() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(40).cumsum()
    lam = 10.0
    n = x.size
    d2 = np.diff(np.eye(n), n=2, axis=0)
    dense = np.linalg.solve(np.eye(n) + lam**2 * d2.T @ d2, x)
    assert_allclose(smoothness_priors_trend(x, lam), dense, rtol=1e-9, atol=1e-9)


def test_it_rejects_less_than_a_minute_of_beats_and_says_so() -> None:
    with pytest.raises(ValueError, match="at least 60 s"):
        frequency_domain([900.0] * 50)


def test_it_rejects_an_unknown_method() -> None:
    with pytest.raises(ValueError, match="welch"):
        frequency_domain(modulated_rr(0.1, 40.0), method="burg")  # type: ignore[arg-type]
