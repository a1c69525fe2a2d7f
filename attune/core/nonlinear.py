"""Nonlinear heart rate variability that stays linear in memory on long recordings."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

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
    seg_mean = seg.mean(axis=1, keepdims=True)
    slope = (seg - seg_mean) @ xc / float(xc @ xc)
    resid = seg - seg_mean - slope[:, None] * xc[None, :]
    return float(np.sqrt(np.mean(resid * resid)))


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
    tol = r * float(np.std(arr, ddof=1))
    k = arr.size - m
    # Chebyshev distance between templates i and j over the first m points.
    dist = np.zeros((k, k))
    for off in range(m):
        col = arr[off : off + k]
        np.maximum(dist, np.abs(col[:, None] - col[None, :]), out=dist)
    # The matrices are symmetric with a matching diagonal: count distinct pairs i < j.
    match_m = dist <= tol
    b = (int(np.count_nonzero(match_m)) - k) // 2
    last = arr[m : m + k]
    match_m &= np.abs(last[:, None] - last[None, :]) <= tol
    a = (int(np.count_nonzero(match_m)) - k) // 2
    if a == 0 or b == 0:
        return float("nan")
    return -math.log(a / b)


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
    values = []
    seg_len = min(sampen_segment_beats, nn.size)
    for start in range(0, nn.size - seg_len + 1, seg_len):
        v = sample_entropy(nn[start : start + seg_len], sampen_m, sampen_r)
        if math.isfinite(v):
            values.append(v)
    return Nonlinear(
        sd1_ms=sd1,
        sd2_ms=sd2,
        sd1_sd2=sd1 / sd2 if sd2 > 0 else float("nan"),
        dfa_alpha1=alpha1,
        dfa_alpha2=alpha2,
        dfa_alpha1_scales=dfa_alpha1_scales,
        dfa_alpha2_scales=dfa_alpha2_scales,
        sample_entropy=float(np.median(values)) if values else float("nan"),
        sample_entropy_segments=len(values),
        sample_entropy_m=sampen_m,
        sample_entropy_r=sampen_r,
        sample_entropy_segment_beats=seg_len,
    )
