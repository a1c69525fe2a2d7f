"""Data for the recording chart and the assessment evidence table (plain dicts for json_script)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from attune.web.physio.models import Recording, ResonanceAssessment

MAX_CHART_POINTS = 4000


def _clean(values: np.ndarray, digits: int) -> list[float | None]:
    return [round(float(v), digits) if math.isfinite(v) else None for v in values]


def recording_chart(rec: Recording) -> dict[str, Any]:
    """Per-beat series for uPlot: time (s from the first beat), heart rate, RMSSD, coherence.

    Long recordings are thinned by taking every k-th beat so the page stays small.
    """
    rr = rec.rr_ms()
    series = rec.reading_series()
    if rr.size == 0 or len(series) != rr.size:
        return {"t_s": [], "hr_bpm": [], "rmssd_ms": [], "coherence": [], "breathing_rate_bpm": []}
    t = np.cumsum(rr) / 1000.0
    step = max(1, math.ceil(rr.size / MAX_CHART_POINTS))
    calibrating = series.calibrating
    # While calibrating the windowed readings have no meaning yet: leave gaps.
    rmssd = np.where(calibrating, np.nan, series.rmssd_ms)
    coh = np.where(calibrating, np.nan, series.coherence)
    breathing = np.where(calibrating, np.nan, series.breathing_rate_bpm)
    return {
        "t_s": _clean(t[::step], 2),
        "hr_bpm": _clean(60000.0 / rr[::step], 1),
        "rmssd_ms": _clean(rmssd[::step], 1),
        "coherence": _clean(coh[::step], 2),
        "breathing_rate_bpm": _clean(breathing[::step], 1),
    }


def assessment_rows(assessment: ResonanceAssessment) -> list[dict[str, Any]]:
    """One row per assessed rate from the stored evidence, slowest rate last."""
    rows = assessment.result.get("rates", []) if isinstance(assessment.result, dict) else []
    return sorted(rows, key=lambda r: -float(r.get("rate_bpm", 0)))
