"""Benchmark: a full analysis of 24 hours of beats in bounded memory, attune beside NeuroKit2.

Data: the real 60-minute MIT-BIH normal-sinus-rhythm NN series tiled 24 times with 5 ms
jitter (``bench/hrv_data.py``), about 112 000 beats.

Each side runs in its own subprocess under the same address-space cap (``RLIMIT_AS``,
4 GB by default) and a wall-clock limit, so a run that does not fit fails cleanly instead
of taking the machine down:

- attune: ``analyze_rr(rr)`` (cleaning, time, frequency, nonlinear, breathing); the child
  reports its tracemalloc peak and its peak resident set size.
- NeuroKit2: ``nk.hrv(peaks, sampling_rate=1000)`` (time, frequency and nonlinear).

Issue 3 asks that attune finishes in bounded memory where ``nk.hrv`` runs out.
Run: ``python bench/bench_memory.py [--cap-gb 4] [--timeout-s 900]``. Exits 1 when attune
does not finish under the cap.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time, tracemalloc, warnings
cap = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
sys.path.insert(0, sys.argv[3]); sys.path.insert(0, sys.argv[3] + "/bench")
import numpy as np
from hrv_data import day_of_beats
rr = day_of_beats()
out = {"beats": int(rr.size)}
start = time.perf_counter()
try:
    if sys.argv[1] == "attune":
        from attune.core import analyze_rr
        tracemalloc.start()
        report = analyze_rr(rr)
        out["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        out["rmssd_ms"] = report.time.rmssd_ms
    else:
        warnings.simplefilter("ignore")
        import neurokit2 as nk
        peaks = np.concatenate(([0], np.cumsum(np.round(rr)))).astype(np.int64)
        df = nk.hrv(peaks, sampling_rate=1000)
        out["rmssd_ms"] = float(df["HRV_RMSSD"].iloc[0])
    out["status"] = "finished"
except MemoryError:
    out["status"] = "MemoryError"
out["seconds"] = time.perf_counter() - start
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def run_child(which: str, cap_bytes: int, timeout_s: float) -> dict[str, object]:
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, which, str(cap_bytes), str(ROOT)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"status": f"did not finish within {timeout_s:g} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"status": f"crashed (exit {proc.returncode}): {tail[:160]}"}
    result: dict[str, object] = json.loads(lines[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cap-gb", type=float, default=4.0)
    parser.add_argument("--timeout-s", type=float, default=900.0)
    args = parser.parse_args()
    cap = int(args.cap_gb * 1024**3)

    ours = run_child("attune", cap, args.timeout_s)
    print(f"address-space cap {args.cap_gb:g} GB per run; 24 h of beats (NSR hour tiled x24, 5 ms jitter)")
    print(
        f"attune    analyze_rr : {ours.get('status')}"
        + (
            f" in {ours['seconds']:.1f} s, tracemalloc peak {ours['tracemalloc_peak_mb']:.0f} MB, "
            f"max RSS {ours['max_rss_mb']:.0f} MB"
            if ours.get("status") == "finished"
            else ""
        )
    )
    theirs = run_child("neurokit2", cap, args.timeout_s)
    extra = ""
    if "seconds" in theirs:
        extra = f" after {theirs['seconds']:.1f} s, max RSS {theirs['max_rss_mb']:.0f} MB"
    print(f"NeuroKit2 nk.hrv      : {theirs.get('status')}{extra}")
    ok = ours.get("status") == "finished"
    print(f"attune finishes in bounded memory: {'PASS' if ok else 'FAIL'}")
    if theirs.get("status") == "finished":
        print("note: nk.hrv also finished under this cap")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
