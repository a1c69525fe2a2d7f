"""RR cleaning: find artifacts and ectopic beats and produce the NN series.

Two methods:

``"lipponen2019"``
    The adaptive beat classification of Lipponen and Tarvainen (2019), the method
    behind Kubios' automatic correction, with a few documented guards (a floor
    and a cap on the adaptive thresholds, a compensatory-pause rule, repeated
    passes; see :func:`clean_rr`).
``"threshold"``
    The simple rule Kubios offers beside it: an interval that differs from the
    local median by more than a fixed threshold (0.25 s at 60 bpm, "medium") is
    replaced.

Both report, for every input interval, what was found, which intervals were
changed, and the artifact percentage.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

from attune.core._common import ArrayLike, FloatArray, IntArray, as_rr_ms, frozen, frozen_f, pchip

ArtifactKind = Literal["ectopic", "missed", "extra", "long-short"]
CleaningMethod = Literal["lipponen2019", "threshold"]
ARTIFACT_KINDS: tuple[ArtifactKind, ...] = ("ectopic", "missed", "extra", "long-short")
# Internal codes of the kinds (0 is a normal interval).
_ECTOPIC, _MISSED, _EXTRA, _LONG_SHORT = 1, 2, 3, 4

_MIN_BEATS = 3


@dataclass(frozen=True, eq=False)
class CleanedRR:
    """The result of :func:`clean_rr`.

    Attributes
    ----------
    rr_ms : ndarray
        The input intervals, unchanged (read-only).
    nn_ms : ndarray
        The cleaned series. Its length differs from ``rr_ms`` when missed beats
        were inserted or extra beats removed.
    flags : tuple of (str or None)
        One entry per input interval: ``None`` when the interval is normal,
        otherwise one of ``"ectopic"``, ``"missed"``, ``"extra"``, ``"long-short"``.
        For an ectopic beat the interval that *ends* on the premature beat is
        flagged; the interval after it (the compensatory pause) is corrected too
        and appears in ``changed_indices``.
    changed_indices : ndarray of int
        Indices into ``rr_ms`` of every interval whose value was altered, merged
        or split.
    counts : mapping
        Number of flagged intervals per kind (all four kinds present).
    artifact_percent : float
        Flagged intervals over all input intervals, times 100.
    method : str
        ``"lipponen2019"`` or ``"threshold"``.
    settings : mapping
        The parameters that were used.
    """

    rr_ms: FloatArray
    nn_ms: FloatArray
    flags: tuple[ArtifactKind | None, ...]
    changed_indices: IntArray
    counts: Mapping[str, int]
    artifact_percent: float
    method: str
    settings: Mapping[str, float | str] = field(default_factory=dict)

    @property
    def n_flagged(self) -> int:
        """Number of flagged input intervals."""
        return len(self.flags) - self.flags.count(None)


def clean_rr(
    rr_ms: ArrayLike,
    method: CleaningMethod = "lipponen2019",
    *,
    alpha: float = 5.2,
    c1: float = 0.13,
    c2: float = 0.17,
    qd_window: int = 91,
    median_window: int = 11,
    min_threshold_ms: float = 20.0,
    max_threshold_fraction: float = 0.1,
    threshold_s: float = 0.25,
    max_iterations: int = 3,
) -> CleanedRR:
    """Detect and correct artifacts and ectopic beats in an RR series.

    Parameters
    ----------
    rr_ms : array_like
        RR intervals in milliseconds, at least 3.
    method : {"lipponen2019", "threshold"}
        The detection rule (see the module docstring).
    alpha : float
        Threshold multiplier on the quartile deviation (5.2 in the paper).
    c1, c2 : float
        Slope and offset of the ectopic decision boundary (0.13, 0.17 in the paper).
    qd_window : int
        Beats in the window over which the quartile deviation is taken (91).
    median_window : int
        Beats in the median filter that gives the local typical interval (11).
    min_threshold_ms : float
        Floor on both adaptive thresholds, in ms. Our addition: on a perfectly
        regular series the quartile deviation is 0 and 1 ms of jitter would be
        flagged otherwise.
    max_threshold_fraction : float
        Cap on both adaptive thresholds, our addition: the quartile deviation
        may not exceed this fraction of the local median interval (0.1: 100 ms
        at 1000 ms), so a threshold never exceeds 0.52 times the median. When
        premature beats make up a large share of the 91-beat window (bigeminy,
        trigeminy, as in the Polar H10 recording), the quartile deviation
        measures the arrhythmia instead of the sinus variability and the paper's
        thresholds grow until nothing is flagged. In sinus rhythm the cap is
        rarely reached.
    threshold_s : float
        For ``method="threshold"``: the allowed difference from the local median,
        in seconds at 60 bpm; it is scaled by the median interval over 1000 ms as
        Kubios does (0.45 very low, 0.35 low, 0.25 medium, 0.15 strong, 0.05 very
        strong).

    max_iterations : int
        For ``"lipponen2019"``: classify and correct again on the corrected
        series until nothing new is found, at most this many passes (NeuroKit2
        and systole iterate the same way). A second pass finds runs such as
        couplets that stand out only once the surrounding ectopy is corrected.

    Returns
    -------
    CleanedRR

    Raises
    ------
    ValueError
        With fewer than 3 intervals, or non-finite or non-positive values.

    Notes
    -----
    Classification (``"lipponen2019"``). With beats ``b_0..b_n`` and
    ``RR_i = b_{i+1} - b_i``, the change at beat ``b_i`` is
    ``dRR_i = RR_i - RR_{i-1}`` and ``mRR_i = RR_i - median11(RR)_i`` (negative
    values doubled). ``dRR`` is divided by ``Th1 = alpha * QD(dRR)`` and ``mRR``
    by ``Th2 = alpha * QD(mRR)``, each ``QD = (Q3 - Q1) / 2`` over the
    ``qd_window`` surrounding beats. QD is taken over the signed values: for
    normally distributed changes ``5.2 QD = 3.5 SD``, the 99.95 % coverage the
    paper gives for ``alpha = 5.2``. (NeuroKit2 and systole take the QD of the
    absolute values, which makes their thresholds about 0.6 times ours; on the
    MIT-BIH NSR hour NeuroKit2's ``signal_fixpeaks(method="kubios")``
    flags 1.8 % of the intervals, we flag 0.6 %.)

    - Ectopic beat ``b_i``: with ``S11 = dRR_i`` and ``S12`` the larger of
      ``dRR_{i-1}, dRR_{i+1}`` when ``dRR_i > 0`` (the smaller otherwise),
      ``S11 > 1 and S12 < -c1 S11 - c2`` or ``S11 < -1 and S12 > -c1 S11 + c2``.
      The interval ending on ``b_i`` is flagged.
    - Long or short interval ``RR_i``: ``|mRR_i| > 3``, or with ``S21 = dRR_i``
      and ``S22`` the smaller of ``dRR_{i+1}, dRR_{i+2}`` when ``dRR_i >= 0``
      (the larger otherwise), ``S21 > 1 and S22 < -1`` or
      ``S21 < -1 and S22 > 1``.
    - A long interval with ``|RR_i / 2 - median_i| < Th2`` is a missed beat; a
      short one with ``|RR_i + RR_{i+1} - median_i| < Th2`` is an extra beat
      (we also try ``RR_{i-1} + RR_i`` and merge with the neighbour that gives
      the closer sum); any other long or short interval is ``"long-short"``.

    Our guards, beyond the paper: the floor and cap on ``Th1`` and ``Th2``
    (``min_threshold_ms``, ``max_threshold_fraction``); a long interval right
    after one shorter than 0.8 times the local median is a compensatory pause,
    never a missed beat; the repeated passes (``max_iterations``); and at the ends, where the
    median window runs off the series, the median of the nearest full window with its median
    beat-to-beat change removed, so that a steady rise or fall there is not an artifact.

    Correction: extra beats are merged into the neighbouring interval, missed
    beats are split into equal parts (``round(RR / median)`` of them, at least
    two), and ectopic and long/short intervals, together with the interval that
    follows an ectopic beat, are replaced by interpolation over the surrounding
    normal intervals. Kubios uses a cubic spline here; we use a monotone cubic
    (PCHIP) so that a replacement never overshoots its neighbours; before the first or after
    the last normal interval a replacement takes that interval's value. A replaced
    run that holds both a short and a long interval (a premature beat and its
    compensatory pause) is then rescaled to keep its total time (our addition:
    the premature beat moves, the beats around it do not).

    References
    ----------
    Lipponen JA, Tarvainen MP. A robust algorithm for heart rate variability time
    series artefact correction using novel beat classification. J Med Eng Technol
    43(3):173-181 (2019). doi:10.1080/03091902.2019.1640306

    Tarvainen MP et al. Kubios HRV - heart rate variability analysis software.
    Comput Methods Programs Biomed 113(1):210-220 (2014).
    """
    rr = as_rr_ms(rr_ms, what="clean_rr", min_beats=_MIN_BEATS)
    if method not in ("lipponen2019", "threshold"):
        raise ValueError(f"method must be 'lipponen2019' or 'threshold'; got {method!r}.")
    if max_iterations < 1:
        raise ValueError(f"max_iterations must be at least 1; got {max_iterations}.")
    settings: dict[str, float | str]
    if method == "lipponen2019":
        settings = {
            "alpha": alpha,
            "c1": c1,
            "c2": c2,
            "qd_window": qd_window,
            "median_window": median_window,
            "min_threshold_ms": min_threshold_ms,
            "max_threshold_fraction": max_threshold_fraction,
            "max_iterations": max_iterations,
        }
    else:
        limit_ms = threshold_s * float(np.median(rr))
        settings = {"threshold_s": threshold_s, "threshold_ms": limit_ms, "median_window": median_window}

    codes = np.zeros(rr.size, dtype=np.int8)  # per input interval: 0 normal, else 1 + index in ARTIFACT_KINDS
    changed: set[int] = set()
    current = rr.copy()
    source = np.arange(rr.size)
    for _ in range(max_iterations if method == "lipponen2019" else 1):
        if current.size < _MIN_BEATS:
            break
        med = _local_median(current, min(median_window, current.size))
        if method == "lipponen2019":
            found = _classify_lipponen(current, med, alpha, c1, c2, qd_window, min_threshold_ms, max_threshold_fraction)
        else:
            found = np.where(np.abs(current - med) <= limit_ms, 0, _LONG_SHORT).astype(np.int8)
        hits = np.flatnonzero(found)
        if hits.size == 0:
            break
        first_time = codes[source[hits]] == 0  # a flag from an earlier pass stands
        codes[source[hits[first_time]]] = found[hits[first_time]]
        current, new_source, touched = _correct(current, med, found)
        changed.update(int(source[k]) for k in touched)
        source = source[new_source]
    counts: dict[str, int] = dict(zip(ARTIFACT_KINDS, np.bincount(codes, minlength=5)[1:].tolist(), strict=True))
    names: tuple[ArtifactKind | None, ...] = (None, *ARTIFACT_KINDS)
    frozen(rr)
    return CleanedRR(
        rr_ms=rr,
        nn_ms=frozen_f(current),
        flags=tuple(map(names.__getitem__, codes.tolist())),
        changed_indices=_frozen_i(np.asarray(sorted(changed), dtype=np.intp)),
        counts=MappingProxyType(counts),
        artifact_percent=100.0 * np.count_nonzero(codes) / rr.size,
        method=method,
        settings=MappingProxyType(settings),
    )


def _frozen_i(arr: IntArray) -> IntArray:
    arr.setflags(write=False)
    return arr


def _local_median(rr: FloatArray, size: int) -> FloatArray:
    """The running median over ``size`` beats, with ends that follow a steady rise or fall.

    Where the centred window runs off the series, a reflected window lags a trend: at the first
    interval of a rise of 8 ms a beat it sits 31 ms above, and the doubled negative ``mRR`` flags
    the interval. There we take the nearest full window, remove its median beat-to-beat change and
    read its median at the interval's own position, as a centred window does on a straight trend.
    """
    med = np.asarray(rank_filter(rr, size, (size // 2,))[0], dtype=np.float64)
    half = size // 2
    if rr.size < size or half == 0:
        return med
    for start, edge in ((0, range(half)), (rr.size - size, range(rr.size - half, rr.size))):
        window = rr[start : start + size]
        slope = float(np.median(np.diff(window)))
        beats = np.arange(start, start + size)
        at = np.asarray(edge, dtype=np.int64)
        # One row per edge interval, its median taken in one call (the same values as row by row).
        med[at] = np.median(window[None, :] - slope * (beats[None, :] - at[:, None]), axis=1)
    return med


def _quartile_deviation(x: FloatArray, window: int) -> FloatArray:
    size = min(window, x.size)
    q1, q3 = rank_filter(x, size, (size * 25 // 100, size * 75 // 100))
    return np.asarray((q3 - q1) / 2.0, dtype=np.float64)


#: Up to this many intervals the sliding order statistics are computed with numpy alone, so a
#: short recording does not pay for importing scipy.ndimage; longer ones use its O(n log w) filter,
#: and so does any series once scipy.ndimage is imported anyway (scipy.signal imports it): for a
#: minute of beats it is two to three times quicker, with the same values.
_NUMPY_RANK_MAX = 4096


def rank_filter(x: FloatArray, size: int, ranks: tuple[int, ...]) -> list[FloatArray]:
    """The ``ranks``-th smallest values (0-based) in the window of ``size`` around each sample.

    The window of sample ``i`` is ``x[i - size // 2 : i - size // 2 + size]``, with the
    series mirrored at its ends (``d c b a | a b c d | d c b a``): the percentiles and
    the median of ``scipy.ndimage`` with ``mode="reflect"`` (rank ``size * p // 100``).
    """
    if x.size > _NUMPY_RANK_MAX or "scipy.ndimage" in sys.modules:
        from scipy.ndimage import rank_filter as scipy_rank_filter

        return [np.asarray(scipy_rank_filter(x, r, size=size, mode="reflect"), dtype=np.float64) for r in ranks]
    return _numpy_rank_filter(x, size, ranks)


def _numpy_rank_filter(x: FloatArray, size: int, ranks: tuple[int, ...]) -> list[FloatArray]:
    """:func:`rank_filter` with numpy alone (for a short series while scipy.ndimage is not loaded)."""
    padded = np.pad(x, (size // 2, size - 1 - size // 2), mode="symmetric")
    ordered = np.partition(np.lib.stride_tricks.sliding_window_view(padded, size), ranks, axis=1)
    return [np.ascontiguousarray(ordered[:, r]) for r in ranks]


def _classify_lipponen(
    rr: FloatArray,
    med: FloatArray,
    alpha: float,
    c1: float,
    c2: float,
    qd_window: int,
    min_threshold_ms: float,
    max_threshold_fraction: float,
) -> npt.NDArray[np.int8]:
    n = rr.size
    cap = max_threshold_fraction * med * alpha
    floor = min_threshold_ms
    # dRR_i = RR_i - RR_{i-1}: the change across beat b_i (the beat that starts RR_i).
    drr = np.empty(n)
    drr[0] = 0.0
    drr[1:] = np.diff(rr)
    # The first beat has no change of its own; let it borrow its neighbour's for the QD.
    drr_for_qd = drr.copy()
    if n > 1:
        drr_for_qd[0] = drr[1]
    th1 = np.clip(alpha * _quartile_deviation(drr_for_qd, qd_window), floor, np.maximum(cap, floor))
    drr_n = drr / th1
    mrr = rr - med
    mrr[mrr < 0] *= 2.0
    th2 = np.clip(alpha * _quartile_deviation(mrr, qd_window), floor, np.maximum(cap, floor))
    mrr_n = mrr / th2

    # Neighbouring changes, padded with zeros at the ends.
    prev_d = np.concatenate(([0.0], drr_n[:-1]))
    next_d = np.concatenate((drr_n[1:], [0.0]))
    s12 = np.where(drr_n > 0, np.maximum(prev_d, next_d), np.minimum(prev_d, next_d))
    s11 = drr_n
    ectopic_beat = ((s11 > 1) & (s12 < -c1 * s11 - c2)) | ((s11 < -1) & (s12 > -c1 * s11 + c2))
    ectopic_beat[0] = False

    flags = np.zeros(n, dtype=np.int8)
    protected = np.zeros(n, dtype=bool)
    beats = np.flatnonzero(ectopic_beat)
    # Beat b_i ends interval i-1 (the premature one) and starts interval i.
    flags[beats - 1] = _ECTOPIC
    protected[beats - 1] = True
    protected[beats] = True

    # Long or short intervals: out of line with the local median, or a large change
    # followed within two beats by a large change of the opposite sign. As the paper:
    # S21 = dRR_i and S22 = min(dRR_{i+1}, dRR_{i+2}) when dRR_i >= 0, else the max.
    next2_d = np.concatenate((drr_n[2:], [0.0, 0.0]))[:n]
    s22 = np.where(drr_n >= 0, np.minimum(next_d, next2_d), np.maximum(next_d, next2_d))
    standout = (np.abs(mrr_n) > 3) | ((s11 > 1) & (s22 < -1)) | ((s11 < -1) & (s22 > 1))
    skip_to = -1
    for i in np.flatnonzero(standout & ~protected).tolist():
        if i < skip_to:
            continue
        # A long interval right after a clearly short one is a compensatory pause
        # (our guard), not a missed beat.
        after_short = i > 0 and rr[i - 1] < 0.8 * med[i - 1]
        if rr[i] > med[i] and not after_short and abs(rr[i] / 2.0 - med[i]) < th2[i]:
            flags[i] = _MISSED
        elif rr[i] < med[i] and _fits_extra(rr, med, th2, i):
            flags[i] = _EXTRA
            nxt = abs(rr[i] + rr[i + 1] - med[i]) if i + 1 < n else np.inf
            prv = abs(rr[i] + rr[i - 1] - med[i]) if i > 0 else np.inf
            if nxt <= prv:
                skip_to = i + 2  # the next interval is the other half of this one: merged, not flagged again
        else:
            flags[i] = _LONG_SHORT
    return flags


def _fits_extra(rr: FloatArray, med: FloatArray, th2: FloatArray, i: int) -> bool:
    sums = []
    if i + 1 < rr.size:
        sums.append(rr[i] + rr[i + 1])
    if i > 0:
        sums.append(rr[i] + rr[i - 1])
    return any(abs(s - med[i]) < th2[i] for s in sums)


def _correct(rr: FloatArray, med: FloatArray, kinds: npt.NDArray[np.int8]) -> tuple[FloatArray, IntArray, set[int]]:
    """Apply the corrections.

    Returns the corrected series, the input index each output interval comes from,
    and the input indices that were changed.
    """
    n = rr.size
    changed: set[int] = set()
    # An ordinary interval keeps its value; it is interpolated when it is ectopic or
    # long/short, or follows an ectopic beat (the compensatory pause).
    plain_need = (kinds == _ECTOPIC) | (kinds == _LONG_SHORT)
    plain_need[1:] |= kinds[:-1] == _ECTOPIC
    special = np.flatnonzero((kinds == _EXTRA) | (kinds == _MISSED)).tolist()
    if not special:
        return _interpolate(rr, med, rr.copy(), np.arange(n, dtype=np.intp), plain_need, changed)
    # Structural fixes: ordinary stretches are copied whole, extra and missed beats one by one.
    vals: list[FloatArray] = []
    srcs: list[IntArray] = []
    needs: list[npt.NDArray[np.bool_]] = []

    def emit(a: int, b: int) -> None:
        if b > a:
            vals.append(rr[a:b].copy())
            srcs.append(np.arange(a, b, dtype=np.intp))
            needs.append(plain_need[a:b])

    pos = 0
    for i in special:
        if i < pos:
            continue  # already merged into the interval before it
        emit(pos, i)
        if kinds[i] == _EXTRA:
            # Merge with the neighbour that makes the sum closest to the local median.
            nxt = rr[i] + rr[i + 1] if i + 1 < n else np.inf
            prv = float(vals[-1][-1]) + rr[i] if vals else np.inf
            if abs(nxt - med[i]) <= abs(prv - med[i]):
                vals.append(np.array([nxt]))
                srcs.append(np.array([i], dtype=np.intp))
                needs.append(np.zeros(1, dtype=bool))
                changed.update((i, i + 1))
                pos = i + 2
            else:
                vals[-1][-1] = prv
                changed.update((int(srcs[-1][-1]), i))
                pos = i + 1
        else:  # missed: split into equal parts
            parts = max(2, round(rr[i] / med[i]))
            vals.append(np.full(parts, rr[i] / parts))
            srcs.append(np.full(parts, i, dtype=np.intp))
            needs.append(np.zeros(parts, dtype=bool))
            changed.add(i)
            pos = i + 1
    emit(pos, n)
    out = np.concatenate(vals)
    need = np.concatenate(needs)
    src_arr = np.concatenate(srcs)
    return _interpolate(rr, med, out, src_arr, need, changed)


def _interpolate(
    rr: FloatArray, med: FloatArray, out: FloatArray, src_arr: IntArray, need: npt.NDArray[np.bool_], changed: set[int]
) -> tuple[FloatArray, IntArray, set[int]]:
    """Replace the intervals marked in ``need`` and keep the time span of ectopic runs."""
    if not np.any(need):
        return out, src_arr, changed
    good = ~need
    if np.count_nonzero(good) < 2:
        # Too little clean signal to interpolate: fall back to the local median.
        out[need] = med[src_arr[need]]
    else:
        idx = np.arange(out.size, dtype=np.float64)
        # Inside the normal intervals a monotone cubic; beyond the first or last of them, that
        # interval's own value: an extrapolated cubic would overshoot it.
        out[need] = pchip(idx[good], out[good], np.clip(idx[need], idx[good][0], idx[good][-1]))
    changed.update(int(k) for k in src_arr[need])
    # Keep the time span of a run that holds both short and long intervals (a
    # premature beat and its compensatory pause): the premature beats move, the
    # beats before and after the run stay where they were.
    edges = np.diff(np.concatenate(([0], need.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    runs = np.repeat(np.arange(starts.size), stops - starts)  # run number of each replaced interval
    where = np.flatnonzero(need)
    orig = rr[src_arr[where]]
    local = med[src_arr[where]]
    has_short = np.bincount(runs, weights=orig < local, minlength=starts.size) > 0
    has_long = np.bincount(runs, weights=orig > local, minlength=starts.size) > 0
    current = np.bincount(runs, weights=out[where], minlength=starts.size)
    before = np.bincount(runs, weights=orig, minlength=starts.size)
    scale = np.where(has_short & has_long & (current > 0), before / np.where(current > 0, current, 1.0), 1.0)
    out[where] *= scale[runs]
    return out, src_arr, changed
