"""Benchmark: one streaming-meter update beside recomputing the same numbers for every beat.

Data: the real 60-minute MIT-BIH normal-sinus-rhythm NN series (``bench/hrv_data.py``). A
``StreamingMeter`` is warmed with the first 2 minutes; then, beat by beat, the sides below run in
turn on the same beat (interleaved, rotating order), each timed.

What each side computes for one new beat:

- attune ``StreamingMeter.update(rr)``: HR, RMSSD over the last 60 s, coherence and breathing rate
  over the last 64 s (four numbers, with artifact screening).
- attune recomputed: the same four numbers from scratch on the window, with the batch functions
  ``time_domain`` (last 60 s), ``coherence`` and ``breathing_rate`` (last 64 s): the reference
  with the same outputs, and the goal's reference.
- NeuroKit2 ``hrv_time`` + ``hrv_frequency`` on the last 64 s, with its defaults and with
  ``interpolation_rate=4``: what a server without a streaming engine might run. It computes about
  30 indices (and no coherence), so it is printed for information only.

Goal: an update no dearer than recomputing the same numbers (the earlier 100x goal was set
against NeuroKit2's 30 indices, not against the same outputs).
Run: ``python bench/bench_stream.py``. Exits 1 if the goal missed.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fair import Goals, load  # noqa: E402
from hrv_data import nsr_hour  # noqa: E402

from attune.core import StreamingMeter, breathing_rate, coherence, time_domain  # noqa: E402

TARGET = 1.0
NK_EVERY = 25  # NeuroKit2 takes milliseconds per call: time it on every 25th beat only
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

    def window(end: int, seconds: float) -> np.ndarray:
        return rr[int(np.searchsorted(t, t[end] - seconds)) : end + 1]

    def recompute(end: int) -> object:
        return time_domain(window(end, 60.0)), coherence(window(end, WINDOW_S)), breathing_rate(window(end, WINDOW_S))

    def nk_side(end: int, **kwargs: int) -> object:
        peaks = np.concatenate(([0], np.cumsum(np.round(window(end, WINDOW_S))))).astype(np.int64)
        return nk.hrv_time(peaks, sampling_rate=1000), nk.hrv_frequency(peaks, sampling_rate=1000, **kwargs)

    sides: dict[str, Callable[[int], object]] = {
        "attune StreamingMeter.update (HR, RMSSD, coherence, breathing)": lambda end: meter.update(float(rr[end])),
        "attune same four numbers recomputed on the window": recompute,
        "NeuroKit2 hrv_time + hrv_frequency on 64 s, defaults": nk_side,
        "NeuroKit2 same, interpolation_rate=4": lambda end: nk_side(end, interpolation_rate=4),
    }
    names = list(sides)
    recompute(warm)
    nk_side(warm)
    times: dict[str, list[float]] = {name: [] for name in names}
    print(f"real NSR beats from minute 2 to 60, one round per beat; {load()} before")
    for k, end in enumerate(range(warm, rr.size)):
        order = names[k % 4 :] + names[: k % 4]
        for name in order:
            if name.startswith("NeuroKit2") and k % NK_EVERY:
                continue
            start = time.perf_counter()
            sides[name](end)
            times[name].append(time.perf_counter() - start)
    med = {name: statistics.median(v) for name, v in times.items()}
    for name in names:
        print(f"  {name:<66} median {med[name] * 1e6:9.1f} us over {len(times[name])} beats")
    print(f"  [{load()} after]")
    ours, same = med[names[0]], med[names[1]]
    print(f"info: NeuroKit2 per beat / update: defaults {med[names[2]] / ours:.0f}x, 4 Hz {med[names[3]] / ours:.0f}x")
    goals = Goals()
    goals.check(
        "update vs recomputing the same numbers",
        same / ours,
        TARGET,
        higher_is_better=True,
        detail=f"{same * 1e6:.0f} us / {ours * 1e6:.0f} us",
    )
    return goals.exit_status()


if __name__ == "__main__":
    raise SystemExit(main())
