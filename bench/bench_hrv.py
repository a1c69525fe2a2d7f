"""Benchmark: the HRV report, attune beside NeuroKit2 0.3 and hrv-analysis 1.0, on the same beats.

Data: the real 60-minute MIT-BIH normal-sinus-rhythm NN series tiled 24 times with 5 ms jitter
(``bench/hrv_data.py``, 112 416 intervals, rounded to whole ms as beat times at 1 kHz), and the
real 5-minute series (337 intervals). Every side gets exactly these intervals.

What each side computes:

- attune engine: ``time_domain(nn)`` + ``frequency_domain(nn)``: the same outputs as the two
  peers below (time-domain indices; VLF, LF, HF from Welch on a 4 Hz spline, smoothness-priors
  detrending).
- attune full report: ``attune hrv --json FILE`` run in this process with output to /dev/null:
  reading the file, artifact correction, time domain before and after it, frequency domain,
  nonlinear (Poincaré, DFA alpha1/alpha2, segment-wise sample entropy), breathing rate, and the
  JSON text with every interval. This is more than either peer computes.
- NeuroKit2: ``nk.hrv_time(peaks)`` + ``nk.hrv_frequency(peaks)``, once with its defaults (a
  100 Hz interpolation grid) and once with ``interpolation_rate=4`` (attune's grid).
- hrv-analysis: ``get_time_domain_features(nn)`` + ``get_frequency_domain_features(nn)`` with its
  defaults (linear interpolation at 4 Hz, Welch with 256-sample segments).

Goals (issue 9, goals 1, 2 and 4):

- 24 h: the full report at least 50 times faster than NeuroKit2's defaults;
- 24 h: the engine at least 5 times faster than hrv-analysis, and on 5 minutes no slower;
- ``attune hrv`` on the 5-minute file under 0.5 s wall time from a cold process, importing
  neither Django nor scipy.signal nor scipy.interpolate;
- goal 4: ``frequency_domain(method="lomb")`` on 24 h under 0.2 s, its band powers within 0.5 % of
  the same windowed periodogram computed with ``scipy.signal.lombscargle``'s direct sums.

Printed for information: the full report beside hrv-analysis and beside NeuroKit2 on 4 Hz.

Run: ``python bench/bench_hrv.py [--rounds-day 5] [--rounds-short 30]``. Exits 1 if a goal missed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "core"))

from fair import Goals, interleave, load  # noqa: E402
from hrv_data import NSR_SHORT, day_of_beats  # noqa: E402
from lomb_reference import band_powers, lomb_by_direct_sums  # noqa: E402

from attune.core import frequency_domain, time_domain  # noqa: E402
from attune.hrv_cli import main as hrv_main  # noqa: E402

COLD_RUNS = 7
COLD_LIMIT_S = 0.5
LOMB_LIMIT_S = 0.2
LOMB_RTOL = 0.005


def _hrvanalysis() -> types.ModuleType:
    """``hrvanalysis.extract_features``. Its ``import nolds`` fails on Python 3.11 (nolds 0.6.3 reads
    its data sets with an API that needs 3.12); the two functions timed here never use nolds."""
    try:
        import nolds  # noqa: F401
    except TypeError:
        sys.modules["nolds"] = types.ModuleType("nolds")
    import hrvanalysis.extract_features as features

    return features


def _sides(nn: npt.NDArray[np.float64], rr_file: Path) -> dict[str, Callable[[], object]]:
    import neurokit2 as nk

    ha = _hrvanalysis()
    peaks = np.concatenate(([0], np.cumsum(nn))).astype(np.int64)
    nn_list = nn.tolist()

    def full_report() -> None:
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            assert hrv_main([str(rr_file), "--json"]) == 0

    return {
        "attune engine: time_domain + frequency_domain": lambda: (time_domain(nn), frequency_domain(nn)),
        "attune full report: attune hrv --json (read ... JSON)": full_report,
        "NeuroKit2 hrv_time + hrv_frequency, defaults (100 Hz)": lambda: (
            nk.hrv_time(peaks, sampling_rate=1000),
            nk.hrv_frequency(peaks, sampling_rate=1000),
        ),
        "NeuroKit2 hrv_time + hrv_frequency, interpolation_rate=4": lambda: (
            nk.hrv_time(peaks, sampling_rate=1000),
            nk.hrv_frequency(peaks, sampling_rate=1000, interpolation_rate=4),
        ),
        "hrv-analysis time + frequency features, defaults": lambda: (
            ha.get_time_domain_features(nn_list),
            ha.get_frequency_domain_features(nn_list),
        ),
    }


def _compare(label: str, nn: npt.NDArray[np.float64], rounds: int, tmp: Path) -> dict[str, float]:
    rr_file = tmp / f"{label.replace(' ', '_')}_rr_ms.txt"
    np.savetxt(rr_file, nn, fmt="%d")
    print(f"\n{label}: {nn.size} intervals, {nn.sum() / 3.6e6:.2f} h")
    timings = interleave(_sides(nn, rr_file), rounds)
    return {name: t.median for name, t in timings.items()}


def _lomb(goals: Goals, nn: npt.NDArray[np.float64], rounds: int) -> None:
    """Goal 4: the fast Lomb-Scargle beside scipy's direct sums over the same windows, same outputs."""
    print(
        "\nLomb-Scargle on 24 h: attune frequency_domain(method='lomb') beside the same windowed PSD from "
        "scipy.signal.lombscargle (tests/core/lomb_reference.py)"
    )
    fast_holder: list[object] = []
    slow_holder: list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]] = []
    timings = interleave(
        {
            "attune fast Lomb-Scargle (Press-Rybicki), 24 h": lambda: fast_holder.append(
                frequency_domain(nn, method="lomb")
            ),
            "scipy.signal.lombscargle, same windows and frequencies": lambda: slow_holder.append(
                lomb_by_direct_sums(nn)
            ),
        },
        rounds,
    )
    fast = frequency_domain(nn, method="lomb")
    settings = fast.settings
    reference = band_powers(*slow_holder[-1], [settings.vlf_hz, settings.lf_hz, settings.hf_hz])
    worst = max(abs(a / b - 1) for a, b in zip((fast.vlf_ms2, fast.lf_ms2, fast.hf_ms2), reference, strict=True))
    ours = next(iter(timings.values())).median
    goals.check("24 h Lomb-Scargle time", ours, LOMB_LIMIT_S, higher_is_better=False, detail="median s")
    goals.check(
        "24 h Lomb-Scargle band powers vs scipy, largest relative difference",
        worst,
        LOMB_RTOL,
        higher_is_better=False,
        detail="VLF, LF, HF",
    )


