"""Benchmark: one streaming-meter update beside recomputing NeuroKit2 over a 64 s window.

Data: the real 60-minute MIT-BIH normal-sinus-rhythm NN series (``bench/hrv_data.py``).
A ``StreamingMeter`` is warmed with the first 2 minutes; then each further beat is one
``update`` (HR, RMSSD over 60 s, coherence and breathing rate over 64 s), timed one by one.
The reference is what a server without a streaming engine would do per beat: run
``nk.hrv_time`` + ``nk.hrv_frequency`` (defaults) on the beats of the last 64 s. Medians
are compared. Issue 3 asks for at least 100 times faster.

Run: ``python bench/bench_stream.py``. Exits 1 when the check fails.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from hrv_data import nsr_hour  # noqa: E402

from attune.core import StreamingMeter  # noqa: E402

TARGET = 100.0
NK_REPEATS = 40
WINDOW_S = 64.0


def main() -> int:
    warnings.simplefilter("ignore")
    import neurokit2 as nk

    rr = nsr_hour()
    t = np.cumsum(rr) / 1000.0
    warm = int(np.searchsorted(t, 120.0))
    meter = StreamingMeter()
    for x in rr[:warm]:
        meter.update(float(x))
    per_update: list[float] = []
    reading = None
    for x in rr[warm:]:
        start = time.perf_counter()
        reading = meter.update(float(x))
        per_update.append(time.perf_counter() - start)
    assert reading is not None and not reading.calibrating

    per_nk: list[float] = []
    ends = np.linspace(warm, rr.size - 1, NK_REPEATS).astype(int)
    for end in ends:
        lo = int(np.searchsorted(t, t[end] - WINDOW_S))
        window = rr[lo : end + 1]
        peaks = np.concatenate(([0], np.cumsum(np.round(window)))).astype(np.int64)
        start = time.perf_counter()
        nk.hrv_time(peaks, sampling_rate=1000)
        nk.hrv_frequency(peaks, sampling_rate=1000)
        per_nk.append(time.perf_counter() - start)

    m_ours, m_nk = statistics.median(per_update), statistics.median(per_nk)
    ratio = m_nk / m_ours
    print(f"real NSR beats, {len(per_update)} meter updates after a 2 min warm-up; NeuroKit2 on {NK_REPEATS} windows")
    print(f"attune    StreamingMeter.update (HR, RMSSD, coherence, breathing): median {m_ours * 1e6:8.1f} us")
    print(f"NeuroKit2 hrv_time + hrv_frequency on the last 64 s          : median {m_nk * 1e6:8.1f} us")
    print(f"500 meters at 1 beat/s would use {500 * m_ours * 100:.1f} % of one core")
    verdict = "PASS" if ratio >= TARGET else "FAIL"
    print(f"speed-up {ratio:.0f}x (target >= {TARGET:g}x): {verdict}")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
