"""The bridge between stored heartbeats and attune.core's streaming meter.

A finished recording's readings (live or imported) come from :func:`replay_series`: exactly what
a meter fed the same beats one at a time says.
"""

from __future__ import annotations

import numpy as np

from attune.core import StreamingMeter
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


def replay_series(rr_ms: codec.FloatArray, pacer_bpm: float | None) -> codec.ReadingSeries:
    """The readings a fresh meter gives after each stored beat, fed all at once.

    Exactly what :meth:`StreamingMeter.update` says beat by beat (:meth:`StreamingMeter.update_many`
    computes the same numbers), without a reading object for every beat.
    """
    out = new_meter(pacer_bpm).update_many(rr_ms)
    flags = np.where(out.artifact, codec.FLAG_ARTIFACT, 0) | np.where(out.calibrating, codec.FLAG_CALIBRATING, 0)
    return codec.ReadingSeries(hr_bpm=out.hr_bpm, rmssd_ms=out.rmssd_ms, coherence=out.coherence,
                               breathing_rate_bpm=out.breathing_rate_bpm, flags=flags.astype(np.int64))
