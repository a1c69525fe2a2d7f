"""Beats from single-lead ECG: R-peak detection and beat-by-beat evaluation.

The detector follows the classic energy-envelope design of Pan and Tompkins [1]_ and Hamilton
and Tompkins [2]_, rebuilt for whole-array numpy work: zero-phase band-pass, slope energy,
moving-window integration, candidate peaks with a refractory period, thresholds that adapt to
the local level of QRS energy, a T-wave rule, a search-back for beats missed in long gaps, and
finally the exact R-peak sample on the recorded signal.

References
----------
.. [1] Pan J, Tompkins WJ. A real-time QRS detection algorithm. IEEE Trans Biomed Eng
   32(3):230-236 (1985). doi:10.1109/TBME.1985.325532
.. [2] Hamilton PS, Tompkins WJ. Quantitative investigation of QRS detection rules using the
   MIT/BIH arrhythmia database. IEEE Trans Biomed Eng 33(12):1157-1165 (1986).
   doi:10.1109/TBME.1986.325695
.. [3] ANSI/AAMI EC57: Testing and reporting performance results of cardiac rhythm and ST
   segment measurement algorithms (beat-by-beat comparison with a 150 ms match window).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["BeatMatch", "RPeaks", "detect_r_peaks", "detect_r_peaks_stream", "evaluate_beats"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Lowest sampling rate the detector accepts; it is validated from 100 Hz to 1000 Hz.
MIN_FS_HZ = 50.0
#: Shortest recording it accepts: two seconds hold at least one beat at any heart rate above 30 bpm.
MIN_DURATION_S = 2.0

_BAND_HZ = (5.0, 18.0)  # where QRS energy sits, away from baseline wander, P and T waves, mains hum
_INTEGRATION_S = 0.10  # moving-window integration, about one QRS width
_REFRACTORY_S = 0.20  # no two beats closer than this (300 bpm)
_T_WAVE_S = 0.36  # a candidate this close to the last beat must look like a QRS, not a T wave
_LEVEL_WINDOW = 20  # candidates either side used for the local QRS energy level
_LEVEL_PERCENTILE = 80.0
_THRESHOLD = 0.30  # fraction of the local level (on the square-root energy scale) for a beat
_FLOOR = 0.10  # fraction of the recording-wide level below which nothing is a beat
_NOISE_PERCENTILE = 30.0
_NOISE_FACTOR = 2.25  # a beat stands this far above the background slope level
_SEARCHBACK_RR = 1.66  # a gap longer than this many local RR is searched again (Pan-Tompkins)
_SEARCHBACK_THRESHOLD = 0.5  # ... with this fraction of the threshold
_REFINE_S = 0.075  # half-width of the window in which the R peak itself is located


@dataclass(frozen=True, eq=False)
class RPeaks:
    """R peaks found in an ECG.

    Attributes
    ----------
    indices : ndarray of int64
        Index of each R peak in the input samples, increasing.
    times_s : ndarray of float64
        Time of each R peak in seconds: ``indices / fs_hz`` for evenly sampled input, the
        given timestamp ``t_s[indices]`` otherwise.
    fs_hz : float
        The sampling rate detection ran at (the resampling rate for irregular input).
    polarity : int
        ``+1`` when the QRS complexes point up in this lead, ``-1`` when they point down; the
        peak is located on the dominant deflection.
    method : str
        Name and version of the detector, for provenance.
    """

    indices: IntArray
    times_s: FloatArray
    fs_hz: float
    polarity: int
    method: str = "attune-energy-v1"

    @property
    def rr_ms(self) -> FloatArray:
        """Intervals between successive peaks in milliseconds (uncleaned)."""
        return np.diff(self.times_s) * 1000.0

    @property
    def heart_rate_bpm(self) -> float:
        """Median heart rate over the recording, from the uncleaned intervals (NaN with < 2 peaks)."""
        if self.times_s.size < 2:
            return float("nan")
        return float(60000.0 / np.median(self.rr_ms))


@dataclass(frozen=True)
class BeatMatch:
    """Beat-by-beat agreement between detected and reference beats.

    Attributes
    ----------
    tp, fp, fn : int
        Matched beats, detections with no reference beat, reference beats not detected.
    sensitivity : float
        ``tp / (tp + fn)``; NaN when there are no reference beats.
    ppv : float
        Positive predictivity ``tp / (tp + fp)``; NaN when nothing was detected.
    tolerance_s : float
        The match window: a pair matches when the times differ by at most this much.
    mean_abs_offset_s : float
        Mean absolute time difference of the matched pairs (NaN when none matched).
    """

    tp: int
    fp: int
    fn: int
    sensitivity: float
    ppv: float
    tolerance_s: float
    mean_abs_offset_s: float


def _as_float_1d(x: npt.ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def _moving_mean(x: FloatArray, width: int) -> FloatArray:
    """Centred moving average, O(n) through a cumulative sum, with the end samples repeated."""
    n = x.size
    if width <= 1 or n < width:
        return x.copy()
    left = width // 2
    right = width - 1 - left
    c = np.empty(n + 1)
    c[0] = 0.0
    np.cumsum(x, out=c[1:])
    out = np.empty(n)
    np.subtract(c[width:], c[:-width], out=out[left : n - right])
    out[left : n - right] /= width
    # At the ends the missing neighbours count as copies of the end sample.
    head = np.arange(left)
    out[:left] = (c[head + right + 1] + (left - head) * x[0]) / width
    tail = np.arange(n - right, n)
    out[n - right :] = (c[n] - c[tail - left] + (tail + right + 1 - n) * x[-1]) / width
    return out


def _moving_mean_rows(m: FloatArray, width: int) -> FloatArray:
    """Centred moving average along each row of a matrix, with edge padding."""
    if width <= 1:
        return m
    left = width // 2
    right = width - 1 - left
    padded = np.concatenate((np.repeat(m[:, :1], left, axis=1), m, np.repeat(m[:, -1:], right, axis=1)), axis=1)
    c = np.zeros((m.shape[0], padded.shape[1] + 1))
    np.cumsum(padded, axis=1, out=c[:, 1:])
    out: FloatArray = (c[:, width:] - c[:, :-width]) / width
    return out


def _energy_envelope(x: FloatArray, fs_hz: float) -> FloatArray:
    """Band-passed slope energy, integrated over about one QRS width."""
    low, high = _BAND_HZ
    high = min(high, 0.45 * fs_hz)
    from scipy import signal as sps  # imported on first use: RR-only work never needs it

    sos = sps.butter(2, [low, high], btype="bandpass", fs=fs_hz, output="sos")
    band = sps.sosfiltfilt(sos, x)
    # Central difference; its scale does not matter, every threshold is relative.
    slope = np.empty_like(band)
    np.subtract(band[2:], band[:-2], out=slope[1:-1])
    slope[0] = slope[1]
    slope[-1] = slope[-2]
    np.multiply(slope, slope, out=slope)
    return _moving_mean(slope, max(1, round(_INTEGRATION_S * fs_hz)))


def _local_level(heights: FloatArray) -> FloatArray:
    """A high percentile of candidate heights around each candidate (QRS complexes dominate it)."""
    n = heights.size
    w = _LEVEL_WINDOW
    if n <= 2 * w + 1:
        return np.full(n, np.percentile(heights, _LEVEL_PERCENTILE))
    padded = np.concatenate((heights[w:0:-1], heights, heights[-2 : -w - 2 : -1]))
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * w + 1)
    k = round(_LEVEL_PERCENTILE / 100.0 * 2 * w)  # the order statistic at that percentile
    # np.partition copies the windows: a block at a time keeps a day's candidates in a few MB.
    level: FloatArray = np.empty(n)
    for i in range(0, n, 8192):
        level[i : i + 8192] = np.partition(windows[i : i + 8192], k, axis=1)[:, k]
    return level


def _noise_level(env: FloatArray, cand: IntArray, fs_hz: float) -> FloatArray:
    """Background slope level at each candidate: a low percentile of the envelope over time.

    The square-root envelope is taken every 20 ms, its 30th percentile per second (QRS
    complexes fill less than that share of a second below about 200 bpm) and the median of
    those over nine seconds.
    """
    step = max(1, round(0.02 * fs_hz))
    coarse = np.sqrt(env[::step])
    block = 50  # one second of 20 ms steps
    n_blocks = coarse.size // block
    if n_blocks < 1:
        return np.full(cand.size, np.percentile(coarse, _NOISE_PERCENTILE))
    per_block = np.percentile(coarse[: n_blocks * block].reshape(n_blocks, block), _NOISE_PERCENTILE, axis=1)
    half = 4
    if n_blocks > 2 * half + 1:
        padded = np.concatenate((np.full(half, per_block[0]), per_block, np.full(half, per_block[-1])))
        per_block = np.median(np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1), axis=1)
    where = np.minimum(cand // (step * block), n_blocks - 1)
    noise: FloatArray = per_block[where]
    return noise


def _select_beats(cand: IntArray, height: FloatArray, threshold: FloatArray, fs_hz: float) -> list[int]:
    """Keep candidates above threshold, rejecting T waves that follow a beat closely."""
    t_wave = round(_T_WAVE_S * fs_hz)
    beats: list[int] = []  # positions in ``cand``
    for k in np.flatnonzero(height > threshold).tolist():
        if beats:
            last = beats[-1]
            if cand[k] - cand[last] < t_wave and height[k] < 0.5 * height[last]:
                continue
        beats.append(k)
    return beats


def _search_back(
    beats: list[int], cand: IntArray, height: FloatArray, threshold: FloatArray, fs_hz: float
) -> list[int]:
    """Look again, with a lower threshold, inside gaps much longer than the local beat interval."""
    if len(beats) < 3:
        return beats
    for _ in range(3):
        pos = cand[beats]
        rr = np.diff(pos).astype(np.float64)
        half = 4
        padded = np.concatenate((np.full(half, np.median(rr)), rr, np.full(half, np.median(rr))))
        local = np.median(np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1), axis=1)
        long_gaps = np.flatnonzero(rr > _SEARCHBACK_RR * local)
        if long_gaps.size == 0:
            break
        added: list[int] = []
        for g in long_gaps.tolist():
            a, b = beats[g], beats[g + 1]
            margin = max(_REFRACTORY_S * fs_hz, 0.4 * local[g])
            best = -1
            for k in range(a + 1, b):
                if cand[k] - cand[a] < margin or cand[b] - cand[k] < margin:
                    continue
                if height[k] <= _SEARCHBACK_THRESHOLD * threshold[k]:
                    continue
                if best < 0 or height[k] > height[best]:
                    best = k
            if best >= 0:
                added.append(best)
        if not added:
            break
        beats = sorted(set(beats).union(added))
    return beats


@dataclass(frozen=True, eq=False)
class _Candidates:
    """Envelope maxima of one stretch and what the decision needs to know about each.

    ``height`` holds every maximum, in order: the local level and the floor are percentiles
    of them all. Only the ``eligible`` ones can become beats (see :func:`_candidates`), so
    the other fields are kept for those alone: ``pos`` their sample, ``noise`` the background
    level there, and ``up_*`` and ``down_*`` the sample and size of the largest upward and
    downward deflection within 75 ms (after the local detrend and smoothing of step 7): the
    polarity, and so which of the two is the R peak, is decided once for the whole recording.
    """

    height: FloatArray
    eligible: npt.NDArray[np.bool_]
    pos: IntArray
    noise: FloatArray
    up_idx: IntArray
    up_amp: FloatArray
    down_idx: IntArray
    down_amp: FloatArray

    def take(self, keep: npt.NDArray[np.bool_], offset: int) -> _Candidates:
        """The candidates in ``keep`` (a mask over all of them), with samples moved by ``offset``."""
        mine = keep[self.eligible]
        return _Candidates(
            height=self.height[keep],
            eligible=self.eligible[keep],
            pos=self.pos[mine] + offset,
            noise=self.noise[mine],
            up_idx=self.up_idx[mine] + offset,
            up_amp=self.up_amp[mine],
            down_idx=self.down_idx[mine] + offset,
            down_amp=self.down_amp[mine],
        )

    @staticmethod
    def join(parts: list[_Candidates]) -> _Candidates:
        """The candidates of consecutive stretches, in order (the parts are emptied as they are joined)."""
        fields = {}
        for name in _CANDIDATE_FIELDS:
            fields[name] = np.concatenate([getattr(p, name) for p in parts])
        parts.clear()
        return _Candidates(**fields)


_CANDIDATE_FIELDS = ("height", "eligible", "pos", "noise", "up_idx", "up_amp", "down_idx", "down_amp")


def _deflections(x: FloatArray, approx: IntArray, fs_hz: float) -> tuple[IntArray, FloatArray, IntArray, FloatArray]:
    """The largest upward and downward deflection near each position, on the locally detrended signal."""
    half = max(1, round(_REFINE_S * fs_hz))
    offsets = np.arange(-half, half + 1)
    idx = np.clip(approx[:, None] + offsets[None, :], 0, x.size - 1)
    seg = x[idx]
    # Remove baseline wander inside each window with the line through its two ends.
    ramp = np.linspace(0.0, 1.0, offsets.size)
    seg = seg - (seg[:, :1] + (seg[:, -1:] - seg[:, :1]) * ramp)
    seg = _moving_mean_rows(seg, 2 * round(0.004 * fs_hz) + 1)  # odd, so a symmetric peak stays put
    rows = np.arange(idx.shape[0])
    up = np.argmax(seg, axis=1)
    down = np.argmin(seg, axis=1)
    return (
        idx[rows, up].astype(np.int64),
        seg[rows, up],
        idx[rows, down].astype(np.int64),
        -seg[rows, down],
    )


def _candidates(x: FloatArray, fs_hz: float) -> tuple[_Candidates, IntArray]:
    """Steps 1 to 3, the background level of step 4 and the deflections of step 7, for one stretch.

    Returns the candidates and the sample of every envelope maximum (eligible or not).
    """
    from scipy.signal import find_peaks

    env = _energy_envelope(x, fs_hz)
    cand_raw, _ = find_peaks(env, distance=max(1, round(_REFRACTORY_S * fs_hz)))
    cand = np.asarray(cand_raw, dtype=np.int64)
    height = np.sqrt(env[cand])  # amplitude scale: proportional to QRS slope
    noise = _noise_level(env, cand, fs_hz)
    # A beat clears at least half the threshold (search-back), and the threshold is at least
    # the background factor times the noise: nothing else can become a beat, so only the
    # height of the others is kept (for the local level and the floor).
    eligible = height > _SEARCHBACK_THRESHOLD * _NOISE_FACTOR * noise
    pos = cand[eligible]
    return _Candidates(height, eligible, pos, noise[eligible], *_deflections(x, pos, fs_hz)), cand


def _decide(c: _Candidates, fs_hz: float) -> tuple[IntArray, int]:
    """Steps 4 to 7 on the candidates of the whole recording: which are beats, and their R peaks."""
    if c.pos.size == 0:
        return np.empty(0, dtype=np.int64), 1
    level = _local_level(c.height)[c.eligible]
    floor = _FLOOR * float(np.percentile(c.height, _LEVEL_PERCENTILE))
    threshold = np.maximum(np.maximum(_THRESHOLD * level, _NOISE_FACTOR * c.noise), floor)
    # The rules below compare a candidate only with those above (half) its threshold, which
    # the others never are: running them on the eligible candidates alone changes nothing.
    height = c.height[c.eligible]
    beats = _select_beats(c.pos, height, threshold, fs_hz)
    beats = _search_back(beats, c.pos, height, threshold, fs_hz)
    if not beats:
        return np.empty(0, dtype=np.int64), 1
    chosen = np.asarray(beats, dtype=np.int64)
    polarity = 1 if np.median(c.up_amp[chosen]) >= np.median(c.down_amp[chosen]) else -1
    peaks = (c.up_idx if polarity > 0 else c.down_idx)[chosen]
    amplitude = (c.up_amp if polarity > 0 else c.down_amp)[chosen]
    # Two detections that settled on peaks closer than the refractory period are one beat.
    refractory = round(_REFRACTORY_S * fs_hz)
    keep = np.ones(peaks.size, dtype=bool)
    last = 0
    for k in range(1, peaks.size):
        if peaks[k] - peaks[last] < refractory:
            if amplitude[k] > amplitude[last]:
                keep[last] = False
                last = k
            else:
                keep[k] = False
        else:
            last = k
    refined: IntArray = peaks[keep]
    return refined, polarity


def _detect_uniform(x: FloatArray, fs_hz: float) -> tuple[IntArray, int]:
    return _decide(_candidates(x, fs_hz)[0], fs_hz)


def _noise_block_samples(fs_hz: float) -> int:
    """Samples in one second of the background level's 20 ms steps (stretches start on these)."""
    return max(1, round(0.02 * fs_hz)) * 50


