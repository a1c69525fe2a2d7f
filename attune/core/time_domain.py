"""Time-domain heart rate variability."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from attune.core._common import ArrayLike, as_rr_ms

_MIN_BEATS = 3


@dataclass(frozen=True)
class TimeDomain:
    """Time-domain indices of an NN series (all in ms unless the name says otherwise).

    Attributes
    ----------
    n_intervals : int
        Number of NN intervals ``N``.
    duration_s : float
        Sum of the intervals, in s.
    mean_nn_ms : float
        ``sum(NN) / N``.
    mean_hr_bpm : float
        Mean of the instantaneous heart rate, ``sum(60000 / NN_i) / N``.
    sdnn_ms : float
        Sample standard deviation of NN, denominator ``N - 1``.
    rmssd_ms : float
        ``sqrt(sum(d_i**2) / (N - 1))`` with ``d_i = NN_{i+1} - NN_i``: the mean is
        over the ``N - 1`` successive differences.
    sdsd_ms : float
        Sample standard deviation of the successive differences, denominator
        ``(N - 1) - 1``.
    nn50 : int
        Number of successive differences with ``|d_i| > 50 ms``.
    pnn50_percent : float
        ``100 * NN50 / (N - 1)``: over the number of differences.
    ln_rmssd : float
        Natural logarithm of RMSSD in ms.
    """

    n_intervals: int
    duration_s: float
    mean_nn_ms: float
    mean_hr_bpm: float
    sdnn_ms: float
    rmssd_ms: float
    sdsd_ms: float
    nn50: int
    pnn50_percent: float
    ln_rmssd: float


def time_domain(nn_ms: ArrayLike) -> TimeDomain:
    """Compute the time-domain indices of an NN series.

    Parameters
    ----------
    nn_ms : array_like
        Normal-to-normal intervals in ms (clean them first with
        :func:`attune.core.clean_rr`). At least 3, so that SDSD has a
        denominator.

    Returns
    -------
    TimeDomain

    Raises
    ------
    ValueError
        Unless ``nn_ms`` is one series of at least 3 finite, positive intervals.

    Notes
    -----
    With ``N`` intervals and ``d_i = NN_{i+1} - NN_i`` (``N - 1`` differences):

    - Mean RR = ``sum(NN) / N``; mean HR = ``sum(60000 / NN) / N`` (the mean of the
      instantaneous rate, as pyHRV; ``60000 / mean RR`` is slightly lower).
    - SDNN = ``sqrt(sum((NN - mean)**2) / (N - 1))`` (ddof=1).
    - RMSSD = ``sqrt(sum(d**2) / (N - 1))``.
    - SDSD = ``sqrt(sum((d - mean(d))**2) / (N - 2))`` (ddof=1 over the differences).
    - NN50 = ``count(|d| > 50 ms)``; pNN50 = ``100 * NN50 / (N - 1)``, over the
      number of differences as Kubios, pyHRV and hrv-analysis do. NeuroKit2 divides
      by ``N`` instead, so its pNN50 is ours times ``(N - 1) / N``.
    - ln RMSSD = ``ln(RMSSD / 1 ms)``.

    References
    ----------
    Task Force of the European Society of Cardiology and the North American Society
    of Pacing and Electrophysiology. Heart rate variability: standards of
    measurement, physiological interpretation and clinical use. Circulation
    93(5):1043-1065 (1996).

    Tarvainen MP, Lipponen J, Niskanen J-P, Ranta-aho PO. Kubios HRV version 3
    user's guide (2017), section 3.1 (time-domain methods).
    """
    nn = as_rr_ms(nn_ms, what="time_domain", min_beats=_MIN_BEATS)
    d = np.diff(nn)
    rmssd = float(np.sqrt(np.mean(d * d)))
    nn50 = int(np.count_nonzero(np.abs(d) > 50.0))
    return TimeDomain(
        n_intervals=int(nn.size),
        duration_s=float(np.sum(nn)) / 1000.0,
        mean_nn_ms=float(np.mean(nn)),
        mean_hr_bpm=float(np.mean(60000.0 / nn)),
        sdnn_ms=float(np.std(nn, ddof=1)),
        rmssd_ms=rmssd,
        sdsd_ms=float(np.std(d, ddof=1)),
        nn50=nn50,
        pnn50_percent=100.0 * nn50 / d.size,
        ln_rmssd=math.log(rmssd) if rmssd > 0 else float("-inf"),
    )
