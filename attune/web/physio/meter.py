"""The bridge between stored heartbeats and attune.core's streaming meter.

The live consumer and :func:`attune.web.physio.actions.finish_recording` both go through
:func:`replay`, so a stored recording's readings are exactly what a meter fed the same beats says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from attune.core import MeterReading, StreamingMeter
from attune.web.physio import codec

METER_WINDOW_S = 64.0
RMSSD_WINDOW_S = 60.0


def new_meter(pacer_bpm: float | None) -> StreamingMeter:
    pacer_hz = pacer_bpm / 60.0 if pacer_bpm else None
    return StreamingMeter(window_s=METER_WINDOW_S, rmssd_window_s=RMSSD_WINDOW_S, pacer_hz=pacer_hz)


def resume_meter(rr_ms: codec.FloatArray, pacer_bpm: float | None) -> StreamingMeter:
    """A meter in the state it would be in after every stored beat (replays only the tail that matters)."""
    if rr_ms.size == 0:
        return new_meter(pacer_bpm)
    pacer_hz = pacer_bpm / 60.0 if pacer_bpm else None
    return StreamingMeter.from_rr(rr_ms, window_s=METER_WINDOW_S, rmssd_window_s=RMSSD_WINDOW_S, pacer_hz=pacer_hz)


def flags_of(reading: MeterReading) -> int:
    return (codec.FLAG_ARTIFACT if reading.artifact else 0) | (codec.FLAG_CALIBRATING if reading.calibrating else 0)


def _nan(x: float | None) -> float:
    return float("nan") if x is None else float(x)


def feed(meter: StreamingMeter, rr_ms: Iterable[float]) -> list[MeterReading]:
    """Feed beats one by one; return the reading after each."""
    return [meter.update(float(rr)) for rr in rr_ms]


def series_of(readings: list[MeterReading]) -> codec.ReadingSeries:
    return codec.ReadingSeries(
        hr_bpm=np.array([_nan(r.hr_bpm) for r in readings], dtype=np.float64),
        rmssd_ms=np.array([_nan(r.rmssd_ms) for r in readings], dtype=np.float64),
        coherence=np.array([_nan(r.coherence) for r in readings], dtype=np.float64),
        breathing_rate_bpm=np.array([_nan(r.breathing_rate_bpm) for r in readings], dtype=np.float64),
        flags=np.array([flags_of(r) for r in readings], dtype=np.int64),
    )


@dataclass(frozen=True)
class Replay:
    meter: StreamingMeter
    series: codec.ReadingSeries
    last: MeterReading | None


def replay(rr_ms: codec.FloatArray, pacer_bpm: float | None) -> Replay:
    """A fresh meter fed every stored beat, with the reading after each beat."""
    meter = new_meter(pacer_bpm)
    readings = feed(meter, rr_ms)
    return Replay(meter=meter, series=series_of(readings), last=readings[-1] if readings else None)
