"""24 hours of beats for the HRV benchmarks, built from a real recording.

The 60-minute normal-sinus-rhythm NN series in ``../shared/data/rr`` (MIT-BIH
NSR, via pyHRV) is tiled 24 times; each copy gets independent Gaussian jitter of
SD 5 ms (seeded) so the copies are not identical. About 112 000 beats.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "rr"
NSR_LONG = DATA / "pyhrv_SampleNNISeriesLong_ms.txt"
NSR_SHORT = DATA / "pyhrv_SampleNNISeriesShort_ms.txt"


def nsr_hour() -> npt.NDArray[np.float64]:
    """The real 60-minute NN series, in ms."""
    return np.loadtxt(NSR_LONG, dtype=np.float64)


def day_of_beats(hours: int = 24, jitter_ms: float = 5.0, seed: int = 2024) -> npt.NDArray[np.float64]:
    """``hours`` copies of the hour, each with independent jitter."""
    hour = nsr_hour()
    rng = np.random.default_rng(seed)
    copies = [hour + rng.normal(0.0, jitter_ms, hour.size) for _ in range(hours)]
    return np.clip(np.concatenate(copies), 250.0, None)
