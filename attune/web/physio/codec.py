"""The compact byte formats for stored heartbeats and readings (documented in docs/recordings.md).

RR intervals are stored as little-endian IEEE 754 float32 milliseconds, four bytes a beat. A chest
strap reports RR in units of 1/1024 s; every such value (k * 1000/1024 ms, k < 65536) is exactly
representable in float32, so nothing a strap sends is rounded. Other decimals are rounded to
float32 (a relative error below 6e-8) once, when they arrive, before the meter sees them, so the
live meter, the stored stream and the summary all work on the same numbers.

Readings are stored one row per beat, as five little-endian float32 columns written one after the
other (column-major): heart rate (bpm), RMSSD (ms), coherence (ratio), breathing rate (breaths a
minute), and flags. A value the meter could not give yet (``None``) is stored as NaN. Flags are a
small integer: bit 0 set when the beat was flagged as an artifact, bit 1 while calibrating.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

RR_DTYPE = np.dtype("<f4")
READING_COLUMNS = ("hr_bpm", "rmssd_ms", "coherence", "breathing_rate_bpm", "flags")
FLAG_ARTIFACT = 1
FLAG_CALIBRATING = 2

FloatArray = npt.NDArray[np.float64]


def as_stored_rr(rr_ms: npt.ArrayLike) -> FloatArray:
    """Round RR intervals to what storage keeps (float32), returned as float64 for computing."""
    return np.asarray(rr_ms, dtype=np.float64).astype(RR_DTYPE).astype(np.float64)


def encode_rr(rr_ms: npt.ArrayLike) -> bytes:
    return np.asarray(rr_ms, dtype=np.float64).astype(RR_DTYPE).tobytes()


def decode_rr(blob: bytes | memoryview | None) -> FloatArray:
    if not blob:
        return np.zeros(0, dtype=np.float64)
    return np.frombuffer(bytes(blob), dtype=RR_DTYPE).astype(np.float64)


@dataclass(frozen=True)
class ReadingSeries:
    """Per-beat readings as parallel arrays (NaN where the meter had no value yet)."""

    hr_bpm: FloatArray
    rmssd_ms: FloatArray
    coherence: FloatArray
    breathing_rate_bpm: FloatArray
    flags: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.hr_bpm.size)

    @property
    def artifact(self) -> npt.NDArray[np.bool_]:
        return cast("npt.NDArray[np.bool_]", (self.flags & FLAG_ARTIFACT) != 0)

    @property
    def calibrating(self) -> npt.NDArray[np.bool_]:
        return cast("npt.NDArray[np.bool_]", (self.flags & FLAG_CALIBRATING) != 0)

    @classmethod
    def empty(cls) -> ReadingSeries:
        z = np.zeros(0, dtype=np.float64)
        return cls(z, z, z, z, np.zeros(0, dtype=np.int64))


def encode_readings(series: ReadingSeries) -> bytes:
    cols = [series.hr_bpm, series.rmssd_ms, series.coherence, series.breathing_rate_bpm, series.flags]
    return b"".join(np.asarray(c, dtype=np.float64).astype(RR_DTYPE).tobytes() for c in cols)


def decode_readings(blob: bytes | memoryview | None) -> ReadingSeries:
    if not blob:
        return ReadingSeries.empty()
    raw = np.frombuffer(bytes(blob), dtype=RR_DTYPE).astype(np.float64)
    if raw.size % len(READING_COLUMNS):
        raise ValueError(f"a readings blob holds whole rows of {len(READING_COLUMNS)} columns; got {raw.size} values")
    cols = raw.reshape(len(READING_COLUMNS), -1)
    return ReadingSeries(cols[0], cols[1], cols[2], cols[3], cols[4].astype(np.int64))
