"""Frequency domain on analytic RR series."""

from __future__ import annotations

import numpy as np
import pytest
from lomb_reference import band_powers, lomb_by_direct_sums
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


@pytest.mark.parametrize(("freq_hz", "duration_s"), [(0.1, 1800.0), (0.25, 1800.0), (0.37, 400.0)])
def test_the_fast_lomb_scargle_equals_scipys_direct_sums_within_half_a_percent(
    freq_hz: float, duration_s: float
) -> None:
    clean = modulated_rr(freq_hz, 30.0, duration_s)
    rr = clean + 8.0 * np.random.default_rng(11).standard_normal(clean.size)
    fast = frequency_domain(rr, method="lomb")
    freqs, psd = lomb_by_direct_sums(rr)
    assert_allclose(fast.freqs_hz, freqs[freqs <= 0.5], rtol=1e-12)
    s = fast.settings
    reference = band_powers(freqs, psd, [s.vlf_hz, s.lf_hz, s.hf_hz])
    assert_allclose([fast.vlf_ms2, fast.lf_ms2, fast.hf_ms2], reference, rtol=5e-3)


def test_the_numpy_welch_equals_scipys() -> None:
    from scipy.signal import welch

    from attune.core.frequency import welch_psd

    x = np.random.default_rng(12).standard_normal(5000)
    for nperseg, noverlap, nfft in ((1200, 600, 2400), (301, 100, 601), (5000, 2500, 10000)):
        f_ref, p_ref = welch(x, fs=4.0, window="hann", nperseg=nperseg, noverlap=noverlap, nfft=nfft, detrend=False)
        f, p = welch_psd(x, 4.0, nperseg, noverlap, nfft)
        assert_allclose(f, f_ref, rtol=1e-12)
        assert_allclose(p, p_ref, rtol=1e-10)


@pytest.mark.parametrize("lapack", [True, False])
@pytest.mark.parametrize("n", [4, 5, 50, 3000])
def test_the_splines_equal_scipys_not_a_knot_and_pchip(n: int, lapack: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from scipy.interpolate import CubicSpline, PchipInterpolator

    import attune.core._common as common
    from attune.core._common import cubic_spline, pchip

    monkeypatch.setattr(common, "_use_lapack", lambda n: lapack)
    rng = np.random.default_rng(n)
    x = np.cumsum(rng.uniform(0.3, 1.5, n))
    y = np.cumsum(rng.standard_normal(n))
    at = np.sort(np.concatenate((np.linspace(x[0] - 1, x[-1] + 1, 3 * n), x)))
    assert_allclose(cubic_spline(x, y, at), CubicSpline(x, y)(at), rtol=1e-10, atol=1e-10)
    assert_allclose(pchip(x, y, at), PchipInterpolator(x, y)(at), rtol=1e-10, atol=1e-10)
    assert_allclose(pchip(x[:2], y[:2], at), PchipInterpolator(x[:2], y[:2])(at), rtol=1e-10, atol=1e-10)


def test_the_python_and_lapack_band_solvers_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    import attune.core._common as common

    x = np.cumsum(np.random.default_rng(13).standard_normal(3000))
    monkeypatch.setattr(common, "_use_lapack", lambda n: False)
    small = smoothness_priors_trend(x, 500.0)
    monkeypatch.setattr(common, "_use_lapack", lambda n: True)
    # The system is ill-conditioned (lambda^2 = 250 000): both solvers agree to about 1e-10.
    assert_allclose(small, smoothness_priors_trend(x, 500.0), rtol=0, atol=1e-8 * np.max(np.abs(x)))
