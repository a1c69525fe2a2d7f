"""The slow reference for attune's fast Lomb-Scargle: scipy's direct sums over the same windows.

Used by ``test_frequency.py`` and ``bench/bench_hrv.py``. It repeats, with
``scipy.signal.lombscargle`` (O(N x F) per window), what ``frequency_domain(method="lomb")`` does
with default settings: smoothness-priors detrending on the beat series (lambda scaled to the beat
rate), 300 s windows with 50 % overlap, frequencies ``k / 600 Hz`` up to 0.5 Hz, and the one-sided
PSD ``2 P T / N`` averaged over windows.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def lomb_by_direct_sums(
    rr: npt.NDArray[np.float64], window_s: float = 300.0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Frequencies (Hz) and the windowed Lomb-Scargle PSD (ms²/Hz) of an RR series in ms."""
    from scipy.signal import lombscargle

    from attune.core._common import beat_times_s, smoothness_priors_trend

    t = beat_times_s(rr)
    x = rr - smoothness_priors_trend(rr, 500.0 * (rr.size / (t[-1] - t[0] + rr[0] / 1000) / 4.0) ** 2)
    win = min(window_s, t[-1] - t[0])
    freqs = np.arange(1, int(0.5 * 2 * win) + 1) / (2 * win)
    acc, count, start = np.zeros_like(freqs), 0, t[0]
    while start + win <= t[-1] + 1e-9:
        sel = (t >= start) & (t <= start + win)
        ys = x[sel] - x[sel].mean()
        acc += 2.0 * lombscargle(t[sel], ys, 2 * np.pi * freqs) * win / ys.size
        count, start = count + 1, start + win / 2
    return freqs, acc / count


def band_powers(
    freqs: npt.NDArray[np.float64], psd: npt.NDArray[np.float64], bands: list[tuple[float, float]]
) -> list[float]:
    """Trapezoid integral of ``psd`` over ``lo <= f < hi`` for each band."""
    out = []
    for lo, hi in bands:
        mask = (freqs >= lo) & (freqs < hi)
        out.append(float(np.trapezoid(psd[mask], freqs[mask])))
    return out
