"""attune.core: the heart-rhythm engine (numpy and scipy only).

Import what you need from here; the submodules are implementation detail.
"""

from __future__ import annotations

from attune.core.analysis import HRVReport, analyze_rr
from attune.core.artifacts import ARTIFACT_KINDS, ArtifactKind, CleanedRR, clean_rr
from attune.core.baseline import Baseline, Correlation, WeeklyRanges, correlation, daily_baseline, weekly_ranges
from attune.core.breathing import BreathingRate, breathing_rate
from attune.core.coherence import Coherence, coherence
from attune.core.ecg import BeatMatch, RPeaks, detect_r_peaks, detect_r_peaks_stream, evaluate_beats
from attune.core.frequency import FrequencyDomain, FrequencySettings, frequency_domain
from attune.core.nonlinear import Nonlinear, dfa_alpha, nonlinear, poincare, sample_entropy
from attune.core.resonance import BreathingSegment, RateEvidence, ResonanceResult, assess_resonance
from attune.core.streaming import MeterReading, MeterSeries, StreamingMeter
from attune.core.synchrony import Synchrony, heart_rate_synchrony
from attune.core.time_domain import TimeDomain, time_domain

__all__ = [
    "ARTIFACT_KINDS",
    "ArtifactKind",
    "Baseline",
    "BeatMatch",
    "BreathingRate",
    "BreathingSegment",
    "CleanedRR",
    "Coherence",
    "Correlation",
    "FrequencyDomain",
    "FrequencySettings",
    "HRVReport",
    "MeterReading",
    "MeterSeries",
    "Nonlinear",
    "RPeaks",
    "RateEvidence",
    "ResonanceResult",
    "StreamingMeter",
    "Synchrony",
    "TimeDomain",
    "WeeklyRanges",
    "analyze_rr",
    "assess_resonance",
    "breathing_rate",
    "clean_rr",
    "coherence",
    "correlation",
    "daily_baseline",
    "detect_r_peaks",
    "detect_r_peaks_stream",
    "dfa_alpha",
    "evaluate_beats",
    "frequency_domain",
    "heart_rate_synchrony",
    "nonlinear",
    "poincare",
    "sample_entropy",
    "time_domain",
    "weekly_ranges",
]
