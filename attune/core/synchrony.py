"""Heart-rate synchrony of two people breathing together, with a time-shift null.

Two heart-rate series (each person's beats on one shared clock) are resampled on a common grid
over the last ``window_s`` seconds, band-passed to the breathing band, and correlated at zero
lag. The same correlation is computed against circularly time-shifted copies of the second
series (shifts of at least ``min_shift_s``, all the way round the window): the surrogates keep
each heart's own rhythm and spectrum but break the timing between the two people. The result
says how often a shifted copy lines up at least as well as the real pair did.

Two hearts that both follow one slow pacer swing at the same frequency, so a shift of a whole
breath lines them up again and the null is high too: ``r`` says how closely the two are in step,
and ``null_p95`` how much of that the shared rhythm alone, at an arbitrary timing, would give.
Both are shown; "beyond chance" only when ``p_value`` is under 0.05.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from scipy import signal

from attune.core._common import ArrayLike, FloatArray

BREATHING_BAND_HZ = (0.04, 0.26)  # the band coherence uses (docs/hrv.md): 2.4 to 15.6 breaths a minute
GRID_FS_HZ = 4.0
RR_RANGE_MS = (300.0, 2000.0)
MAX_ARTIFACT_FRACTION = 0.1
MAX_GAP_S = 3.0

REASON_KINDS: Final[dict[str, str]] = {
    "window": "not yet a full window of beats",
    "gap": "a gap in the beats",
    "irregular": "too many irregular beats",
    "flat": "A heart rate with no swing at all",
}
"""Why a reading is calibrating, by ``Synchrony.reason_kind``: the English words of ``reason``.
The first three are about one person's beats (``reason_values`` says whose) and follow "You: " or
"Your partner: "; ``flat`` stands alone."""


@dataclass(frozen=True)
class Synchrony:
    """Zero-lag correlation of two breathing-band heart rates, against time-shifted surrogates.

    Attributes
    ----------
    calibrating : bool
        True when either series lacks ``window_s`` of clean beats; every number is then None.
    reason : str
        Why it is calibrating, in English and from person A's side ("You: a gap in the beats",
        "Your partner: ..."; "" when it is not calibrating).
    r : float or None
        Pearson correlation of the two band-passed heart-rate series, -1 to 1.
    null_p95 : float or None
        95th percentile of the same correlation over the time-shifted surrogates.
    p_value : float or None
        ``(1 + shifts with r_shift >= r) / (1 + shifts)``: one-sided, in-phase.
    n_surrogates : int
        How many shifts formed the null.
    window_s : float
    reason_kind : str
        Which reason it is (a key of :data:`REASON_KINDS`; "" when not calibrating), so that a
        caller can word it in another language or from person B's side.
    reason_values : tuple of (str, str)
        What fills it: ``("person", "a")`` or ``("person", "b")``, whose beats are not clean
        enough (empty for ``flat``).
    """

    calibrating: bool
    reason: str
    r: float | None
    null_p95: float | None
    p_value: float | None
    n_surrogates: int
    window_s: float
    reason_kind: str = ""
    reason_values: tuple[tuple[str, str], ...] = ()


def _clean_hr(t_s: FloatArray, rr_ms: FloatArray, start_s: float, end_s: float) -> tuple[FloatArray, FloatArray] | str:
    """Beats inside the window as (times, heart rate), or why they are not clean enough (a key of
    :data:`REASON_KINDS`)."""
    inside = (t_s >= start_s - MAX_GAP_S) & (t_s <= end_s + MAX_GAP_S)
    t, rr = t_s[inside], rr_ms[inside]
    if t.size < 10 or t[0] > start_s + MAX_GAP_S or t[-1] < end_s - MAX_GAP_S:
        return "window"
    if np.any(np.diff(t) > MAX_GAP_S):
        return "gap"
    med = signal.medfilt(rr, 9) if rr.size >= 9 else np.full_like(rr, np.median(rr))
    bad = (rr < RR_RANGE_MS[0]) | (rr > RR_RANGE_MS[1]) | (np.abs(rr - med) > 0.25 * med)
    if bad.mean() > MAX_ARTIFACT_FRACTION:
        return "irregular"
    return t[~bad], 60_000.0 / rr[~bad]


def _calibrating(reason: str, window_s: float, kind: str, person: str = "") -> Synchrony:
    values = (("person", person),) if person else ()
    return Synchrony(True, reason, None, None, None, 0, window_s, kind, values)


def heart_rate_synchrony(
    t_a_s: ArrayLike,
    rr_a_ms: ArrayLike,
    t_b_s: ArrayLike,
    rr_b_ms: ArrayLike,
    *,
    end_s: float,
    window_s: float = 60.0,
    band_hz: tuple[float, float] = BREATHING_BAND_HZ,
    min_shift_s: float = 5.0,
    shift_step_s: float = 0.5,
) -> Synchrony:
    """How in step two hearts were over the last ``window_s`` seconds before ``end_s``.

    Parameters
    ----------
    t_a_s, rr_a_ms : array_like
        Person A's beat times (s, on the clock both share; ascending) and RR intervals (ms).
    t_b_s, rr_b_ms : array_like
        The same for person B.
    end_s : float
        The end of the window on the shared clock.
    window_s : float
        Window length (60 s).
    band_hz : (float, float)
        Breathing band for the band-pass (0.04 to 0.26 Hz, as coherence).
    min_shift_s : float
        Smallest surrogate shift; shifts run from this to ``window_s - min_shift_s``.
    shift_step_s : float
        Spacing of the shifts.

    Returns
    -------
    Synchrony
        ``calibrating`` until both have ``window_s`` of clean beats (no gap over 3 s, at most
        10 % irregular beats: outside 300 to 2000 ms or over 25 % from a 9-beat running median).

    Notes
    -----
    Each heart rate (60000 / RR, irregular beats left out) is linearly interpolated on a 4 Hz
    grid, detrended, and filtered with a 2nd-order Butterworth band-pass run forwards and
    backwards (zero phase, ``scipy.signal.sosfiltfilt``). ``r`` is their Pearson correlation at
    lag 0. Surrogates: B's filtered series circularly shifted by each multiple of
    ``shift_step_s`` from ``min_shift_s`` to ``window_s - min_shift_s`` (time-shift surrogates;
    the wrap joins the window's ends, a small discontinuity accepted for keeping each series'
    own spectrum).

    References
    ----------
    .. [1] Palumbo RV et al. (2017). Interpersonal autonomic physiology: a systematic review of the
       literature. Pers Soc Psychol Rev 21(2):99-141 (on surrogate nulls for physiological synchrony).
    .. [2] Moulder RG, Boker SM, Ramseyer F, Tschacher W (2018). Determining synchrony between
       behavioral time series: an application of surrogate data generation for establishing
       falsifiable null-hypotheses. Psychol Methods 23(4):757-773.
    """
    ta, ra = np.asarray(t_a_s, dtype=np.float64), np.asarray(rr_a_ms, dtype=np.float64)
    tb, rb = np.asarray(t_b_s, dtype=np.float64), np.asarray(rr_b_ms, dtype=np.float64)
    if ta.shape != ra.shape or tb.shape != rb.shape or ta.ndim != 1 or tb.ndim != 1:
        raise ValueError("Each person's beat times and RR intervals must be 1-D arrays of one length.")
    if not (window_s > 0 and 0 < band_hz[0] < band_hz[1] < GRID_FS_HZ / 2):
        raise ValueError(f"Need window_s > 0 and 0 < band < {GRID_FS_HZ / 2} Hz; got {window_s}, {band_hz}.")
    if not 0 < min_shift_s < window_s / 2 or shift_step_s <= 0:
        raise ValueError("min_shift_s must lie between 0 and half the window, and shift_step_s be positive.")
    if window_s * band_hz[0] < 2:
        raise ValueError("The window must hold at least two cycles of the band's slowest frequency.")
    start_s = end_s - window_s
    a = _clean_hr(ta, ra, start_s, end_s)
    if isinstance(a, str):
        return _calibrating(f"You: {REASON_KINDS[a]}", window_s, a, "a")
    b = _clean_hr(tb, rb, start_s, end_s)
    if isinstance(b, str):
        return _calibrating(f"Your partner: {REASON_KINDS[b]}", window_s, b, "b")
    grid = start_s + np.arange(round(window_s * GRID_FS_HZ)) / GRID_FS_HZ
    sos = signal.butter(2, band_hz, btype="bandpass", fs=GRID_FS_HZ, output="sos")
    ya = signal.sosfiltfilt(sos, signal.detrend(np.interp(grid, a[0], a[1])))
    yb = signal.sosfiltfilt(sos, signal.detrend(np.interp(grid, b[0], b[1])))
    if not (np.std(ya) > 0 and np.std(yb) > 0):
        return _calibrating(REASON_KINDS["flat"], window_s, "flat")
    ya = (ya - ya.mean()) / ya.std()
    yb = (yb - yb.mean()) / yb.std()
    r = float(np.mean(ya * yb))
    steps = np.arange(round(min_shift_s * GRID_FS_HZ), round((window_s - min_shift_s) * GRID_FS_HZ) + 1)
    steps = steps[:: max(1, round(shift_step_s * GRID_FS_HZ))]
    null = np.array([np.mean(ya * np.roll(yb, int(k))) for k in steps])
    p = float((1 + np.count_nonzero(null >= r)) / (1 + null.size))
    return Synchrony(False, "", r, float(np.percentile(null, 95)), p, int(null.size), window_s)