def detect_r_peaks_stream(
    blocks: Iterable[npt.ArrayLike], fs_hz: float, *, stretch_s: float = 300.0, margin_s: float = 10.0
) -> RPeaks:
    """Find R peaks in an ECG read block by block, in memory bounded by ``stretch_s``.

    Parameters
    ----------
    blocks : iterable of array_like
        Consecutive pieces of one evenly sampled lead, of any sizes (a file read in chunks).
    fs_hz : float
        The sampling rate.
    stretch_s, margin_s : float
        Steps 1 to 3 of :func:`detect_r_peaks` run on stretches of about ``stretch_s``
        seconds, each read with ``margin_s`` more on either side; only the candidates
        inside the stretch itself are kept. The rest of the detector works on the
        candidates of the whole recording.

    Returns
    -------
    RPeaks
        The same peaks as :func:`detect_r_peaks` on the whole signal at once.

    Raises
    ------
    ValueError
        As :func:`detect_r_peaks`.

    Notes
    -----
    Every step before the decision looks no further than a few seconds: the filter's
    response dies out within a second, the envelope integrates 100 ms, candidates are
    200 ms apart, the background level takes nine one-second blocks, and the R peak is
    searched within 75 ms. With 10 s margins and stretches that start on the background
    level's one-second blocks, each candidate is computed from the same samples as on the
    whole signal. The level of step 4 (41 candidates around), the recording-wide floor,
    the T-wave rule, the search-back and the polarity then run once on all candidates,
    a few per second. Memory: one stretch with its margins as float64 (about 1 MB at
    360 Hz), plus the candidates (about 60 bytes each).
    """
    fs = _check_rate(fs_hz)
    unit = _noise_block_samples(fs)
    stretch = max(1, int(np.ceil(stretch_s * fs / unit))) * unit
    margin = max(1, int(np.ceil(margin_s * fs / unit))) * unit
    parts: list[_Candidates] = []
    buf = np.empty(0)
    buf_start = 0  # global index of buf[0]
    next_core = 0  # global index where the next stretch starts
    total = 0
    pending = iter(blocks)
    ended = False
    while not ended or next_core < total:
        if not ended and total < next_core + stretch + margin:
            block = next(pending, None)
            if block is None:
                ended = True
            else:
                arr = _as_float_1d(block, "ecg block")
                if not np.all(np.isfinite(arr)):
                    raise ValueError("ecg holds NaN or infinite values; remove or fill the gaps first")
                buf = np.concatenate((buf, arr))
                total += arr.size
        need_end = next_core + stretch + margin
        if not ended and total < need_end:
            continue
        if ended and total < _min_samples(fs):
            raise ValueError(
                f"need at least {MIN_DURATION_S:g} s of ECG ({_min_samples(fs)} samples at {fs:g} Hz), "
                f"got {total} samples"
            )
        if ended and total <= next_core:
            break
        core_end = total if ended and total <= need_end else next_core + stretch
        lo = max(next_core - margin, 0)
        hi = min(core_end + margin, total)
        found, maxima = _candidates(buf[lo - buf_start : hi - buf_start], fs)
        inside = (maxima >= next_core - lo) & (maxima < core_end - lo)
        parts.append(found.take(inside, lo))
        next_core = core_end
        drop = max(next_core - margin, 0) - buf_start
        buf, buf_start = buf[drop:], buf_start + drop
    idx, polarity = _decide(_Candidates.join(parts), fs) if parts else (np.empty(0, dtype=np.int64), 1)
    return RPeaks(indices=idx, times_s=idx / fs, fs_hz=fs, polarity=polarity)


