"""Frequency-domain heart rate variability (Welch and Lomb-Scargle)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.signal import lombscargle, welch

from attune.core._common import (
    ArrayLike,
    FloatArray,
    as_rr_ms,
    band_power,
    beat_times_s,
    frozen_f,
    peak_in_band,
    require_duration,
    resample,
    smoothness_priors_trend,
)

SpectrumMethod = Literal["welch", "lomb"]
DetrendMethod = Literal["smoothness_priors", "mean", "linear"]
MIN_DURATION_S = 60.0


@dataclass(frozen=True)
class FrequencySettings:
    """Every setting behind a frequency-domain result (returned with it).

    The defaults follow Kubios HRV: 4 Hz cubic-spline interpolation,
    smoothness-priors detrending with lambda 500 (a high-pass near 0.035 Hz at
    4 Hz), Welch's method with 300 s Hann windows and 50 % overlap, and the Task
    Force bands with VLF starting at 0 Hz.
    """

    method: SpectrumMethod = "welch"
    interpolation_hz: float = 4.0
    interpolation: Literal["cubic", "quadratic", "linear"] = "cubic"
    detrend: DetrendMethod = "smoothness_priors"
    detrend_lambda: float = 500.0
    window_s: float = 300.0
    overlap: float = 0.5
    window_function: str = "hann"
    pad_factor: int = 2
    vlf_hz: tuple[float, float] = (0.0, 0.04)
    lf_hz: tuple[float, float] = (0.04, 0.15)
    hf_hz: tuple[float, float] = (0.15, 0.4)
    max_frequency_hz: float = 0.5


@dataclass(frozen=True, eq=False)
class FrequencyDomain:
    """Frequency-domain indices with the spectrum and the settings used.

    Powers are in ms², the integral of the PSD (ms²/Hz) over ``lo <= f < hi``
    by the trapezoid rule. ``total_ms2`` is ``VLF + LF + HF`` (as Kubios).
    Relative powers are ``100 * X / total``; normalised units follow the Task
    Force, ``100 * X / (total - VLF)``.
    """

    vlf_ms2: float
    lf_ms2: float
    hf_ms2: float
    total_ms2: float
    vlf_percent: float
    lf_percent: float
    hf_percent: float
    lf_nu: float
    hf_nu: float
    lf_hf: float
    vlf_peak_hz: float
    lf_peak_hz: float
    hf_peak_hz: float
    ln_lf: float
    ln_hf: float
    duration_s: float
    freqs_hz: FloatArray
    psd_ms2_per_hz: FloatArray
    settings: FrequencySettings


def frequency_domain(
    nn_ms: ArrayLike,
    *,
    method: SpectrumMethod = "welch",
    interpolation_hz: float = 4.0,
    interpolation: Literal["cubic", "quadratic", "linear"] = "cubic",
    detrend: DetrendMethod = "smoothness_priors",
    detrend_lambda: float = 500.0,
    window_s: float = 300.0,
    overlap: float = 0.5,
    pad_factor: int = 2,
    vlf_hz: tuple[float, float] = (0.0, 0.04),
    lf_hz: tuple[float, float] = (0.04, 0.15),
    hf_hz: tuple[float, float] = (0.15, 0.4),
) -> FrequencyDomain:
    """Estimate the power spectrum of an NN series and its band powers.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in ms covering at least 60 s. LF needs about 2 minutes and
        the standard short-term recording is 5 minutes (Task Force 1996).
    method : {"welch", "lomb"}
        ``"welch"`` interpolates the series on a regular grid and averages Hann-
        windowed periodograms. ``"lomb"`` uses the Lomb-Scargle periodogram on the
        beat times directly (no interpolation), averaged over the same windows so
        that a day of beats costs linear time.
    interpolation_hz, interpolation
        Grid rate and method for Welch (4 Hz cubic spline by default;
        ``"quadratic"`` reproduces NeuroKit2's default, ``"linear"`` is cheapest).
    detrend : {"smoothness_priors", "mean", "linear"}
        Trend removal before the spectrum. The smoothness-priors detrending
        (Tarvainen 2002) runs on the 4 Hz series with ``detrend_lambda``; for
        Lomb-Scargle it runs on the beat series with lambda scaled by
        ``(beat rate / interpolation_hz) ** 2`` so the cut-off frequency is the
        same.
    window_s, overlap
        Welch segment length (300 s) and overlap (0.5). A recording shorter than
        one window is analysed as a single segment.
    pad_factor : int
        Each segment is zero-padded to ``pad_factor`` times its length (2, as
        NeuroKit2) for a finer frequency grid.
    vlf_hz, lf_hz, hf_hz : (float, float)
        Band edges in Hz, each ``lo <= f < hi``.

    Returns
    -------
    FrequencyDomain
        With ``.settings`` holding every value above.

    Raises
    ------
    ValueError
        With less than 60 s of beats or fewer than 10 intervals, or an unknown
        method.

    References
    ----------
    Task Force of the ESC and NASPE. Heart rate variability: standards of
    measurement, physiological interpretation and clinical use. Circulation
    93(5):1043-1065 (1996).

    Tarvainen MP, Ranta-aho PO, Karjalainen PA. An advanced detrending method
    with application to HRV analysis. IEEE Trans Biomed Eng 49(2):172-175 (2002).

    Welch PD. The use of fast Fourier transform for the estimation of power
    spectra. IEEE Trans Audio Electroacoust 15(2):70-73 (1967).

    Lomb NR. Least-squares frequency analysis of unequally spaced data.
    Astrophys Space Sci 39:447-462 (1976); Scargle JD. Astrophys J 263:835-853
    (1982).
    """
    settings = FrequencySettings(
        method=method,
        interpolation_hz=interpolation_hz,
        interpolation=interpolation,
        detrend=detrend,
        detrend_lambda=detrend_lambda,
        window_s=window_s,
        overlap=overlap,
        pad_factor=pad_factor,
        vlf_hz=vlf_hz,
        lf_hz=lf_hz,
        hf_hz=hf_hz,
    )
    nn = as_rr_ms(nn_ms, what="frequency_domain", min_beats=10)
    require_duration(nn, what="frequency_domain", min_s=MIN_DURATION_S)
    if not 0.0 <= overlap < 1.0:
        raise ValueError(f"overlap must be in [0, 1); got {overlap}.")
    t = beat_times_s(nn)
    if method == "welch":
        freqs, psd = _welch_psd(t, nn, settings)
    elif method == "lomb":
        freqs, psd = _lomb_psd(t, nn, settings)
    else:
        raise ValueError(f"method must be 'welch' or 'lomb'; got {method!r}.")
    keep = freqs <= settings.max_frequency_hz
    freqs, psd = freqs[keep], psd[keep]
    return _summarise(freqs, psd, float(t[-1]), settings)


def _detrended(x: FloatArray, settings: FrequencySettings, lam: float) -> FloatArray:
    if settings.detrend == "smoothness_priors":
        return x - smoothness_priors_trend(x, lam)
    if settings.detrend == "mean":
        return x - np.mean(x)
    if settings.detrend == "linear":
        idx = np.arange(x.size, dtype=np.float64)
        coef = np.polyfit(idx, x, 1)
        return x - np.polyval(coef, idx)
    raise ValueError(f"detrend must be 'smoothness_priors', 'mean' or 'linear'; got {settings.detrend!r}.")


def _welch_psd(t: FloatArray, nn: FloatArray, settings: FrequencySettings) -> tuple[FloatArray, FloatArray]:
    fs = settings.interpolation_hz
    _, x = resample(t, nn, fs, settings.interpolation)
    x = _detrended(x, settings, settings.detrend_lambda)
    nperseg = min(x.size, round(settings.window_s * fs))
    freqs, psd = welch(
        x,
        fs=fs,
        window=settings.window_function,
        nperseg=nperseg,
        noverlap=round(nperseg * settings.overlap),
        nfft=nperseg * settings.pad_factor,
        detrend=False,
        scaling="density",
        average="mean",
    )
    return np.asarray(freqs, dtype=np.float64), np.asarray(psd, dtype=np.float64)


def _lomb_psd(t: FloatArray, nn: FloatArray, settings: FrequencySettings) -> tuple[FloatArray, FloatArray]:
    beat_rate_hz = nn.size / float(t[-1] - t[0] + nn[0] / 1000.0)
    lam = settings.detrend_lambda * (beat_rate_hz / settings.interpolation_hz) ** 2
    x = _detrended(nn, settings, lam)
    span = float(t[-1] - t[0])
    win = min(settings.window_s, span)
    step = max(win * (1.0 - settings.overlap), 1e-9)
    df = 1.0 / (win * settings.pad_factor)
    freqs = np.arange(1, int(settings.max_frequency_hz / df) + 1, dtype=np.float64) * df
    omega = 2.0 * np.pi * freqs
    acc = np.zeros_like(freqs)
    count = 0
    start = float(t[0])
    while start + win <= t[-1] + 1e-9:
        lo = int(np.searchsorted(t, start, side="left"))
        hi = int(np.searchsorted(t, start + win, side="right"))
        if hi - lo >= 4:
            ts = t[lo:hi]
            ys = x[lo:hi] - np.mean(x[lo:hi])
            p = lombscargle(ts, ys, omega, normalize=False)
            # One-sided PSD whose integral is the variance: S(f) = 2 P T / N.
            acc += 2.0 * p * win / ys.size
            count += 1
        start += step
    if count == 0:
        raise ValueError("frequency_domain (lomb) found no window with at least 4 beats.")
    return freqs, acc / count


def _summarise(freqs: FloatArray, psd: FloatArray, duration_s: float, s: FrequencySettings) -> FrequencyDomain:
    vlf = band_power(freqs, psd, *s.vlf_hz)
    lf = band_power(freqs, psd, *s.lf_hz)
    hf = band_power(freqs, psd, *s.hf_hz)
    total = vlf + lf + hf
    nan = float("nan")
    return FrequencyDomain(
        vlf_ms2=vlf,
        lf_ms2=lf,
        hf_ms2=hf,
        total_ms2=total,
        vlf_percent=100.0 * vlf / total if total > 0 else nan,
        lf_percent=100.0 * lf / total if total > 0 else nan,
        hf_percent=100.0 * hf / total if total > 0 else nan,
        lf_nu=100.0 * lf / (total - vlf) if total - vlf > 0 else nan,
        hf_nu=100.0 * hf / (total - vlf) if total - vlf > 0 else nan,
        lf_hf=lf / hf if hf > 0 else nan,
        vlf_peak_hz=peak_in_band(freqs, psd, *s.vlf_hz),
        lf_peak_hz=peak_in_band(freqs, psd, *s.lf_hz),
        hf_peak_hz=peak_in_band(freqs, psd, *s.hf_hz),
        ln_lf=math.log(lf) if lf > 0 else nan,
        ln_hf=math.log(hf) if hf > 0 else nan,
        duration_s=duration_s,
        freqs_hz=frozen_f(np.ascontiguousarray(freqs)),
        psd_ms2_per_hz=frozen_f(np.ascontiguousarray(psd)),
        settings=s,
    )
