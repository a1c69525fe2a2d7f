"""A person's own baseline: a rolling 7-day mean against a 60-day normal band, weekly ranges, and
a correlation that carries its interval.

These follow the morning-reading apps (HRV4Training, Elite HRV): one reading a day, usually
ln RMSSD, compared with the person's own recent history rather than with a population norm.

Days are integers (days since 1970-01-01 in the person's own time zone, e.g.
``date.toordinal() - 719163``), so the functions stay free of calendars and zones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import norm

from attune.core._common import ArrayLike, FloatArray

__all__ = [
    "CALIBRATION_READINGS",
    "NORMAL_DAYS",
    "ROLLING_DAYS",
    "Baseline",
    "Correlation",
    "WeeklyRanges",
    "correlation",
    "daily_baseline",
    "weekly_ranges",
]

ROLLING_DAYS = 7
NORMAL_DAYS = 60
CALIBRATION_READINGS = 14
_MIN_CORRELATION_PAIRS = 4  # Fisher's z needs n - 3 > 0

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Baseline:
    """One value per day with a reading, and the person's baseline on that day.

    All arrays have one entry per day with at least one reading, oldest first.

    Attributes
    ----------
    day : ndarray of int64
        The day number.
    value : ndarray of float64
        The day's value: the mean of that day's readings.
    readings : ndarray of int64
        How many days with a reading there are up to and including this one.
    rolling_mean : ndarray of float64
        The mean of the daily values in the ``rolling_days`` days ending on this day (days
        without a reading are left out, not counted as zero).
    normal_mean, normal_sd : ndarray of float64
        Mean and sample standard deviation (``ddof=1``) of the daily values in the
        ``normal_days`` days ending on this day; ``normal_sd`` is NaN with fewer than two.
    calibrating : ndarray of bool
        True while fewer than ``calibration_readings`` days have a reading: the band is not
        yet worth showing as the person's normal.
    """

    day: IntArray
    value: FloatArray
    readings: IntArray
    rolling_mean: FloatArray
    normal_mean: FloatArray
    normal_sd: FloatArray
    calibrating: BoolArray

    @property
    def normal_low(self) -> FloatArray:
        """``normal_mean - normal_sd``."""
        return self.normal_mean - self.normal_sd

    @property
    def normal_high(self) -> FloatArray:
        """``normal_mean + normal_sd``."""
        return self.normal_mean + self.normal_sd

    def __len__(self) -> int:
        return int(self.day.size)


def _as_days_and_values(day: ArrayLike, value: ArrayLike, what: str) -> tuple[IntArray, FloatArray]:
    d = np.asarray(day)
    v = np.asarray(value, dtype=np.float64)
    if d.ndim != 1 or v.ndim != 1 or d.shape != v.shape:
        raise ValueError(f"{what} needs two one-dimensional arrays of the same length; got {d.shape} and {v.shape}.")
    if d.size and not np.all(np.asarray(d, dtype=np.float64) == np.floor(np.asarray(d, dtype=np.float64))):
        raise ValueError(f"{what} needs whole day numbers.")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{what} needs finite values; the input holds NaN or infinity.")
    return d.astype(np.int64), v


def _daily_means(d: IntArray, v: FloatArray) -> tuple[IntArray, FloatArray]:
    days, inverse = np.unique(d, return_inverse=True)
    sums = np.bincount(inverse, weights=v, minlength=days.size)
    counts = np.bincount(inverse, minlength=days.size)
    return days.astype(np.int64), sums / counts


def _trailing(days: IntArray, window_days: int) -> IntArray:
    """For each day, the index of the first day within ``window_days`` days ending on it."""
    return np.searchsorted(days, days - (window_days - 1), side="left").astype(np.int64)


def daily_baseline(
    day: ArrayLike,
    value: ArrayLike,
    *,
    rolling_days: int = ROLLING_DAYS,
    normal_days: int = NORMAL_DAYS,
    calibration_readings: int = CALIBRATION_READINGS,
) -> Baseline:
    """A rolling mean and a normal band for one value a day (HRV4Training's method).

    Parameters
    ----------
    day : array_like of int
        The day of each reading (days since 1970-01-01 in the person's zone); any order,
        repeats allowed (a day's readings are averaged).
    value : array_like of float
        The readings, on the scale to compare: pass ``np.log(rmssd_ms)`` for ln RMSSD (its
        day-to-day spread is closer to symmetric than RMSSD's), beats per minute for resting
        heart rate.
    rolling_days : int
        The window of the rolling mean, in days, ending on (and including) each day. 7.
    normal_days : int
        The window of the normal band, in days, ending on each day. 60.
    calibration_readings : int
        Days with a reading needed before the baseline stops calibrating. 14.

    Returns
    -------
    Baseline

    Raises
    ------
    ValueError
        On arrays of different lengths, non-finite values, fractional days, or windows under 1 day.

    Notes
    -----
    Windows count calendar days, not readings: a 7-day mean on a day with readings on only three
    of the last seven days is the mean of those three. The band is the mean ± one sample standard
    deviation of the daily values (not of the rolling means) in the last ``normal_days`` days,
    today included, as the morning-reading apps draw their "normal range". Both windows include
    the day itself, so a value is always inside its own windows.

    References
    ----------
    .. [1] Plews, D. J., Laursen, P. B., Kilding, A. E., & Buchheit, M. (2012). Heart rate
       variability in elite triathletes: is variation in variability the key to effective
       training? European Journal of Applied Physiology, 112(11), 3729-3741.
    .. [2] Altini, M., & Plews, D. (2021). What is behind changes in resting heart rate and heart
       rate variability? A large-scale analysis of longitudinal measurements acquired in
       free-living. Sensors, 21(23), 7932.
    """
    if rolling_days < 1 or normal_days < 1 or calibration_readings < 0:
        raise ValueError("rolling_days and normal_days must be at least 1, calibration_readings 0 or more.")
    d, v = _as_days_and_values(day, value, "daily_baseline")
    days, daily = _daily_means(d, v)
    n = days.size
    cumsum = np.concatenate([[0.0], np.cumsum(daily)])
    stop = np.arange(1, n + 1, dtype=np.int64)

    roll_start = _trailing(days, rolling_days)
    rolling_mean = (cumsum[stop] - cumsum[roll_start]) / (stop - roll_start)

    norm_start = _trailing(days, normal_days)
    count = (stop - norm_start).astype(np.float64)
    total = cumsum[stop] - cumsum[norm_start]
    normal_mean = total / count
    # Sample variance by centred sums per window: cheap for the few hundred days a person has and
    # free of the cancellation that sum-of-squares formulas suffer with ln values near each other.
    normal_sd = np.full(n, np.nan)
    for i in range(n):
        if count[i] >= 2:
            window = daily[norm_start[i] : i + 1]
            normal_sd[i] = float(np.std(window, ddof=1))
    readings = stop.copy()
    return Baseline(
        day=days,
        value=daily,
        readings=readings,
        rolling_mean=rolling_mean,
        normal_mean=normal_mean,
        normal_sd=normal_sd,
        calibrating=readings < calibration_readings,
    )


@dataclass(frozen=True, eq=False)
class WeeklyRanges:
    """A weekly mean with its range, one entry per week (Monday to Sunday) with any reading.

    Attributes
    ----------
    week_start : ndarray of int64
        The day number of the week's Monday.
    n : ndarray of int64
        Readings in the week.
    mean, low, high : ndarray of float64
        Mean, smallest and largest reading of the week.
    """

    week_start: IntArray
    n: IntArray
    mean: FloatArray
    low: FloatArray
    high: FloatArray

    def __len__(self) -> int:
        return int(self.week_start.size)


def weekly_ranges(day: ArrayLike, value: ArrayLike) -> WeeklyRanges:
    """Weekly means with the lowest and highest reading of each week.

    Parameters
    ----------
    day : array_like of int
        The day of each reading (days since 1970-01-01, a Thursday); weeks start on Monday.
    value : array_like of float
        The readings (felt safety or felt connection, 0 to 10, for example).

    Returns
    -------
    WeeklyRanges
        Weeks without a reading are left out.
    """
    d, v = _as_days_and_values(day, value, "weekly_ranges")
    monday = d - (d + 3) % 7  # day 0 was a Thursday, so day -3 was a Monday
    weeks, inverse = np.unique(monday, return_inverse=True)
    counts = np.bincount(inverse, minlength=weeks.size).astype(np.int64)
    mean = np.bincount(inverse, weights=v, minlength=weeks.size) / np.maximum(counts, 1)
    low = np.full(weeks.size, np.inf)
    high = np.full(weeks.size, -np.inf)
    np.minimum.at(low, inverse, v)
    np.maximum.at(high, inverse, v)
    return WeeklyRanges(week_start=weeks.astype(np.int64), n=counts, mean=mean, low=low, high=high)


@dataclass(frozen=True)
class Correlation:
    """Pearson's r with a confidence interval from Fisher's z transformation.

    Attributes
    ----------
    n : int
        Pairs used.
    r : float
        Pearson's correlation coefficient.
    low, high : float
        The interval's ends, on the r scale.
    confidence : float
        The interval's level, e.g. 0.95.
    """

    n: int
    r: float
    low: float
    high: float
    confidence: float

    @property
    def excludes_zero(self) -> bool:
        """Whether the whole interval lies on one side of zero."""
        return self.low > 0 or self.high < 0


def correlation(x: ArrayLike, y: ArrayLike, *, confidence: float = 0.95) -> Correlation:
    """Pearson's r between paired values, with a Fisher-z confidence interval.

    Parameters
    ----------
    x, y : array_like of float
        Paired values (for example a day's felt safety and that morning's ln RMSSD).
    confidence : float
        The interval's level, between 0 and 1. 0.95.

    Returns
    -------
    Correlation

    Raises
    ------
    ValueError
        With fewer than 4 pairs, arrays of different lengths, non-finite values, or when either
        series is constant (r is undefined).

    Notes
    -----
    ``z = atanh(r)`` is roughly normal with standard error ``1 / sqrt(n - 3)``; the interval is
    ``tanh(z ± q / sqrt(n - 3))`` with ``q`` the normal quantile for ``confidence``. It assumes
    independent pairs: successive days of one person are not quite independent, so the interval
    is, if anything, too narrow. A correlation says the two moved together, not that one caused
    the other.

    References
    ----------
    .. [1] Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation deduced
       from a small sample. Metron, 1, 3-32.
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1.")
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"correlation needs two one-dimensional arrays of the same length; got {a.shape}, {b.shape}.")
    if a.size < _MIN_CORRELATION_PAIRS:
        raise ValueError(f"correlation needs at least {_MIN_CORRELATION_PAIRS} pairs; got {a.size}.")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("correlation needs finite values; the input holds NaN or infinity.")
    da, db = a - a.mean(), b - b.mean()
    sa, sb = math.sqrt(float(np.dot(da, da))), math.sqrt(float(np.dot(db, db)))
    if sa == 0 or sb == 0:
        raise ValueError("correlation is undefined when one of the series does not vary.")
    r = max(-1.0, min(1.0, float(np.dot(da, db)) / (sa * sb)))
    n = int(a.size)
    q = float(norm.ppf(0.5 + confidence / 2))
    z = math.atanh(max(-0.999999999, min(0.999999999, r)))
    half = q / math.sqrt(n - 3)
    return Correlation(n=n, r=r, low=math.tanh(z - half), high=math.tanh(z + half), confidence=confidence)
