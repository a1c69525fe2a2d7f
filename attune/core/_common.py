"""Small shared helpers for the heart-rhythm engine (private to ``attune.core``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
#: Banded systems up to this size are solved in Python (under a millisecond for 1200 unknowns)
#: when scipy.linalg is not loaded yet, so a short recording in a fresh process does not pay a
#: tenth of a second to import it; larger ones, or any once it is loaded, use LAPACK.
SMALL_SYSTEM = 4096


def _use_lapack(n: int) -> bool:
    return n > SMALL_SYSTEM or "scipy.linalg" in sys.modules
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
        out = cubic_spline(t_s, values, grid)
    elif kind == "quadratic" and t_s.size >= 3:
        from scipy.interpolate import make_interp_spline  # only this non-default setting needs it

        out = np.asarray(make_interp_spline(t_s, values, k=2)(grid), dtype=np.float64)
    elif kind in ("cubic", "quadratic", "linear"):
        out = np.interp(grid, t_s, values)
    else:
        raise ValueError(f"interpolation must be 'cubic', 'quadratic' or 'linear'; got {kind!r}.")
    return grid, out


def cubic_spline(x: FloatArray, y: FloatArray, at: FloatArray) -> FloatArray:
    """Not-a-knot cubic spline through ``(x, y)`` evaluated at ``at`` (at least 4 knots).

    The knot slopes ``s`` solve the tridiagonal system of second-derivative
    continuity, ``h_i s_{i-1} + 2 (h_{i-1} + h_i) s_i + h_{i-1} s_{i+1} =
    3 (h_i d_{i-1} + h_{i-1} d_i)`` with ``h_i`` the knot spacing and ``d_i`` the
    secant slopes; the end rows make the third derivative continuous across the
    second and the second-to-last knots (not-a-knot). One LAPACK tridiagonal
    solve (``gtsv``) and one Hermite evaluation, both linear in time. Points
    outside ``[x[0], x[-1]]`` use the end pieces.

    References
    ----------
    de Boor C. A Practical Guide to Splines, rev. ed., ch. IV (Springer, 2001).
    """
    h = np.diff(x)
    d = np.diff(y) / h
    n = x.size
    diag = np.empty(n)
    upper = np.empty(n - 1)
    lower = np.empty(n - 1)
    rhs = np.empty(n)
    diag[1:-1] = 2.0 * (h[:-1] + h[1:])
    upper[1:] = h[:-1]
    lower[:-1] = h[1:]
    rhs[1:-1] = 3.0 * (h[1:] * d[:-1] + h[:-1] * d[1:])
    # Not-a-knot ends, written as tridiagonal rows (de Boor, eq. IV.(43)).
    diag[0], upper[0] = h[1], h[0] + h[1]
    rhs[0] = ((h[0] + 2.0 * (h[0] + h[1])) * h[1] * d[0] + h[0] ** 2 * d[1]) / (h[0] + h[1])
    diag[-1], lower[-1] = h[-2], h[-1] + h[-2]
    rhs[-1] = (h[-1] ** 2 * d[-2] + (2.0 * (h[-2] + h[-1]) + h[-1]) * h[-2] * d[-1]) / (h[-2] + h[-1])
    return hermite(x, y, _tridiagonal_solve(lower, diag, upper, rhs), at)


def _tridiagonal_solve(lower: FloatArray, diag: FloatArray, upper: FloatArray, rhs: FloatArray) -> FloatArray:
    """Solve a tridiagonal system: LAPACK's ``gtsv`` for large ones, elimination in Python for small ones."""
    if _use_lapack(diag.size):
        from scipy.linalg import lapack

        *_, out, info = lapack.dgtsv(lower, diag, upper, rhs, overwrite_d=1, overwrite_b=1)
        if info != 0:
            raise ValueError("cubic_spline: the knots must be strictly increasing.")
        return np.asarray(out, dtype=np.float64)
    # Forward elimination and back substitution (the Thomas algorithm); the spline's
    # system is solved this way without pivoting in de Boor's book.
    a, b, c, d = lower.tolist(), diag.tolist(), upper.tolist(), rhs.tolist()
    n = len(b)
    for i in range(1, n):
        w = a[i - 1] / b[i - 1]
        b[i] -= w * c[i - 1]
        d[i] -= w * d[i - 1]
    x = [0.0] * n
    x[-1] = d[-1] / b[-1]
    for i in range(n - 2, -1, -1):
        x[i] = (d[i] - c[i] * x[i + 1]) / b[i]
    return np.asarray(x, dtype=np.float64)


def hermite(x: FloatArray, y: FloatArray, slopes: FloatArray, at: FloatArray) -> FloatArray:
    """Piecewise cubic Hermite interpolant with knot values ``y`` and slopes ``slopes``."""
    h = np.diff(x)
    secant = np.diff(y) / h
    # Each piece as y_k + dt (s_k + dt (b_k + dt c_k)) with dt = at - x_k; one row per piece.
    pieces = np.empty((h.size, 5))
    pieces[:, 0] = x[:-1]
    pieces[:, 1] = y[:-1]
    pieces[:, 2] = slopes[:-1]
    pieces[:, 3] = (3.0 * secant - 2.0 * slopes[:-1] - slopes[1:]) / h
    pieces[:, 4] = (slopes[:-1] + slopes[1:] - 2.0 * secant) / (h * h)
    # The piece of each point: np.interp finds it several times faster than searchsorted.
    k = np.interp(at, x, np.arange(x.size, dtype=np.float64)).astype(np.intp)
    np.clip(k, 0, h.size - 1, out=k)
    row = np.take(pieces, k, axis=0)
    dt = at - row[:, 0]
    out: FloatArray = row[:, 1] + dt * (row[:, 2] + dt * (row[:, 3] + dt * row[:, 4]))
    return out


