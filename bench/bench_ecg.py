"""Benchmark: R-peak detection, attune beside NeuroKit2 0.3, on record 100 and on a day of ECG.

Both sides get the same samples: lead MLII of MIT-BIH record 100 (360 Hz) as read by attune's
WFDB reader, in mV.

What each side computes:

- attune ``detect_r_peaks``: band-pass, energy envelope, adaptive thresholds, search-back, R peak
  on the recorded signal; in the day run ``attune hrv --json`` on the record, which reads the lead
  from the file stretch by stretch (``open_lead`` + ``detect_r_peaks_stream``) and then computes
  the full HRV report.
- NeuroKit2 ``nk.ecg_peaks(ecg, 360)`` (its default ``neurokit`` method, on the raw signal), and
  its documented pipeline ``nk.ecg_clean`` + ``nk.ecg_peaks``. Its time excludes reading the file,
  which it cannot do itself; attune's day figures include reading.

Part 1, record 100 (30 min, 650 000 samples): interleaved rounds in this process; sensitivity and
positive predictivity against the 2273 labelled beats (150 ms window).

Part 2, a day: record 100 repeated 48 times (31.2 million samples, 24 h 4 min; ``bench/ecg_data.py``,
written to a temporary directory) and a quarter of it (6 h). Each run is a fresh child process,
attune and NeuroKit2 alternating; the peak resident memory of each child is read from the kernel.

Goals (issue 9, goal 3): the whole ``attune hrv`` process on the day peaks under 300 MB (the growth
per hour between 6 h and 24 h is printed: the signal is held a stretch at a time, the candidates of
the whole recording are kept); attune's detection takes at most half of NeuroKit2's ``ecg_peaks`` time
on the same samples; and the beats read stretch by stretch equal those of the whole record in
memory. Accuracy on record 100 at least NeuroKit2's.

Run: ``python bench/bench_ecg.py [--rounds 7] [--day-rounds 3]``. Exits 1 if a goal missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ecg_data import MITDB100, day_record  # noqa: E402
from fair import Goals, interleave, load  # noqa: E402

from attune.core.ecg import BeatMatch, detect_r_peaks, evaluate_beats  # noqa: E402
from attune.importers import load_ecg  # noqa: E402
from attune.importers.wfdb import read_annotations  # noqa: E402

FS_HZ = 360.0

# Each child prints one JSON line: seconds of detection, beats, and its peak resident memory (kernel's VmHWM).
CHILD = r"""
import json, sys, time, warnings
side, path = sys.argv[1], sys.argv[2]
out = {}
if side == "attune-hrv":
    import contextlib, io, os
    from attune.hrv_cli import main
    start = time.perf_counter()
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        assert main([path, "--json"]) == 0
    out["seconds"] = time.perf_counter() - start
elif side == "attune-detect":
    from attune.core.ecg import detect_r_peaks_stream
    from attune.importers.wfdb import open_lead
    start = time.perf_counter()
    lead = open_lead(path, lead="MLII")
    peaks = detect_r_peaks_stream(lead.blocks(), lead.fs_hz)
    out["seconds"] = time.perf_counter() - start
    out["beats"] = int(peaks.indices.size)
    if len(sys.argv) > 3:
        import numpy as np
        np.save(sys.argv[3], peaks.indices)
elif side == "attune-whole":
    import numpy as np
    from attune.core.ecg import detect_r_peaks
    from attune.importers.wfdb import load
    x = load(path, lead="MLII").signal
    start = time.perf_counter()
    idx = detect_r_peaks(x, 360.0).indices
    out["seconds"] = time.perf_counter() - start
    np.save(sys.argv[3], idx)
else:
    warnings.simplefilter("ignore")
    import neurokit2 as nk
    from attune.importers.wfdb import load
    x = load(path, lead="MLII").signal
    start = time.perf_counter()
    _, info = nk.ecg_peaks(x, sampling_rate=360)
    out["seconds"] = time.perf_counter() - start
    out["beats"] = len(info["ECG_R_Peaks"])
# VmHWM, not ru_maxrss: ru_maxrss survives exec and would count the parent's memory at fork.
with open("/proc/self/status") as fh:
    out["max_rss_mb"] = next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:")) / 1024
