"""One call for a whole recording: cleaning, time, frequency, nonlinear and breathing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attune.core._common import ArrayLike, FloatArray, as_rr_ms
from attune.core.artifacts import CleanedRR, CleaningMethod, clean_rr
from attune.core.breathing import BREATHING_WINDOW_S, BreathingRate, breathing_rate
from attune.core.frequency import MIN_DURATION_S, FrequencyDomain, SpectrumMethod, frequency_domain
from attune.core.nonlinear import MIN_BEATS as NONLINEAR_MIN_BEATS
from attune.core.nonlinear import Nonlinear, nonlinear
from attune.core.time_domain import TimeDomain, time_domain


@dataclass(frozen=True, eq=False)
class HRVReport:
    """A full analysis of one recording.

    Attributes
    ----------
    cleaning : CleanedRR
        What was flagged and changed, and the NN series.
    time : TimeDomain
        Time domain on the NN series.
    raw_time : TimeDomain
        Time domain on the uncleaned RR series, for comparison (for example RMSSD
        before and after cleaning).
    frequency : FrequencyDomain or None
        None when there is less than 60 s of beats (see ``notes``).
    nonlinear : Nonlinear or None
        None with fewer than 32 NN intervals.
    breathing : BreathingRate or None
        Averaged over 64 s windows; None with less than 64 s of beats.
    notes : tuple of str
        Why a part is missing, in plain words.
    """

    cleaning: CleanedRR
    time: TimeDomain
    raw_time: TimeDomain
    frequency: FrequencyDomain | None
    nonlinear: Nonlinear | None
    breathing: BreathingRate | None
    notes: tuple[str, ...]

    @property
    def nn_ms(self) -> FloatArray:
        """The cleaned intervals (shortcut for ``cleaning.nn_ms``)."""
        return self.cleaning.nn_ms


def analyze_rr(
    rr_ms: ArrayLike,
    *,
    clean_method: CleaningMethod = "lipponen2019",
    frequency_method: SpectrumMethod = "welch",
) -> HRVReport:
    """Clean an RR series and compute every metric that its length supports.

    Parameters
    ----------
    rr_ms : array_like
        RR intervals in ms, at least 3.
    clean_method : {"lipponen2019", "threshold"}
        See :func:`attune.core.clean_rr`.
    frequency_method : {"welch", "lomb"}
        See :func:`attune.core.frequency_domain` (all other settings at their
        Kubios-like defaults, returned in ``report.frequency.settings``).

    Returns
    -------
    HRVReport

    Raises
    ------
    ValueError
        With fewer than 3 intervals or invalid values.

    Notes
    -----
    Every step is linear in time and memory in the number of beats (sample
    entropy runs on fixed 300-beat segments), so a 24-hour recording of about
    100 000 beats is analysed in bounded memory.
    """
    rr = as_rr_ms(rr_ms, what="analyze_rr", min_beats=3)
    cleaned = clean_rr(rr, method=clean_method)
    nn = cleaned.nn_ms
    notes: list[str] = []
    duration_s = float(np.sum(nn)) / 1000.0
    freq: FrequencyDomain | None = None
    if duration_s >= MIN_DURATION_S and nn.size >= 10:
        freq = frequency_domain(nn, method=frequency_method)
    else:
        notes.append(f"Frequency domain needs at least {MIN_DURATION_S:g} s of beats; this has {duration_s:.0f} s.")
    nl: Nonlinear | None = None
    if nn.size >= NONLINEAR_MIN_BEATS:
        nl = nonlinear(nn)
    else:
        notes.append(f"Nonlinear measures need at least {NONLINEAR_MIN_BEATS} beats; this has {nn.size}.")
    br: BreathingRate | None = None
    if duration_s >= BREATHING_WINDOW_S:
        br = breathing_rate(nn, window_s=BREATHING_WINDOW_S, average=True)
    else:
        notes.append(f"Breathing rate needs at least {BREATHING_WINDOW_S:g} s of beats; this has {duration_s:.0f} s.")
    return HRVReport(
        cleaning=cleaned,
        time=time_domain(nn),
        raw_time=time_domain(rr),
        frequency=freq,
        nonlinear=nl,
        breathing=br,
        notes=tuple(notes),
    )
