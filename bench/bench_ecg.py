"""Benchmark: attune's R-peak detector beside NeuroKit2's ``ecg_peaks`` on MIT-BIH record 100.

Both run on the full 30 min of lead MLII (360 Hz, 650 000 samples), raw as read from the
record, in the same process, alternating, several repeats; the medians are compared. Accuracy
is sensitivity and positive predictivity against the 2273 beat labels of ``100.atr`` with a
150 ms match window. Issue 3 asks attune to be no slower with equal or better accuracy.

Run: ``python bench/bench_ecg.py``. Exits 1 when the check fails.
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

from attune.core.ecg import BeatMatch, detect_r_peaks, evaluate_beats  # noqa: E402
from attune.importers import load_ecg  # noqa: E402
from attune.importers.wfdb import read_annotations  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "ecg" / "mitdb100"
REPEATS = 7
FS_HZ = 360.0


def _median_seconds(run: Callable[[], object], times: list[float]) -> None:
    start = time.perf_counter()
    run()
    times.append(time.perf_counter() - start)


def _line(name: str, seconds: float, m: BeatMatch) -> str:
    return (
        f"{name:<28} median {1000 * seconds:8.1f} ms   sensitivity {100 * m.sensitivity:6.2f} %   "
        f"positive predictivity {100 * m.ppv:6.2f} %   (TP {m.tp}, FP {m.fp}, FN {m.fn})"
    )


def main() -> int:
    if not (DATA / "100.hea").exists():
        print(f"FAIL: record 100 not found at {DATA}")
        return 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import neurokit2 as nk

    ecg = load_ecg(DATA / "100.hea", lead="MLII").signal
    reference_s = read_annotations(DATA / "100.atr").beat_samples / FS_HZ

    def run_attune() -> np.ndarray:
        return detect_r_peaks(ecg, FS_HZ).indices

    def run_nk() -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, info = nk.ecg_peaks(ecg, sampling_rate=int(FS_HZ))
        return np.asarray(info["ECG_R_Peaks"], dtype=np.int64)

    def run_nk_cleaned() -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cleaned = nk.ecg_clean(ecg, sampling_rate=int(FS_HZ))
            _, info = nk.ecg_peaks(cleaned, sampling_rate=int(FS_HZ))
        return np.asarray(info["ECG_R_Peaks"], dtype=np.int64)

    runs = {"attune detect_r_peaks": run_attune, "nk.ecg_peaks": run_nk, "nk.ecg_clean + ecg_peaks": run_nk_cleaned}
    accuracy = {name: evaluate_beats(run() / FS_HZ, reference_s) for name, run in runs.items()}  # also warms up
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(REPEATS):
        for name, run in runs.items():
            _median_seconds(run, times[name])
    medians = {name: statistics.median(t) for name, t in times.items()}

    print(
        f"MIT-BIH record 100, lead MLII, {ecg.size} samples at {FS_HZ:g} Hz, "
        f"{REPEATS} repeats, NeuroKit2 {nk.__version__}"
    )
    for name in runs:
        print(_line(name, medians[name], accuracy[name]))
    ours, theirs = accuracy["attune detect_r_peaks"], accuracy["nk.ecg_peaks"]
    ratio = medians["attune detect_r_peaks"] / medians["nk.ecg_peaks"]
    print(f"time ratio attune / nk.ecg_peaks: {ratio:.2f}")
    ratio_cleaned = medians["attune detect_r_peaks"] / medians["nk.ecg_clean + ecg_peaks"]
    print(f"time ratio attune / (nk.ecg_clean + ecg_peaks): {ratio_cleaned:.2f}")
    fast = ratio <= 1.0
    accurate = ours.sensitivity >= theirs.sensitivity and ours.ppv >= theirs.ppv
    ok = fast and accurate
    verdict = "PASS" if ok else "FAIL"
    print(
        f"{verdict}: attune is {'no slower than' if fast else 'slower than'} nk.ecg_peaks "
        f"(ratio {ratio:.2f}) with {'equal or better' if accurate else 'worse'} accuracy "
        f"(sensitivity {100 * ours.sensitivity:.2f} vs {100 * theirs.sensitivity:.2f} %, "
        f"positive predictivity {100 * ours.ppv:.2f} vs {100 * theirs.ppv:.2f} %)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
