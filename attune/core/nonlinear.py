"""Nonlinear heart rate variability that stays linear in memory on long recordings."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from attune.core._common import ArrayLike, FloatArray, as_rr_ms

MIN_BEATS = 32


@dataclass(frozen=True)
class Nonlinear:
    """Poincaré, DFA and sample-entropy indices.

    Attributes
    ----------
    sd1_ms, sd2_ms : float
        Poincaré plot axes (ms); ``sd1_sd2`` is their ratio.
    dfa_alpha1 : float
        Short-term DFA scaling exponent over ``dfa_alpha1_scales`` beats.
    dfa_alpha2 : float
        Long-term exponent over ``dfa_alpha2_scales`` beats; NaN when the series
        is shorter than four times the largest scale.
    sample_entropy : float
        Median sample entropy over the segments with a finite value (NaN if none).
    sample_entropy_segments : int
        Number of segments behind ``sample_entropy``.
    sample_entropy_m, sample_entropy_r, sample_entropy_segment_beats
        Embedding dimension, tolerance as a fraction of each segment's SD, and the
        segment length in beats.
    """

    sd1_ms: float
    sd2_ms: float
    sd1_sd2: float
    dfa_alpha1: float
    dfa_alpha2: float
    dfa_alpha1_scales: tuple[int, int]
    dfa_alpha2_scales: tuple[int, int]
    sample_entropy: float
    sample_entropy_segments: int
    sample_entropy_m: int
    sample_entropy_r: float
    sample_entropy_segment_beats: int


def poincare(nn_ms: ArrayLike) -> tuple[float, float]:
    """Return Poincaré SD1 and SD2 in ms.

    ``SD1 = std((NN_{i+1} - NN_i) / sqrt 2)`` and ``SD2 = std((NN_{i+1} + NN_i) / sqrt 2)``,
    both with ddof=1 over the ``N - 1`` pairs, which equals
    ``SD1 = SDSD / sqrt 2`` and is the definition NeuroKit2 uses.

    References
    ----------
    Brennan M, Palaniswami M, Kamen P. Do existing measures of Poincaré plot
    geometry reflect nonlinear features of heart rate variability? IEEE Trans
    Biomed Eng 48(11):1342-1347 (2001).
    """
    nn = as_rr_ms(nn_ms, what="poincare", min_beats=3)
    x1, x2 = nn[:-1], nn[1:]
    sd1 = float(np.std((x2 - x1) / math.sqrt(2.0), ddof=1))
    sd2 = float(np.std((x2 + x1) / math.sqrt(2.0), ddof=1))
    return sd1, sd2


def dfa_alpha(nn_ms: ArrayLike, scales: tuple[int, int] = (4, 16)) -> float:
    """Detrended fluctuation analysis exponent over the given range of box sizes.

    The profile ``y_k = sum_{i<=k}(NN_i - mean NN)`` is cut into non-overlapping
    boxes of ``n`` beats for every ``n`` in ``scales`` (inclusive); a straight
    line is fitted in each box, ``F(n)`` is the root mean square of the residuals
    over all boxes, and alpha is the least-squares slope of ``log F(n)`` on
    ``log n``. Memory is linear in the number of beats.

    References
    ----------
    Peng C-K, Havlin S, Stanley HE, Goldberger AL. Quantification of scaling
    exponents and crossover phenomena in nonstationary heartbeat time series.
    Chaos 5(1):82-87 (1995).
    """
    nn = as_rr_ms(nn_ms, what="dfa_alpha", min_beats=2 * scales[1])
    y = np.cumsum(nn - np.mean(nn))
    ns = np.arange(scales[0], scales[1] + 1)
    fluct = np.array([_dfa_fluctuation(y, int(n)) for n in ns])
    ok = fluct > 0
    if np.count_nonzero(ok) < 2:
        return float("nan")
    slope = np.polyfit(np.log(ns[ok]), np.log(fluct[ok]), 1)[0]
    return float(slope)


def _dfa_fluctuation(y: FloatArray, n: int) -> float:
    boxes = y.size // n
    seg = y[: boxes * n].reshape(boxes, n)
    x = np.arange(n, dtype=np.float64)
    xc = x - x.mean()
    centred = seg - seg.mean(axis=1, keepdims=True)
    # Residual sum of squares of the least-squares line in each box, over all boxes:
    # sum(centred^2) - (centred @ xc)^2 / (xc @ xc). einsum rather than a BLAS product: with
    # boxes of 4 to 64 beats, OpenBLAS threads cost ten times the arithmetic on a busy machine.
    proj = np.einsum("ij,j->i", centred, xc)
    rss = float(np.einsum("ij,ij->", centred, centred)) - float(np.einsum("i,i->", proj, proj)) / float(xc @ xc)
    return float(np.sqrt(max(rss, 0.0) / (boxes * n)))


def sample_entropy(x: ArrayLike, m: int = 2, r: float = 0.2) -> float:
    """Sample entropy of one short series (use :func:`nonlinear` for long ones).

    ``SampEn = -ln(A / B)`` where ``B`` counts pairs of distinct templates of
    length ``m`` and ``A`` pairs of length ``m + 1`` within Chebyshev distance
    ``r * SD`` (SD with ddof=1), both over the first ``N - m`` templates. Returns
    NaN when ``A`` or ``B`` is zero. Cost is quadratic in ``len(x)``, which is why
    long recordings are cut into segments.

    References
    ----------
    Richman JS, Moorman JR. Physiological time-series analysis using approximate
    entropy and sample entropy. Am J Physiol Heart Circ Physiol 278(6):H2039-H2049
    (2000).
    """
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1 or arr.size < m + 3:
        raise ValueError(f"sample_entropy needs at least {m + 3} values; got {arr.size}.")
    return float(_sample_entropy_segments(arr[None, :], m, r)[0])


def _sample_entropy_segments(segs: FloatArray, m: int, r: float) -> FloatArray:
    """Sample entropy of every row of ``segs`` (each at least ``m + 3`` values), NaN where undefined.

    Instead of comparing all template pairs, the templates of each row are
    sorted by their first value; only pairs whose first values lie within the
    tolerance can match, and those are found with one search, so the work is
    proportional to the number of such pairs rather than to the square of the
    length. All rows are handled together: row ``j`` is moved to its own band
    of a common axis (values over the tolerance, plus ``3 j`` band widths) so
    that no pair spans two rows. The search keeps a margin for rounding and
    the pairs inside the margin are decided on the original values, so the
    counts are exactly those of the ``<=`` rule.
    """
    n_seg, length = segs.shape
    k = length - m
    tol = r * np.std(segs, axis=1, ddof=1)
    first = segs[:, :k]
    lo = first.min(axis=1, keepdims=True)
    safe_tol = np.where(tol > 0, tol, np.inf)[:, None]
    span = float(np.max(np.nan_to_num((first.max(axis=1, keepdims=True) - lo) / safe_tol)))
    scaled = (first - lo) / safe_tol + (span + 3.0) * np.arange(n_seg)[:, None]
    order = np.argsort(scaled, axis=None, kind="stable")
    key = scaled.ravel()[order]
    # Template values in sorted order, one array per template position.
    cols = [segs[:, off : off + k].ravel()[order] for off in range(m + 1)]
    t = np.repeat(tol, k)[order]
    row_of = order // k
    here = np.arange(key.size)
    sure = np.searchsorted(key, key + (1.0 - 1e-9), side="right") - here - 1
    maybe = np.searchsorted(key, key + (1.0 + 1e-9), side="right") - here - 1
    pa, pb = _pairs(maybe)
    edge = (pb - pa) > np.repeat(sure, maybe)  # within the rounding margin: check the first value too
    match = np.abs(cols[1][pa] - cols[1][pb]) <= t[pa] if m > 1 else np.ones(pa.size, dtype=bool)
    for off in range(2, m):
        match &= np.abs(cols[off][pa] - cols[off][pb]) <= t[pa]
    match[edge] &= np.abs(cols[0][pa[edge]] - cols[0][pb[edge]]) <= t[pa[edge]]
    pa, pb = pa[match], pb[match]
    b_count = np.bincount(row_of[pa], minlength=n_seg)
    longer = np.abs(cols[m][pa] - cols[m][pb]) <= t[pa]
    a_count = np.bincount(row_of[pa[longer]], minlength=n_seg)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = -np.log(a_count / b_count)
    out[(a_count == 0) | (b_count == 0)] = np.nan
    result: FloatArray = out
    return result


def _pairs(counts: npt.NDArray[np.intp]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """All pairs ``(p, p + j)`` for ``j = 1..counts[p]``, as two index arrays."""
    pa = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    pb = np.arange(pa.size) - np.repeat(starts - np.arange(counts.size) - 1, counts)
    return pa, pb


def nonlinear(
    nn_ms: ArrayLike,
    *,
    dfa_alpha1_scales: tuple[int, int] = (4, 16),
    dfa_alpha2_scales: tuple[int, int] = (16, 64),
    sampen_m: int = 2,
    sampen_r: float = 0.2,
    sampen_segment_beats: int = 300,
) -> Nonlinear:
    """Poincaré SD1/SD2, DFA alpha1 and alpha2, and segment-wise sample entropy.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in ms, at least 32 (two boxes of the largest alpha1 scale).
    dfa_alpha1_scales, dfa_alpha2_scales : (int, int)
        Box sizes in beats (4-16 and 16-64, as Kubios).
    sampen_m, sampen_r : int, float
        Sample entropy embedding dimension (2) and tolerance as a fraction of the
        segment's SD (0.2).
    sampen_segment_beats : int
        Sample entropy is computed on consecutive non-overlapping segments of this
        many beats (300, about 5 minutes) and the median is reported. The cost
        per segment is fixed, so a day of beats needs linear time and constant
        extra memory. A series shorter than one segment is analysed whole.

    Returns
    -------
    Nonlinear

    Raises
    ------
    ValueError
        With fewer than 32 intervals.

    References
    ----------
    See :func:`poincare`, :func:`dfa_alpha` and :func:`sample_entropy`.
    """
    nn = as_rr_ms(nn_ms, what="nonlinear", min_beats=max(MIN_BEATS, 2 * dfa_alpha1_scales[1]))
    sd1, sd2 = poincare(nn)
    alpha1 = dfa_alpha(nn, dfa_alpha1_scales)
    alpha2 = dfa_alpha(nn, dfa_alpha2_scales) if nn.size >= 4 * dfa_alpha2_scales[1] else float("nan")
    seg_len = min(sampen_segment_beats, nn.size)
    n_seg = nn.size // seg_len
    segs = nn[: n_seg * seg_len].reshape(n_seg, seg_len)
    # Blocks of segments keep the candidate pairs of one call to a few MB whatever the length.
    block = 64
    sampen = np.concatenate(
        [_sample_entropy_segments(segs[i : i + block], sampen_m, sampen_r) for i in range(0, n_seg, block)]
    )
    values = sampen[np.isfinite(sampen)]
    return Nonlinear(
        sd1_ms=sd1,
        sd2_ms=sd2,
        sd1_sd2=sd1 / sd2 if sd2 > 0 else float("nan"),
        dfa_alpha1=alpha1,
        dfa_alpha2=alpha2,
        dfa_alpha1_scales=dfa_alpha1_scales,
        dfa_alpha2_scales=dfa_alpha2_scales,
        sample_entropy=float(np.median(values)) if values.size else float("nan"),
        sample_entropy_segments=int(values.size),
        sample_entropy_m=sampen_m,
        sample_entropy_r=sampen_r,
        sample_entropy_segment_beats=seg_len,
    )
