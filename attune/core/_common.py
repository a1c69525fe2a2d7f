"""Small shared helpers for the heart-rhythm engine (private to ``attune.core``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.interpolate import CubicSpline, make_interp_spline
from scipy.linalg import solveh_banded

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
ArrayLike = Sequence[float] | npt.NDArray[np.floating] | npt.NDArray[np.integer]


def as_rr_ms(rr_ms: ArrayLike, *, what: str, min_beats: int = 2) -> FloatArray:
    """Return ``rr_ms`` as a 1-D float64 array after checking it.

    Raises
    ------
    ValueError
        If the input is not one-dimensional, holds non-finite or non-positive
        values, or has fewer than ``min_beats`` intervals. The message says how
        much data ``what`` needs.
    """
    arr = np.asarray(rr_ms, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{what} needs a one-dimensional series of RR intervals in ms; got shape {arr.shape}.")
    if arr.size < min_beats:
        raise ValueError(f"{what} needs at least {min_beats} RR intervals; got {arr.size}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} needs finite RR intervals; the input holds NaN or infinity.")
    if np.any(arr <= 0):
        raise ValueError(f"{what} needs positive RR intervals in ms; the input holds zero or negative values.")
    return arr


def require_duration(rr_ms: FloatArray, *, what: str, min_s: float) -> None:
    """Raise a ValueError unless the intervals span at least ``min_s`` seconds."""
    total_s = float(np.sum(rr_ms)) / 1000.0
    if total_s < min_s:
        raise ValueError(f"{what} needs at least {min_s:g} s of beats; got {total_s:.1f} s.")


def frozen(arr: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
    """Mark an array read-only (results are frozen dataclasses) and return it."""
    arr.setflags(write=False)
    return arr


def frozen_f(arr: FloatArray) -> FloatArray:
    """Typed variant of :func:`frozen` for float arrays."""
    arr.setflags(write=False)
    return arr


def beat_times_s(rr_ms: FloatArray) -> FloatArray:
    """Time of the beat that ends each interval, in s from the first beat."""
    return np.cumsum(rr_ms) / 1000.0


def resample(t_s: FloatArray, values: FloatArray, fs_hz: float, kind: str) -> tuple[FloatArray, FloatArray]:
    """Resample an unevenly sampled series on a regular grid from ``t_s[0]`` to ``t_s[-1]``.

    ``kind`` is ``"cubic"`` (a not-a-knot cubic spline, as Kubios), ``"quadratic"``
    (a quadratic spline, NeuroKit2's default) or ``"linear"``.
    """
    n = int(np.floor((t_s[-1] - t_s[0]) * fs_hz)) + 1
    grid = t_s[0] + np.arange(n, dtype=np.float64) / fs_hz
    if kind == "cubic" and t_s.size >= 4:
        out = np.asarray(CubicSpline(t_s, values)(grid), dtype=np.float64)
    elif kind == "quadratic" and t_s.size >= 3:
        out = np.asarray(make_interp_spline(t_s, values, k=2)(grid), dtype=np.float64)
    elif kind in ("cubic", "quadratic", "linear"):
        out = np.interp(grid, t_s, values)
    else:
        raise ValueError(f"interpolation must be 'cubic', 'quadratic' or 'linear'; got {kind!r}.")
    return grid, out


def smoothness_priors_trend(x: FloatArray, lam: float) -> FloatArray:
    """Trend of ``x`` under the smoothness-priors model of Tarvainen et al. (2002).

    Solves ``(I + lam**2 D2' D2) trend = x`` where ``D2`` is the second-difference
    matrix. The system is pentadiagonal, so a banded Cholesky solve keeps time and
    memory linear in ``len(x)``.

    References
    ----------
    Tarvainen MP, Ranta-aho PO, Karjalainen PA. An advanced detrending method with
    application to HRV analysis. IEEE Trans Biomed Eng 49(2):172-175 (2002).
    """
    n = x.size
    if n < 3 or lam <= 0:
        return np.full(n, float(np.mean(x)) if n else 0.0)
    lam2 = lam * lam
    diag = np.full(n, 6.0)
    diag[[0, -1]] = 1.0
    diag[[1, -2]] = 5.0
    off1 = np.full(n - 1, -4.0)
    off1[[0, -1]] = -2.0
    if n == 3:
        diag = np.array([1.0, 4.0, 1.0])
        off1 = np.array([-2.0, -2.0])
    ab = np.zeros((3, n))
    ab[2] = 1.0 + lam2 * diag
    ab[1, 1:] = lam2 * off1
    ab[0, 2:] = lam2
    return np.asarray(solveh_banded(ab, x, check_finite=False), dtype=np.float64)


def band_power(freqs: FloatArray, psd: FloatArray, lo: float, hi: float) -> float:
    """Trapezoidal integral of ``psd`` over the bins with ``lo <= f < hi``."""
    mask = (freqs >= lo) & (freqs < hi)
    if np.count_nonzero(mask) < 2:
        return float(np.sum(psd[mask]) * (freqs[1] - freqs[0])) if freqs.size > 1 else 0.0
    return float(np.trapezoid(psd[mask], freqs[mask]))


def peak_in_band(freqs: FloatArray, psd: FloatArray, lo: float, hi: float) -> float:
    """Frequency of the largest PSD bin with ``lo <= f < hi`` (NaN if the band holds no bin)."""
    mask = (freqs >= lo) & (freqs < hi)
    if not np.any(mask):
        return float("nan")
    idx = np.flatnonzero(mask)
    return float(freqs[idx[int(np.argmax(psd[idx]))]])
