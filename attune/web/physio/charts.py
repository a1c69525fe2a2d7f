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


SPARK_POINTS = 120


def sparkline(rec: Recording, *, width: float = 160.0, height: float = 40.0) -> dict[str, Any] | None:
    """A small heart-rate line for lists: SVG polyline points, with the range it spans.

    Heart rate at each beat (60 000 / RR in ms, not corrected), averaged into at most
    ``SPARK_POINTS`` equal-time bins so a premature beat does not dominate; None without beats.
    """
    rr = rec.rr_ms()
    if rr.size < 2:
        return None
    t = np.cumsum(rr) / 1000.0
    hr = 60000.0 / rr
    bins = min(SPARK_POINTS, rr.size)
    edges = np.linspace(t[0], t[-1], bins + 1)
    idx = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, bins - 1)
    counts = np.bincount(idx, minlength=bins)
    sums = np.bincount(idx, weights=hr, minlength=bins)
    keep = counts > 0
    mid = ((edges[:-1] + edges[1:]) / 2.0)[keep]
    mean = sums[keep] / counts[keep]
    lo, hi = float(np.min(mean)), float(np.max(mean))
    span = max(hi - lo, 1.0)
    x0, x1 = float(mid[0]), float(mid[-1])
    xs = (mid - x0) / max(x1 - x0, 1e-9) * width
    ys = height - 2.0 - (mean - lo) / span * (height - 4.0)
    return {
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True)),
        "width": width,
        "height": height,
        "low_bpm": lo,
        "high_bpm": hi,
    }


def assessment_rows(assessment: ResonanceAssessment) -> list[dict[str, Any]]:
    """The stored evidence, one row per assessed rate, fastest first, for the evidence partial.

    Each row is the stored numbers plus ``best`` (the suggested rate) and ``peak_percent`` (the
    main peak's share of the rhythm's power, in percent).
    """
    result = assessment.result if isinstance(assessment.result, dict) else {}
    rows = [dict(r) for r in result.get("rates", [])]
    best = assessment.best_rate_bpm
    for row in rows:
        row["best"] = best is not None and math.isclose(float(row.get("rate_bpm", 0)), best)
        row["peak_percent"] = 100.0 * float(row.get("peak_concentration") or 0.0)
    return sorted(rows, key=lambda r: -float(r.get("rate_bpm", 0)))


def evidence_context(assessment: ResonanceAssessment, *, actions: bool) -> dict[str, Any]:
    """What ``physio/_resonance_evidence.html`` needs (``actions``: the per-rate links and buttons)."""
    rows = assessment_rows(assessment)
    usable = sum(1 for r in rows if r.get("usable"))
    return {"assessment": assessment, "rows": rows, "usable": usable, "actions": actions}
