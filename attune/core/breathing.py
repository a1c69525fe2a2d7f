"""Breathing rate estimated from respiratory sinus arrhythmia (RSA)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from attune.core._common import ArrayLike, FloatArray, as_rr_ms, beat_times_s
from attune.core.coherence import PEAK_HALF_WIDTH_HZ, ShortSpectrum, last_window, short_spectrum

BREATHING_WINDOW_S = 64.0
BREATHING_BAND_HZ = (0.05, 0.5)


@dataclass(frozen=True)
class BreathingRate:
    """An RSA-based breathing-rate estimate and its uncertainty.

    Attributes
    ----------
    rate_bpm : float
        Breaths per minute, ``60 * peak_hz``.
    peak_hz : float
        The RSA peak, refined between bins by a parabola through the log power.
    resolution_bpm : float
        Spectral bin width in breaths/min: the estimate is no finer than this.
    peak_fraction : float
        Power within 0.015 Hz of the peak over all power in ``band_hz``; near 1
        for steady breathing, low when the rhythm is irregular and the estimate
        is doubtful.
    band_hz : (float, float)
        Where the peak was searched (upper edge capped at half the heart rate).
    window_s : float
        Length of each analysed window.
    windows : int
        Number of windows averaged.
    method : str
        One sentence a person can read.
    """

    rate_bpm: float
    peak_hz: float
    resolution_bpm: float
    peak_fraction: float
    band_hz: tuple[float, float]
    window_s: float
    windows: int
    method: str


def _highest_local_peak(spec: ShortSpectrum, psd: FloatArray, lo: float, hi: float) -> tuple[float, int]:
    """The highest bin in the band that is a true local maximum (not a band edge on a slope)."""
    i0, i1 = spec.bins(lo, hi)
    i0, i1 = max(i0, 1), min(i1, psd.size - 2)
    mid = psd[i0 : i1 + 1]
    is_max = (mid > psd[i0 - 1 : i1]) & (mid >= psd[i0 + 1 : i1 + 2])
    if not is_max.any():
        return spec.peak(psd, lo, hi)
    k = i0 + int(np.where(is_max, mid, -1.0).argmax())
    return float(spec.freqs[k]), k


def breathing_peak_hz(spec: ShortSpectrum, psd: FloatArray, mean_rr_ms: float) -> tuple[float, float, float]:
    """Refined RSA peak and the band searched, ``(f0, lo, hi)`` (the streaming meter's fast path)."""
    lo = BREATHING_BAND_HZ[0]
    # Heart beats sample the breathing: nothing above half the heart rate is visible.
    hi = min(BREATHING_BAND_HZ[1], round(0.5 * 1000.0 / mean_rr_ms, 2))
    f0, k = _highest_local_peak(spec, psd, lo, hi)
    if 0 < k < psd.size - 1 and psd[k - 1] > 0 and psd[k] > 0 and psd[k + 1] > 0:
        a, b, c = math.log(psd[k - 1]), math.log(psd[k]), math.log(psd[k + 1])
        den = a - 2 * b + c
        shift = 0.5 * (a - c) / den if den < 0 else 0.0
        f0 = min(max(float(spec.freqs[k]) + min(max(shift, -0.5), 0.5) * spec.df, lo), hi)
    return f0, lo, hi


def breathing_from_psd(spec: ShortSpectrum, psd: FloatArray, mean_rr_ms: float, windows: int = 1) -> BreathingRate:
    """Breathing rate from a PSD computed by ``spec``."""
    f0, lo, hi = breathing_peak_hz(spec, psd, mean_rr_ms)
    band_p = spec.band(psd, lo, hi)
    peak_p = spec.band(psd, f0 - PEAK_HALF_WIDTH_HZ, f0 + PEAK_HALF_WIDTH_HZ)
    return BreathingRate(
        rate_bpm=60.0 * f0,
        peak_hz=f0,
        resolution_bpm=60.0 * spec.df,
        peak_fraction=peak_p / band_p if band_p > 0 else 0.0,
        band_hz=(lo, hi),
        window_s=spec.window_s,
        windows=windows,
        method=(
            f"The strongest rhythm of the heartbeat between {lo:g} and {hi:.3g} Hz "
            f"({60 * lo:.0f} to {60 * hi:.0f} breaths/min) over {windows} window(s) of {spec.window_s:g} s: "
            "heart rate rises on the in-breath and falls on the out-breath."
        ),
    )


def breathing_rate(rr_ms: ArrayLike, *, window_s: float = BREATHING_WINDOW_S, average: bool = False) -> BreathingRate:
    """Estimate the breathing rate from the heart rhythm.

    Parameters
    ----------
    rr_ms : array_like
        RR (preferably NN) intervals in ms covering at least ``window_s`` seconds.
    window_s : float
        Analysis window (64 s).
    average : bool
        False: analyse the last ``window_s`` seconds (live use). True: average the
        spectra of all windows with 50 % overlap across the recording (a whole
        session).

    Returns
    -------
    BreathingRate

    Raises
    ------
    ValueError
        With less than ``window_s`` seconds of beats.

    Notes
    -----
    The heart speeds up on the in-breath and slows on the out-breath (RSA), so
    the RR series oscillates at the breathing rate. The estimate is the highest
    true local maximum of the spectrum (a band edge on a slope does not count)
    between 0.05 and 0.5 Hz (3 to 30 breaths/min), capped at half
    the heart rate. It is reliable for steady breathing, especially slow paced
    breathing; with irregular breathing, or at rest near 0.1 Hz where blood
    pressure (Mayer) waves also live, ``peak_fraction`` is low and the number
    should be read as a guess.

    References
    ----------
    Hirsch JA, Bishop B. Respiratory sinus arrhythmia in humans: how breathing
    pattern modulates heart rate. Am J Physiol 241(4):H620-H629 (1981).

    Schäfer A, Kratky KW. Estimation of breathing rate from respiratory sinus
    arrhythmia: comparison of various methods. Ann Biomed Eng 36(3):476-485 (2008).
    """
    rr = as_rr_ms(rr_ms, what="breathing_rate", min_beats=4)
    spec = short_spectrum(window_s)
    if not average:
        t, w = last_window(rr, window_s, "breathing_rate")
        return breathing_from_psd(spec, spec.psd(t, w), float(np.mean(w)))
    t = beat_times_s(rr)
    if t[-1] < window_s:
        raise ValueError(f"breathing_rate needs at least {window_s:g} s of beats; got {t[-1]:.1f} s.")
    # Every window ends on the 2 Hz grid (ends every window_s / 2 seconds). Each is the
    # series interpolated linearly between its beats and, after its last beat, towards the
    # next interval's value placed at the window's end.
    ends = window_s + (window_s / 2) * np.arange(int(np.floor((t[-1] - window_s) / (window_s / 2) + 1e-9)) + 1)
    hi = np.searchsorted(t, ends, side="right")
    lo = np.maximum(np.searchsorted(t, ends - window_s, side="right") - 1, 0)
    ends, hi = ends[hi - lo >= 4], hi[hi - lo >= 4]
    count = ends.size
    grid = ends[:, None] + spec.offsets[None, :]
    y = np.interp(grid, t, rr)
    last_t = t[hi - 1][:, None]
    last_rr = rr[hi - 1][:, None]
    after = grid > last_t
    toward = rr[np.minimum(hi, rr.size - 1)][:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = last_rr + (toward - last_rr) * (grid - last_t) / (ends[:, None] - last_t)
    y[after] = tail[after]
    acc = spec.psd_rows(y).sum(axis=0) if count else np.zeros_like(spec.freqs)
    return breathing_from_psd(spec, acc / max(count, 1), float(np.mean(rr)), windows=count)
