"""How long finishing a recording computes: the meter replayed over every beat, then the summary.

This is ``physio.actions.compute_finish``, the work that decides where a summary is made: up to
``SUMMARISE_IN_WORKER_ABOVE_BEATS`` (1,500) beats inside the request that finishes the recording,
above that in the task worker (docs/recordings.md). Prints wall and CPU time (median of five runs)
for 1,500 beats and for 20,000 (the most a recording holds), and the load average, since the wall
time on a shared machine depends on it.

Goal: 1,500 beats in under 0.5 s of CPU, so the in-request part stays a short wait.
Exit status 1 on a miss.

    python bench/bench_summary.py
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import tempfile
import time

import numpy as np

GOAL_CPU_S_AT_THRESHOLD = 0.5
RUNS = 5


def _rr(beats: int) -> np.ndarray:
    rng = np.random.default_rng(7)
    t = np.arange(beats) * 0.85
    return np.round(850 + 60 * np.sin(2 * math.pi * 0.1 * t) + rng.normal(0, 4, beats), 1)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.web.settings")
    os.environ.setdefault("ATTUNE_DATA_DIR", tempfile.mkdtemp(prefix="attune-bench-summary-"))
    import django

    django.setup()
    from attune.web.physio import actions

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    cpu_at_threshold = math.inf
    for beats in (actions.SUMMARISE_IN_WORKER_ABOVE_BEATS, actions.MAX_RECORDING_BEATS):
        rr = _rr(beats)
        walls, cpus = [], []
        for _ in range(RUNS):
            w, c = time.perf_counter(), time.process_time()
            actions.compute_finish(rr, 6.0)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        print(f"{beats:>6} beats: {wall:.2f} s wall, {cpu:.2f} s CPU (median of {RUNS}; wall {min(walls):.2f} to "
              f"{max(walls):.2f} s)")
        if beats == actions.SUMMARISE_IN_WORKER_ABOVE_BEATS:
            cpu_at_threshold = cpu
    ok = cpu_at_threshold < GOAL_CPU_S_AT_THRESHOLD
    print(f"goal: {actions.SUMMARISE_IN_WORKER_ABOVE_BEATS} beats under {GOAL_CPU_S_AT_THRESHOLD} s CPU: "
          f"{'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