def pchip(x: FloatArray, y: FloatArray, at: FloatArray) -> FloatArray:
    """Shape-preserving (monotone) piecewise cubic through ``(x, y)`` evaluated at ``at``.

    Knot slopes follow Fritsch and Butland: zero where the secant slopes change
    sign, otherwise their weighted harmonic mean with weights ``2 h_k + h_{k-1}``
    and ``h_k + 2 h_{k-1}``; the end slopes come from the three-point formula,
    set to zero if its sign differs from the first secant and limited to three
    times the secant when the secants change sign (Moler). Only the slopes of the
    knots around ``at`` are computed, so the cost is linear in ``len(at)`` after
    one search. Two knots give the straight line.

    References
    ----------
    Fritsch FN, Butland J. A method for constructing local monotone piecewise
    cubic interpolants. SIAM J Sci Stat Comput 5(2):300-304 (1984).

    Moler C. Numerical Computing with MATLAB, section 3.4 (SIAM, 2004).
    """
    n = x.size
    if n == 2:
        return hermite(x, y, np.full(2, (y[1] - y[0]) / (x[1] - x[0])), at)
    k = np.clip(np.searchsorted(x, at, side="right") - 1, 0, n - 2)
    knots = np.unique(np.concatenate((k, k + 1)))
    h = np.diff(x)
    d = np.diff(y) / h
    slopes = np.zeros(n)
    inner = knots[(knots > 0) & (knots < n - 1)]
    d0, d1 = d[inner - 1], d[inner]
    h0, h1 = h[inner - 1], h[inner]
    w1, w2 = 2.0 * h1 + h0, h1 + 2.0 * h0
    same = d0 * d1 > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        harmonic = (w1 + w2) / (w1 / d0 + w2 / d1)
    slopes[inner] = np.where(same, harmonic, 0.0)
    slopes[0] = _pchip_end(h[0], h[1], d[0], d[1])
    slopes[-1] = _pchip_end(h[-1], h[-2], d[-1], d[-2])
    # Only the pieces that hold a point are built: every such piece has both its knots here.
    return hermite(x[knots], y[knots], slopes[knots], at)


def _pchip_end(h0: float, h1: float, d0: float, d1: float) -> float:
    """End slope of :func:`pchip` from the three-point formula with Moler's limits."""
    s = ((2.0 * h0 + h1) * d0 - h0 * d1) / (h0 + h1)
    if np.sign(s) != np.sign(d0):
        return 0.0
    if np.sign(d0) != np.sign(d1) and abs(s) > abs(3.0 * d0):
        return 3.0 * d0
    return float(s)


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
    # Lower band storage for LAPACK's banded Cholesky solver (pbsv): row 0 the
    # diagonal, row 1 the first sub-diagonal, row 2 the second.
    ab = np.zeros((3, n))
    ab[0] = 6.0
    ab[0, [0, -1]] = 1.0
    ab[0, [1, -2]] = 5.0
    if n == 3:
        ab[0, 1] = 4.0
    ab[0] *= lam2
    ab[0] += 1.0
    ab[1, : n - 1] = -4.0 * lam2
    ab[1, [0, n - 2]] = -2.0 * lam2
    ab[2, : n - 2] = lam2
    if _use_lapack(n):
        from scipy.linalg import lapack

        _, trend, info = lapack.dpbsv(ab, x, lower=1, overwrite_ab=1)
        if info != 0:  # pragma: no cover - the matrix is positive definite by construction
            raise ValueError(f"smoothness_priors_trend: LAPACK pbsv failed (info {info}).")
        return np.asarray(trend, dtype=np.float64)
    return _pentadiagonal_ldl_solve(ab, x)


def _pentadiagonal_ldl_solve(ab: FloatArray, rhs: FloatArray) -> FloatArray:
    """Solve a symmetric positive definite system with two sub-diagonals by L D L' in Python.

    ``ab`` holds the diagonal, first and second sub-diagonals in rows 0, 1, 2 (LAPACK's lower
    band storage). With unit lower-triangular ``L`` (entries ``l1``, ``l2`` below the
    diagonal): ``d_i = a0_i - l1_{i-1}^2 d_{i-1} - l2_{i-2}^2 d_{i-2}``,
    ``l1_i = (a1_i - l2_{i-1} l1_{i-1} d_{i-1}) / d_i``, ``l2_i = a2_i / d_i``.
    """
    a0, a1, a2 = ab[0].tolist(), ab[1].tolist(), ab[2].tolist()
    n = len(a0)
    d = [0.0] * n
    l1 = [0.0] * (n + 1)
    l2 = [0.0] * (n + 2)
    z = rhs.tolist()
    for i in range(n):
        p1 = l1[i - 1] if i >= 1 else 0.0
        p2 = l2[i - 2] if i >= 2 else 0.0
        q2 = l2[i - 1] if i >= 1 else 0.0
        dm1 = d[i - 1] if i >= 1 else 0.0
        dm2 = d[i - 2] if i >= 2 else 0.0
        d[i] = a0[i] - p1 * p1 * dm1 - p2 * p2 * dm2
        l1[i] = (a1[i] - q2 * p1 * dm1) / d[i]
        l2[i] = a2[i] / d[i]
        z[i] -= (p1 * z[i - 1] if i >= 1 else 0.0) + (p2 * z[i - 2] if i >= 2 else 0.0)
    x = [0.0] * (n + 2)
    for i in range(n - 1, -1, -1):
        x[i] = z[i] / d[i] - l1[i] * x[i + 1] - l2[i] * x[i + 2]
    return np.asarray(x[:n], dtype=np.float64)


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