def _cold(rr_file: Path) -> tuple[list[float], str]:
    """Wall time of ``attune hrv FILE`` in fresh processes, and the heavy modules the run imported."""
    script = Path(sys.executable).with_name("attune")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "attune.cli"]
    walls = []
    for _ in range(COLD_RUNS):
        start = time.perf_counter()
        subprocess.run([*cmd, "hrv", str(rr_file)], check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
    probe = (
        "import sys, io, contextlib\nfrom attune.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['hrv', sys.argv[1]])\n"
        "print(' '.join(m for m in ('django', 'scipy.signal', 'scipy.interpolate', 'scipy.ndimage', 'pandas') "
        "if m in sys.modules) or 'none')"
    )
    heavy = subprocess.run([sys.executable, "-c", probe, str(rr_file)], check=True, capture_output=True, text=True)
    return walls, heavy.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="HRV report benchmark (issue 9, goals 1 and 2)")
    parser.add_argument("--rounds-day", type=int, default=5)
    parser.add_argument("--rounds-short", type=int, default=30)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    from importlib.metadata import version

    print(f"NeuroKit2 {version('neurokit2')}, hrv-analysis {version('hrv-analysis')}; {load()}")
    goals = Goals()
    day = np.diff(np.round(np.concatenate(([0.0], np.cumsum(day_of_beats()))))).astype(np.float64)
    short = np.loadtxt(NSR_SHORT, dtype=np.float64)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        d = _compare("24 h", day, args.rounds_day, tmp)
        s = _compare("5 min", short, args.rounds_short, tmp)
        ours, full, nk100, nk4, ha = list(d)
        print()
        goals.speedup("24 h full report vs NeuroKit2 defaults", d[nk100], d[full], 50.0)
        goals.speedup("24 h engine vs hrv-analysis (same outputs)", d[ha], d[ours], 5.0)
        goals.speedup("5 min engine vs hrv-analysis (same outputs)", s[ha], s[ours], 1.0)
        print(
            f"info: 24 h full report vs NeuroKit2 on 4 Hz {d[nk4] / d[full]:.1f}x, engine vs NeuroKit2 defaults "
            f"{d[nk100] / d[ours]:.0f}x, on 4 Hz {d[nk4] / d[ours]:.1f}x"
        )
        print(
            f"info: full report vs hrv-analysis's two functions: 24 h {d[ha] / d[full]:.2f}x, "
            f"5 min {s[ha] / s[full]:.2f}x (the report computes far more)"
        )
        _lomb(goals, day, max(3, args.rounds_day // 2))
        short_file = tmp / "5_min_rr_ms.txt"
        walls, heavy = _cold(short_file)
        day_walls, _ = _cold(tmp / "24_h_rr_ms.txt")
        print(f"\ncold `attune hrv` wall time, {COLD_RUNS} fresh processes each; {load()}")
        print(f"  5 min: median {statistics.median(walls):.3f} s (range {min(walls):.3f}-{max(walls):.3f})")
        print(
            f"  24 h : median {statistics.median(day_walls):.3f} s; the day's compute beyond 5 min "
            f"{statistics.median(day_walls) - statistics.median(walls):.3f} s"
        )
        print(f"  heavy modules imported by `attune hrv` on 5 min: {heavy}")
        goals.check(
            "cold attune hrv, 5 min",
            statistics.median(walls),
            COLD_LIMIT_S,
            higher_is_better=False,
            detail="median wall s",
        )
        goals.check(
            "heavy imports in attune hrv (django, scipy.signal, scipy.interpolate)",
            sum(m in heavy.split() for m in ("django", "scipy.signal", "scipy.interpolate")),
            0,
            higher_is_better=False,
            detail=heavy,
        )
    return goals.exit_status()


if __name__ == "__main__":
    raise SystemExit(main())