def _check_rate(fs_hz: float | None) -> float:
    if fs_hz is None:
        raise ValueError("give the sampling rate fs_hz, or the time of every sample as t_s")
    fs = float(fs_hz)
    if not np.isfinite(fs) or fs < MIN_FS_HZ:
        raise ValueError(f"fs_hz must be at least {MIN_FS_HZ:g} Hz, got {fs_hz}")
    return fs


def _min_samples(fs: float) -> int:
    return int(np.ceil(MIN_DURATION_S * fs))


def detect_r_peaks(
    ecg: npt.ArrayLike,
    fs_hz: float | None = None,
    *,
    t_s: npt.ArrayLike | None = None,
) -> RPeaks:
    """Find the R peak of every heartbeat in a single-lead ECG.

    Parameters
    ----------
    ecg : array_like
        The ECG samples in any unit (mV or raw converter counts); the polarity of the lead
        does not matter.
    fs_hz : float, optional
        The sampling rate, validated from 100 to 1000 Hz. Required unless ``t_s`` is given.
    t_s : array_like, optional
        The time of every sample in seconds, for recordings whose samples are not evenly
        spaced (chest straps log them so). The signal is resampled onto an even grid at
        ``fs_hz`` (default: one over the median interval) for detection, and each peak is
        mapped back to the nearest recorded sample.

    Returns
    -------
    RPeaks
        Indices into ``ecg`` and times in seconds of the R peaks.

    Raises
    ------
    ValueError
        If the input is not one-dimensional, holds NaN or infinity, is sampled below 50 Hz,
        is shorter than two seconds, or ``t_s`` is not strictly increasing.

    Notes
    -----
    1. Zero-phase Butterworth band-pass, 5 to 18 Hz (order 2, forward and backward).
    2. Squared slope, integrated over a 100 ms moving window: the QRS energy envelope.
    3. Candidates are the envelope's maxima at least 200 ms apart (the refractory period).
    4. A candidate is a beat when the square root of its energy exceeds 30 % of the 80th
       percentile of the 41 candidates around it (a level that follows amplitude changes and
       is not moved by a single artefact), 2.25 times the background level (the 30th
       percentile of the envelope per second, median over nine seconds) and 10 % of the
       recording-wide level.
    5. A candidate within 360 ms of a beat with less than half its energy is a T wave.
    6. Gaps longer than 1.66 times the local median interval are searched again with half the
       threshold, as in Pan and Tompkins [1]_.
    7. The R peak is the dominant deflection, within 75 ms, of the recorded signal after a
       local straight-line detrend and a moving average of about 8 ms; the polarity is chosen once
       per recording.

    On MIT-BIH record 100 (lead MLII) it finds all 2273 labelled beats and nothing else with a
    150 ms match window; ``tests/core/test_ecg.py`` prints the figures.

    References
    ----------
    .. [1] Pan J, Tompkins WJ. A real-time QRS detection algorithm. IEEE Trans Biomed Eng
       32(3):230-236 (1985).
    .. [2] Hamilton PS, Tompkins WJ. Quantitative investigation of QRS detection rules using
       the MIT/BIH arrhythmia database. IEEE Trans Biomed Eng 33(12):1157-1165 (1986).
    """
    x = _as_float_1d(ecg, "ecg")
    if t_s is None:
        fs = _check_rate(fs_hz)
        need = _min_samples(fs)
        if x.size < need:
            raise ValueError(
                f"need at least {MIN_DURATION_S:g} s of ECG ({need} samples at {fs:g} Hz), got {x.size} samples"
            )
        if not np.all(np.isfinite(x)):
            raise ValueError("ecg holds NaN or infinite values; remove or fill the gaps first")
        idx, polarity = _detect_uniform(x, fs)
        return RPeaks(indices=idx, times_s=idx / fs, fs_hz=fs, polarity=polarity)

    t = _as_float_1d(t_s, "t_s")
    if t.size != x.size:
        raise ValueError(f"t_s has {t.size} timestamps but ecg has {x.size} samples")
    if x.size < 2:
        raise ValueError(f"need at least {MIN_DURATION_S:g} s of ECG, got {x.size} samples")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(x))):
        raise ValueError("ecg and t_s must not hold NaN or infinite values")
    dt = np.diff(t)
    if np.any(dt <= 0):
        first = int(np.flatnonzero(dt <= 0)[0])
        raise ValueError(f"t_s must be strictly increasing; sample {first + 1} is not later than sample {first}")
    duration = float(t[-1] - t[0])
    if duration < MIN_DURATION_S:
        raise ValueError(f"need at least {MIN_DURATION_S:g} s of ECG, got {duration:.3g} s")
    fs = float(fs_hz) if fs_hz is not None else float(1.0 / np.median(dt))
    if not np.isfinite(fs) or fs < MIN_FS_HZ:
        raise ValueError(f"the sampling rate must be at least {MIN_FS_HZ:g} Hz, got {fs:.4g} Hz")
    grid = t[0] + np.arange(int(np.floor(duration * fs)) + 1) / fs
    uniform = np.interp(grid, t, x)
    idx_u, polarity = _detect_uniform(uniform, fs)
    # Map each peak to the recorded sample nearest in time, then to the highest of its neighbours.
    peak_t = grid[idx_u]
    right = np.clip(np.searchsorted(t, peak_t), 1, t.size - 1)
    nearest = np.where(peak_t - t[right - 1] <= t[right] - peak_t, right - 1, right)
    lo = np.clip(nearest - 1, 0, x.size - 1)
    hi = np.clip(nearest + 1, 0, x.size - 1)
    trio = np.stack((lo, nearest, hi), axis=1)
    best = trio[np.arange(trio.shape[0]), np.argmax(polarity * x[trio], axis=1)]
    idx = np.unique(best).astype(np.int64)
    return RPeaks(indices=idx, times_s=t[idx], fs_hz=fs, polarity=polarity)


