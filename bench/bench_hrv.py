"""Benchmark: time plus frequency analysis of 24 hours of beats, attune beside NeuroKit2 0.3.

Data: the real 60-minute MIT-BIH normal-sinus-rhythm NN series from ``../shared/data/rr``
tiled 24 times with independent 5 ms Gaussian jitter per copy (``bench/hrv_data.py``), about
112 000 beats. Both libraries run in the same process on the same NN series, alternating;
the medians of the repeats are compared.

- attune: ``time_domain(nn)`` + ``frequency_domain(nn)`` with its Kubios-like defaults
  (4 Hz cubic, smoothness priors, Welch 300 s windows).
- NeuroKit2: ``nk.hrv_time(peaks)`` + ``nk.hrv_frequency(peaks)`` with their defaults (the
  target), and for information also with ``interpolation_rate=4`` (attune's grid rate): most of
  NeuroKit2's default time goes into its 100 Hz interpolation grid.

Issue 3 asks attune to be at least 20 times faster than NeuroKit2's defaults. Run: ``python bench/bench_hrv.py``.
Exits 1 when the check fails.
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

from hrv_data import day_of_beats  # noqa: E402

from attune.core import frequency_domain, time_domain  # noqa: E402

REPEATS_ATTUNE = 7
REPEATS_NK = 3
TARGET = 20.0


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> int:
    warnings.simplefilter("ignore")
    import neurokit2 as nk

    nn = day_of_beats()
    peaks = np.concatenate(([0], np.cumsum(np.round(nn)))).astype(np.int64)
    nn_int = np.diff(peaks).astype(np.float64)  # the same integer-ms series NeuroKit2 sees

    def ours() -> None:
        time_domain(nn_int)
        frequency_domain(nn_int)

    def theirs() -> None:
        nk.hrv_time(peaks, sampling_rate=1000)
        nk.hrv_frequency(peaks, sampling_rate=1000)

    def theirs_4hz() -> None:
        nk.hrv_time(peaks, sampling_rate=1000)
        nk.hrv_frequency(peaks, sampling_rate=1000, interpolation_rate=4)

    ours()  # warm caches and imports
    t_ours: list[float] = []
    t_nk: list[float] = []
    t_nk4: list[float] = []
    for i in range(max(REPEATS_ATTUNE, REPEATS_NK)):
        t_ours.append(_timed(ours))
        if i < REPEATS_NK:
            t_nk.append(_timed(theirs))
            t_nk4.append(_timed(theirs_4hz))
    m_ours, m_nk, m_nk4 = statistics.median(t_ours), statistics.median(t_nk), statistics.median(t_nk4)
    ratio = m_nk / m_ours
    print(f"24 h of beats: {nn_int.size} intervals, {nn_int.sum() / 3.6e6:.2f} h (NSR hour tiled x24, 5 ms jitter)")
    print(f"attune    time_domain + frequency_domain : median {m_ours * 1000:9.1f} ms over {len(t_ours)} runs")
    print(f"NeuroKit2 hrv_time + hrv_frequency       : median {m_nk * 1000:9.1f} ms over {len(t_nk)} runs")
    print(f"NeuroKit2 same, interpolation_rate=4      : median {m_nk4 * 1000:9.1f} ms over {len(t_nk4)} runs")
    print(f"for information: {m_nk4 / m_ours:.1f}x faster than NeuroKit2 on attune's 4 Hz grid (not the target)")
    verdict = "PASS" if ratio >= TARGET else "FAIL"
    print(f"speed-up {ratio:.1f}x against NeuroKit2's defaults (target >= {TARGET:g}x): {verdict}")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