print(json.dumps(out))
"""


def _child(side: str, path: Path, *extra: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, side, str(path), *extra], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{side} failed: {done.stderr.strip().splitlines()[-1:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _line(name: str, m: BeatMatch) -> str:
    return (
        f"  {name:<28} sensitivity {100 * m.sensitivity:6.2f} %   positive predictivity {100 * m.ppv:6.2f} %"
        f"   (TP {m.tp}, FP {m.fp}, FN {m.fn})"
    )


def record_100(goals: Goals, rounds: int) -> None:
    import neurokit2 as nk

    ecg = load_ecg(MITDB100 / "100.hea", lead="MLII").signal
    reference_s = read_annotations(MITDB100 / "100.atr").beat_samples / FS_HZ

    def nk_peaks(x: np.ndarray) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, info = nk.ecg_peaks(x, sampling_rate=int(FS_HZ))
        return np.asarray(info["ECG_R_Peaks"], dtype=np.int64)

    runs = {
        "attune detect_r_peaks": lambda: detect_r_peaks(ecg, FS_HZ).indices,
        "nk.ecg_peaks": lambda: nk_peaks(ecg),
        "nk.ecg_clean + nk.ecg_peaks": lambda: nk_peaks(nk.ecg_clean(ecg, sampling_rate=int(FS_HZ))),
    }
    print(f"Part 1: MIT-BIH record 100, lead MLII, {ecg.size} samples at {FS_HZ:g} Hz, NeuroKit2 {nk.__version__}")
    timings = interleave(runs, rounds)
    accuracy = {name: evaluate_beats(run() / FS_HZ, reference_s) for name, run in runs.items()}
    for name, m in accuracy.items():
        print(_line(name, m))
    ours = accuracy["attune detect_r_peaks"]
    for name in ("nk.ecg_peaks", "nk.ecg_clean + nk.ecg_peaks"):
        ratio = timings["attune detect_r_peaks"].median / timings[name].median
        print(f"  time attune / {name}: {ratio:.2f}")
        for what in ("sensitivity", "ppv"):
            goals.at_least(
                f"record 100 {what} vs {name}", 100 * getattr(ours, what), 100 * getattr(accuracy[name], what), "%"
            )


def day(goals: Goals, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "day").mkdir()
        (tmp / "quarter").mkdir()
        day_hea = day_record(tmp / "day")
        quarter_hea = day_record(tmp / "quarter", repeats=12)
        print(f"\nPart 2: record 100 repeated: 24 h (31.2 M samples) and 6 h; fresh child processes; {load()}")
        order = [
            ("nk", "nk", day_hea),
            ("detect", "attune-detect", day_hea),
            ("hrv", "attune-hrv", day_hea),
            ("detect6", "attune-detect", quarter_hea),
        ]
        results: dict[str, list[dict[str, float]]] = {key: [] for key, _, _ in order}
        for r in range(rounds):
            for key, side, path in order[r % 4 :] + order[: r % 4]:
                results[key].append(_child(side, path))
        med = {k: {f: statistics.median(x[f] for x in v) for f in v[0]} for k, v in results.items()}
        print(
            f"  attune hrv --json, 24 h (read, detect, full report)  median {med['hrv']['seconds']:7.2f} s, "
            f"peak memory {med['hrv']['max_rss_mb']:6.0f} MB"
        )
        print(
            f"  attune open_lead + detect_r_peaks_stream, 6 h         median {med['detect6']['seconds']:7.2f} s, "
            f"peak memory {med['detect6']['max_rss_mb']:6.0f} MB"
        )
        print(
            f"  attune open_lead + detect_r_peaks_stream, 24 h        median {med['detect']['seconds']:7.2f} s, "
            f"peak memory {med['detect']['max_rss_mb']:6.0f} MB, {med['detect']['beats']:.0f} beats"
        )
        print(
            f"  NeuroKit2 ecg_peaks, 24 h (signal already in memory)  median {med['nk']['seconds']:7.2f} s, "
            f"peak memory {med['nk']['max_rss_mb']:6.0f} MB, {med['nk']['beats']:.0f} beats"
        )
        print(f"  ({rounds} rounds each, interleaved; {load()} after)")
        goals.check(
            "24 h attune hrv peak memory",
            med["hrv"]["max_rss_mb"],
            300.0,
            higher_is_better=False,
            detail="MB, whole process",
        )
        per_hour = (med["detect"]["max_rss_mb"] - med["detect6"]["max_rss_mb"]) / 18.0
        print(
            f"  detection memory grows {per_hour:.1f} MB per hour of ECG (the candidate list, about 60 bytes per "
            f"envelope peak); at that rate it reaches 300 MB after "
            f"{(300 - med['detect6']['max_rss_mb']) / max(per_hour, 1e-9) + 6:.0f} h"
        )
        goals.check(
            "24 h detection time, attune / NeuroKit2 ecg_peaks",
            med["detect"]["seconds"] / med["nk"]["seconds"],
            0.5,
            higher_is_better=False,
            detail=f"{med['detect']['seconds']:.2f} s / {med['nk']['seconds']:.2f} s",
        )
        _child("attune-detect", day_hea, str(tmp / "streamed.npy"))
        _child("attune-whole", day_hea, str(tmp / "whole.npy"))
        same = np.array_equal(np.load(tmp / "streamed.npy"), np.load(tmp / "whole.npy"))
        goals.check(
            "24 h beats read stretch by stretch equal the whole record in memory",
            float(same),
            1.0,
            higher_is_better=True,
            detail="1 = identical indices",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="R-peak detection benchmark (issue 9, goal 3)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--day-rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not (MITDB100 / "100.hea").exists():
        print(f"record 100 not found at {MITDB100}")
        return 1
    goals = Goals()
    record_100(goals, args.rounds)
    day(goals, args.day_rounds)
    return goals.exit_status()


if __name__ == "__main__":
    raise SystemExit(main())