def evaluate_beats(
    detected_times_s: npt.ArrayLike,
    reference_times_s: npt.ArrayLike,
    tolerance_s: float = 0.15,
) -> BeatMatch:
    """Compare detected beats with reference labels, one to one, within a match window.

    Pairs are formed closest first: every (reference, detection) pair closer than
    ``tolerance_s`` is considered in order of increasing time difference and kept when
    neither beat is already matched. This is the beat-by-beat comparison of ANSI/AAMI EC57
    [1]_ with its 150 ms window, over the whole recording (no learning period excluded).

    Parameters
    ----------
    detected_times_s, reference_times_s : array_like
        Beat times in seconds, in any order.
    tolerance_s : float, default 0.15
        The largest time difference that still counts as the same beat.

    Returns
    -------
    BeatMatch

    References
    ----------
    .. [1] ANSI/AAMI EC57:2012, Testing and reporting performance results of cardiac rhythm
       and ST segment measurement algorithms.
    """
    det = np.sort(_as_float_1d(detected_times_s, "detected_times_s"))
    ref = np.sort(_as_float_1d(reference_times_s, "reference_times_s"))
    if not (np.all(np.isfinite(det)) and np.all(np.isfinite(ref))):
        raise ValueError("beat times must be finite")
    if not tolerance_s > 0:
        raise ValueError(f"tolerance_s must be positive, got {tolerance_s}")
    lo = np.searchsorted(det, ref - tolerance_s, side="left")
    hi = np.searchsorted(det, ref + tolerance_s, side="right")
    counts = hi - lo
    ref_idx = np.repeat(np.arange(ref.size), counts)
    starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
    det_idx = starts + np.arange(ref_idx.size)
    diff = np.abs(det[det_idx] - ref[ref_idx])
    order = np.argsort(diff, kind="stable")
    ref_used = np.zeros(ref.size, dtype=bool)
    det_used = np.zeros(det.size, dtype=bool)
    offsets: list[float] = []
    for r, d, e in zip(ref_idx[order].tolist(), det_idx[order].tolist(), diff[order].tolist(), strict=True):
        if ref_used[r] or det_used[d]:
            continue
        ref_used[r] = True
        det_used[d] = True
        offsets.append(e)
    tp = len(offsets)
    fn = int(ref.size - tp)
    fp = int(det.size - tp)
    return BeatMatch(
        tp=tp,
        fp=fp,
        fn=fn,
        sensitivity=tp / ref.size if ref.size else float("nan"),
        ppv=tp / det.size if det.size else float("nan"),
        tolerance_s=float(tolerance_s),
        mean_abs_offset_s=float(np.mean(offsets)) if offsets else float("nan"),
    )
