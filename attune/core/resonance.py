"""Resonance-rate assessment: which paced breathing rate moves the heart most smoothly."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from attune.core._common import ArrayLike, FloatArray, as_rr_ms, beat_times_s, require_duration
from attune.core.artifacts import clean_rr
from attune.core.coherence import COHERENCE_PEAK_BAND_HZ, PEAK_HALF_WIDTH_HZ, ShortSpectrum

MIN_SEGMENT_S = 60.0
_LF_BAND_HZ = (0.04, 0.15)
_SINGLE_PEAK_MAX_RATIO = 0.5
CRITERIA = (
    "peak-to-trough heart rate: mean over breath cycles of the highest minus the lowest heart rate",
    "LF peak power: power within 0.015 Hz of the highest peak between 0.04 and 0.15 Hz",
    "phase synchrony: how steadily the heart-rate wave keeps the same phase relative to the pacer",
    "a single smooth peak: share of the 0.04-0.26 Hz power within 0.015 Hz of the main peak",
)


@dataclass(frozen=True, eq=False)
class BreathingSegment:
    """RR intervals recorded while breathing with a pacer at ``rate_bpm`` breaths/min."""

    rate_bpm: float
    rr_ms: ArrayLike


@dataclass(frozen=True)
class RateEvidence:
    """The evidence for one breathing rate.

    Attributes
    ----------
    rate_bpm, pacer_hz : float
        The paced rate and its frequency.
    duration_s : float
        Length of the segment.
    artifact_percent : float
        Share of intervals corrected before analysis.
    peak_to_trough_bpm : float
        Mean over complete breath cycles of max HR minus min HR (Lehrer: 15 to
        25 bpm good, over 25 excellent).
    lf_peak_hz, lf_peak_power_ms2 : float
        The highest LF peak and the power within 0.015 Hz of it.
    phase_synchrony : float
        0 to 1: the length of the mean unit phasor of the heart-rate wave at the
        pacer frequency, one phasor per breath cycle. 1 means the heart rate rises
        and falls at the same point of every breath.
    single_peak : bool
        True when no other spectral peak in 0.04 to 0.26 Hz reaches half the
        height of the main one.
    peak_concentration : float
        Share of the 0.04 to 0.26 Hz power within 0.015 Hz of the main peak.
    second_peak_ratio : float
        Height of the next-highest peak over the main one (0 when there is none).
    score : float
        0 to 1, the mean of the four criteria, each scaled to 0-1 (peak-to-trough
        and LF power divided by the largest value among the rates assessed).
    """

    rate_bpm: float
    pacer_hz: float
    duration_s: float
    artifact_percent: float
    peak_to_trough_bpm: float
    lf_peak_hz: float
    lf_peak_power_ms2: float
    phase_synchrony: float
    single_peak: bool
    peak_concentration: float
    second_peak_ratio: float
    score: float


@dataclass(frozen=True)
class ResonanceResult:
    """The best rate and the evidence for every rate."""

    best_rate_bpm: float
    rates: tuple[RateEvidence, ...]
    criteria: tuple[str, ...]
    method: str


def assess_resonance(segments: Sequence[BreathingSegment]) -> ResonanceResult:
    """Score paced-breathing segments and return the best (resonance) rate.

    Parameters
    ----------
    segments : sequence of BreathingSegment
        One segment per rate tried (Lehrer's protocol: 6.5, 6, 5.5, 5 and 4.5
        breaths/min, about 2 minutes each). Each needs at least 60 s of beats;
        2 minutes are recommended.

    Returns
    -------
    ResonanceResult

    Raises
    ------
    ValueError
        With no segments, a segment under 60 s, or a rate outside 2 to 20
        breaths/min.

    Notes
    -----
    Each segment is cleaned (:func:`attune.core.clean_rr`), then judged on four
    of the criteria Shaffer and Meehan (2020) list (see ``CRITERIA``); the
    phase criterion is measured as phase *consistency* relative to the pacer,
    because the pacer's own phase is not part of the input. The score is the
    plain mean of the four scaled criteria; the best rate is the one with the
    highest score (the earlier segment on a tie). Every number behind the score
    is returned so a guide can weigh them differently.

    References
    ----------
    Shaffer F, Meehan ZM. A practical guide to resonance frequency assessment
    for heart rate variability biofeedback. Front Neurosci 14:570400 (2020).

    Lehrer PM, Vaschillo E, Vaschillo B. Resonant frequency biofeedback training
    to increase cardiac variability. Appl Psychophysiol Biofeedback
    25(3):177-191 (2000).
    """
    if not segments:
        raise ValueError("assess_resonance needs at least one breathing segment.")
    raw = [_evidence(seg) for seg in segments]
    max_pt = max(r[0] for r in raw) or 1.0
    max_lf = max(r[2] for r in raw) or 1.0
    rates = []
    for seg, (pt, lf_hz, lf_p, sync, single, conc, second, art, dur) in zip(segments, raw, strict=True):
        score = (pt / max_pt + lf_p / max_lf + sync + conc) / 4.0
        rates.append(
            RateEvidence(
                rate_bpm=float(seg.rate_bpm),
                pacer_hz=float(seg.rate_bpm) / 60.0,
                duration_s=dur,
                artifact_percent=art,
                peak_to_trough_bpm=pt,
                lf_peak_hz=lf_hz,
                lf_peak_power_ms2=lf_p,
                phase_synchrony=sync,
                single_peak=single,
                peak_concentration=conc,
                second_peak_ratio=second,
                score=score,
            )
        )
    best = max(range(len(rates)), key=lambda i: (rates[i].score, -i))
    return ResonanceResult(
        best_rate_bpm=rates[best].rate_bpm,
        rates=tuple(rates),
        criteria=CRITERIA,
        method="Mean of four criteria after Shaffer and Meehan (2020), each scaled to 0-1.",
    )


def _evidence(seg: BreathingSegment) -> tuple[float, float, float, float, bool, float, float, float, float]:
    rate = float(seg.rate_bpm)
    if not 2.0 <= rate <= 20.0:
        raise ValueError(f"rate_bpm must be between 2 and 20 breaths/min; got {rate}.")
    rr = as_rr_ms(seg.rr_ms, what=f"assess_resonance (segment at {rate:g} breaths/min)", min_beats=10)
    require_duration(rr, what=f"assess_resonance (segment at {rate:g} breaths/min)", min_s=MIN_SEGMENT_S)
    cleaned = clean_rr(rr)
    nn = np.asarray(cleaned.nn_ms, dtype=np.float64)
    t = beat_times_s(nn)
    pacer = rate / 60.0
    period = 1.0 / pacer

    # Heart rate on a 4 Hz grid.
    grid = np.arange(t[0], t[-1], 0.25)
    hr = np.interp(grid, t, 60000.0 / nn)
    cycles = int((grid[-1] - grid[0]) // period)
    pts = []
    phasors = []
    for k in range(cycles):
        sel = (grid >= grid[0] + k * period) & (grid < grid[0] + (k + 1) * period)
        if np.count_nonzero(sel) < 4:
            continue
        pts.append(float(np.max(hr[sel]) - np.min(hr[sel])))
        z = np.sum((hr[sel] - np.mean(hr[sel])) * np.exp(-2j * np.pi * pacer * grid[sel]))
        if abs(z) > 0:
            phasors.append(z / abs(z))
    pt = float(np.mean(pts)) if pts else 0.0
    sync = float(abs(np.mean(phasors))) if len(phasors) >= 2 else 0.0

    spec = ShortSpectrum(window_s=math.floor(t[-1] - t[0]), nfft=1024)
    psd = spec.psd(t, nn)
    lf_hz, _ = spec.peak(psd, *_LF_BAND_HZ)
    lf_power = spec.band(psd, lf_hz - PEAK_HALF_WIDTH_HZ, lf_hz + PEAK_HALF_WIDTH_HZ)
    conc, second = _peak_shape(spec, psd)
    return (
        pt,
        lf_hz,
        lf_power,
        sync,
        second < _SINGLE_PEAK_MAX_RATIO,
        conc,
        second,
        cleaned.artifact_percent,
        float(np.sum(rr)) / 1000.0,
    )


def _peak_shape(spec: ShortSpectrum, psd: FloatArray) -> tuple[float, float]:
    lo, hi = COHERENCE_PEAK_BAND_HZ
    main_hz, k = spec.peak(psd, lo, hi)
    band = spec.band(psd, lo, hi)
    conc = spec.band(psd, main_hz - PEAK_HALF_WIDTH_HZ, main_hz + PEAK_HALF_WIDTH_HZ) / band if band > 0 else 0.0
    i0 = max(int(np.ceil(lo / spec.df)), 1)
    i1 = min(int(np.floor(hi / spec.df)), psd.size - 2)
    idx = np.arange(i0, i1 + 1)
    is_max = (psd[idx] > psd[idx - 1]) & (psd[idx] >= psd[idx + 1])
    far = np.abs(spec.freqs[idx] - main_hz) > PEAK_HALF_WIDTH_HZ
    others = psd[idx][is_max & far]
    second = float(np.max(others) / psd[k]) if others.size and psd[k] > 0 else 0.0
    return float(min(conc, 1.0)), second
