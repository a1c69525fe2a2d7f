"""Signal quality of an ECG, stretch by stretch: where the beats can be trusted, and where not.

A detector always finds something; in heavy noise or electrode motion it finds noise. Rather than
invent beats there, each stretch of ECG is judged readable or not from the beats found in it,
after Orphanidou et al. [1]_: the heart rate must be physiologically possible, and the beats must
look like heartbeats of the same heart, that is, like each other (template matching).

References
----------
.. [1] Orphanidou C, Bonnici T, Charlton P, Clifton D, Vallance D, Tarassenko L. Signal-quality
   indices for the electrocardiogram and photoplethysmogram: derivation and applications to
   wireless monitoring. IEEE J Biomed Health Inform 19(3):832-838 (2015).
   doi:10.1109/JBHI.2014.2338351
.. [2] Li Q, Mark RG, Clifford GD. Robust heart rate estimation from multiple asynchronous noisy
   sources using signal quality indices and a Kalman filter. Physiol Meas 29(1):15-32 (2008).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["SignalQuality", "readable_rr", "signal_quality", "signal_quality_stream"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_HR_RANGE_BPM = (40.0, 180.0)  # Orphanidou et al.: a plausible average heart rate
_MAX_GAP_S = 3.0  # ... and no gap between beats longer than this
_MATCH = 0.66  # correlation at which two beats are the same shape (Orphanidou's template threshold)
_CONFIRMED = 0.6  # share of beats in a stretch that must have such a match
_BEAT_S = (-0.1, 0.15)  # the part of each beat compared: the QRS complex and its surroundings
_EARLY = 0.7  # an interval under this fraction of the local median makes its beats early
_ALIKE = 0.8  # a beat resembling another within _NEIGHBOURS_S at least this much is not noise
_NEIGHBOURS_S = 10.0


@dataclass(frozen=True, eq=False)
class SignalQuality:
    """Readability of each stretch of an ECG.

    Attributes
    ----------
    starts_s, ends_s : ndarray
        Start and end of each stretch in seconds from the first sample.
    readable : ndarray of bool
        Whether the beats in the stretch can be trusted.
    confirmed : ndarray
        Share of the stretch's beats that match another beat of it in shape (0 to 1).
    heart_rate_bpm : ndarray
        Beats in the stretch over its length, per minute.
    beat_readable : ndarray of bool
        One entry per beat given to :func:`signal_quality`: False for a beat that comes early
        (its interval before or after is under 0.7 times the local median) and resembles no
        beat within 10 s (QRS correlation under 0.8 on the 1-40 Hz signal), the signature of
        a detection in noise rather than of an ectopic beat, which recurs or keeps its shape.
    window_s : float
        Length of the stretches.
    method : str
        One sentence a person can read.
    """

    starts_s: FloatArray
    ends_s: FloatArray
    readable: BoolArray
    confirmed: FloatArray
    heart_rate_bpm: FloatArray
    beat_readable: BoolArray
    window_s: float
    method: str = (
        "Each 10 s stretch is readable when its heart rate lies between 40 and 180 bpm, no two beats are "
        "more than 3 s apart, and at least 60 % of its beats match another of its beats in shape "
        "(QRS correlation at least 0.66), after Orphanidou et al. (2015). A beat that comes early and "
        "resembles no beat within 10 s is left out on its own."
    )

    def gaps_s(self) -> list[tuple[float, float]]:
        """The unreadable stretches, neighbours merged, as ``(start, end)`` in seconds."""
        out: list[tuple[float, float]] = []
        for k in np.flatnonzero(~self.readable).tolist():
            start, end = float(self.starts_s[k]), float(self.ends_s[k])
            if out and abs(out[-1][1] - start) < 1e-9:
                out[-1] = (out[-1][0], end)
            else:
                out.append((start, end))
        return out


def _shape_matches(x: FloatArray, beats: IntArray, fs_hz: float) -> BoolArray:
    """For each beat, whether some other beat of the same stretch correlates with it at least 0.66."""
    lo, hi = round(_BEAT_S[0] * fs_hz), round(_BEAT_S[1] * fs_hz)
    idx = np.clip(beats[:, None] + np.arange(lo, hi + 1)[None, :], 0, x.size - 1)
    seg = x[idx]
    seg = seg - seg.mean(axis=1, keepdims=True)
    norm = np.sqrt(np.einsum("ij,ij->i", seg, seg))
    seg = seg / np.where(norm > 0, norm, 1.0)[:, None]
    corr = seg @ seg.T
    np.fill_diagonal(corr, -1.0)
    matched: BoolArray = corr.max(axis=1) >= _MATCH
    return matched


def _lone_early_beats(x: FloatArray, beats: IntArray, fs_hz: float) -> BoolArray:
    """Beats that come early and resemble no other beat within 10 s (see ``SignalQuality.beat_readable``)."""
    from scipy import signal as sps

    n = beats.size
    if n < 3:
        return np.zeros(n, dtype=bool)
    sos = sps.butter(2, [1.0, min(40.0, 0.45 * fs_hz)], btype="bandpass", fs=fs_hz, output="sos")
    wide = sps.sosfiltfilt(sos, x)
    lo, hi = round(_BEAT_S[0] * fs_hz), round(_BEAT_S[1] * fs_hz)
    seg = wide[np.clip(beats[:, None] + np.arange(lo, hi + 1)[None, :], 0, x.size - 1)]
    seg -= seg.mean(axis=1, keepdims=True)
    seg /= np.maximum(np.sqrt(np.einsum("ij,ij->i", seg, seg)), 1e-300)[:, None]
    best = np.full(n, -1.0)
    reach = _NEIGHBOURS_S * fs_hz
    for d in range(1, n):
        near = beats[d:] - beats[:-d] < reach
        if not near.any():
            break
        corr = np.where(near, np.einsum("ij,ij->i", seg[d:], seg[:-d]), -1.0)
        np.maximum(best[d:], corr, out=best[d:])
        np.maximum(best[:-d], corr, out=best[:-d])
    rr = np.diff(beats).astype(np.float64)
    half = 8
    padded = np.pad(rr, half, mode="edge")
    local = np.median(np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1), axis=1)
    early_interval = rr < _EARLY * local
    early = np.zeros(n, dtype=bool)
    early[1:] |= early_interval  # the interval ending on the beat
    early[:-1] |= early_interval  # the interval starting on it
    lone: BoolArray = early & (best < _ALIKE)
    return lone


def signal_quality(
    ecg: npt.ArrayLike, fs_hz: float, beat_indices: npt.ArrayLike, *, window_s: float = 10.0
) -> SignalQuality:
    """Judge each ``window_s`` stretch of an ECG readable or not from the beats found in it.

    Parameters
    ----------
    ecg : array_like
        The evenly sampled lead the beats were found in.
    fs_hz : float
        Its sampling rate.
    beat_indices : array_like of int
        The R peaks, as sample indices (``RPeaks.indices``).
    window_s : float
        Length of the stretches (10 s, as Orphanidou et al.). The last, shorter stretch is
        judged with the others when it is at least half as long, else joined to the one before.

    Returns
    -------
    SignalQuality

    Notes
    -----
    The signal is band-passed 5 to 18 Hz as in detection step 1, so baseline wander does not
    count against it. A stretch is readable when (1) its average heart rate is between 40 and
    180 bpm and no two consecutive beats, nor a beat and the stretch's edge, are more than 3 s
    apart, and (2) at least 60 % of its beats have a partner in it: another beat whose QRS
    window (100 ms before to 150 ms after the R peak) correlates with it at 0.66 or more.
    Orphanidou et al. compare every beat with the stretch's average template; comparing pairs
    instead keeps stretches with two shapes of beat (frequent ventricular ectopy) readable,
    while detections in noise, which resemble nothing in particular, rarely find a partner.

    References
    ----------
    .. [1] Orphanidou C et al. IEEE J Biomed Health Inform 19(3):832-838 (2015).
    """
    x = np.asarray(ecg, dtype=np.float64)
    if x.ndim != 1 or x.size < 2:
        raise ValueError("ecg must be a one-dimensional signal")
    return signal_quality_stream([x], fs_hz, beat_indices, n_samples=x.size, window_s=window_s)


def _stretch_edges(n: int, width: int) -> tuple[IntArray, IntArray]:
    """Starts and ends of the stretches of ``width`` samples; a last one under half as long joins the one before."""
    edges = [*range(0, n, width), n]
    if len(edges) > 2 and edges[-1] - edges[-2] < width // 2:
        del edges[-2]
    return np.asarray(edges[:-1], dtype=np.int64), np.asarray(edges[1:], dtype=np.int64)


def _judge(
    x: FloatArray, offset: int, fs_hz: float, beats: IntArray, starts: IntArray, ends: IntArray
) -> tuple[BoolArray, FloatArray, FloatArray]:
    """Readability of the stretches ``starts..ends`` (global samples) from ``x``, which starts at ``offset``."""
    from scipy import signal as sps

    sos = sps.butter(2, [5.0, min(18.0, 0.45 * fs_hz)], btype="bandpass", fs=fs_hz, output="sos")
    band = sps.sosfiltfilt(sos, x)
    readable = np.zeros(starts.size, dtype=bool)
    confirmed = np.zeros(starts.size)
    rate = np.zeros(starts.size)
    lo_all = np.searchsorted(beats, starts, side="left")
    hi_all = np.searchsorted(beats, ends, side="left")
    for k, (a, b, lo, hi) in enumerate(zip(starts.tolist(), ends.tolist(), lo_all, hi_all, strict=True)):
        inside = beats[lo:hi]
        rate[k] = 60.0 * inside.size * fs_hz / (b - a)
        if inside.size < 2:
            continue
        confirmed[k] = float(np.mean(_shape_matches(band, inside - offset, fs_hz)))  # partners in the stretch
        steps = np.diff(np.concatenate(([a], inside, [b]))) / fs_hz
        feasible = _HR_RANGE_BPM[0] <= rate[k] <= _HR_RANGE_BPM[1] and float(steps.max()) <= _MAX_GAP_S
        readable[k] = feasible and confirmed[k] >= _CONFIRMED
    return readable, confirmed, rate


def signal_quality_stream(
    blocks: Iterable[npt.ArrayLike],
    fs_hz: float,
    beat_indices: npt.ArrayLike,
    *,
    n_samples: int,
    window_s: float = 10.0,
    part_s: float = 300.0,
) -> SignalQuality:
    """:func:`signal_quality` on an ECG read block by block (as :func:`detect_r_peaks_stream` does).

    The stretches are judged ``part_s`` seconds at a time, each part read with enough signal on
    either side for the filter (2 s), the 10 s partner search and the local median interval of
    the lone-beat rule (8 beats), so memory stays bounded and the result is that of the whole
    signal to rounding. ``n_samples`` is the length of the whole recording.
    """
    beats = np.sort(np.asarray(beat_indices, dtype=np.int64))
    if not fs_hz > 0 or not window_s > 0:
        raise ValueError("fs_hz and window_s must be positive")
    width = round(window_s * fs_hz)
    starts, ends = _stretch_edges(n_samples, width)
    per_part = max(1, round(part_s / window_s))
    readable = np.zeros(starts.size, dtype=bool)
    confirmed = np.zeros(starts.size)
    rate = np.zeros(starts.size)
    lone = np.zeros(beats.size, dtype=bool)
    margin = round(2.0 * fs_hz) + round(_NEIGHBOURS_S * fs_hz)
    buf, buf_start, total = np.empty(0), 0, 0
    pending = iter(blocks)
    for first in range(0, starts.size, per_part):
        last = min(first + per_part, starts.size) - 1
        a, b = int(starts[first]), int(ends[last])
        lo, hi = int(np.searchsorted(beats, a)), int(np.searchsorted(beats, b))
        # The signal needed: the part, the beats 8 intervals around it, and the margins.
        need_lo = max(min(a, int(beats[max(lo - 9, 0)]) if beats.size else a) - margin, 0)
        need_hi = min(max(b, int(beats[min(hi + 8, beats.size - 1)]) if beats.size else b) + margin, n_samples)
        while total < need_hi:
            block = next(pending, None)
            if block is None:
                break
            buf = np.concatenate((buf, np.asarray(block, dtype=np.float64)))
            total += np.asarray(block).size
        need_lo = max(need_lo, buf_start)
        x = buf[need_lo - buf_start : need_hi - buf_start]
        readable[first : last + 1], confirmed[first : last + 1], rate[first : last + 1] = _judge(
            x, need_lo, fs_hz, beats, starts[first : last + 1], ends[first : last + 1]
        )
        near_lo = int(np.searchsorted(beats, need_lo))
        near_hi = int(np.searchsorted(beats, need_lo + x.size))
        flags = _lone_early_beats(x, beats[near_lo:near_hi] - need_lo, fs_hz)
        lone[lo:hi] = flags[lo - near_lo : hi - near_lo]
        keep_from = max(a - margin - round(60.0 * fs_hz), 0)  # a minute back covers the 8 beats before
        if keep_from > buf_start:
            buf, buf_start = buf[keep_from - buf_start :], keep_from
    return SignalQuality(
        starts_s=starts / fs_hz,
        ends_s=ends / fs_hz,
        readable=readable,
        confirmed=confirmed,
        heart_rate_bpm=rate,
        beat_readable=~lone,
        window_s=float(window_s),
    )


def readable_rr(beat_times_s: npt.ArrayLike, quality: SignalQuality) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Beats and RR intervals with the unreadable stretches taken out.

    Returns
    -------
    times_s : ndarray
        The beats that lie in readable stretches.
    rr_ms : ndarray
        Intervals between consecutive kept beats that span neither an unreadable stretch nor
        a left-out beat (such an interval is not known to be one heartbeat, so it is not used).
    kept : ndarray of bool
        For each input beat, whether it was kept.
    """
    t = np.asarray(beat_times_s, dtype=np.float64)
    if t.size != quality.beat_readable.size:
        raise ValueError(f"quality describes {quality.beat_readable.size} beats, got {t.size} beat times")
    stretch = np.clip(np.searchsorted(quality.starts_s, t, side="right") - 1, 0, quality.starts_s.size - 1)
    kept = quality.readable[stretch] & quality.beat_readable if quality.starts_s.size else quality.beat_readable
    times = t[kept]
    # An interval is used when no unreadable stretch and no left-out beat lies between its two beats.
    unreadable_before = np.concatenate(([0], np.cumsum(~quality.readable)))
    where = stretch[kept]
    position = np.flatnonzero(kept)
    spans_gap = unreadable_before[where[1:]] - unreadable_before[where[:-1] + 1] > 0
    spans_gap |= np.diff(position) > 1
    rr = np.diff(times)[~spans_gap] * 1000.0
    return times, rr, kept
