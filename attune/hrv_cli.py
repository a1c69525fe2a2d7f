"""``attune hrv FILE``: analyse an RR or ECG file and print a report (or JSON).

Needs only numpy and scipy (through :mod:`attune.core` and :mod:`attune.importers`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from attune.core import HRVReport, analyze_rr

_ECG_SUFFIXES = {".hea", ".dat", ".atr", ".npz", ".edf"}


@dataclasses.dataclass(frozen=True, eq=False)
class _Input:
    rr_ms: npt.NDArray[np.float64]
    kind: str
    source: str
    beat_times_s: npt.NDArray[np.float64] | None
    quality: dict[str, Any] | None = None


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="attune hrv",
        description=(
            "Heart rate variability of an RR file (one or two columns, ms or s) or an ECG file "
            "(WFDB, OpenSignals, time/value CSV)."
        ),
    )
    parser.add_argument("file", help="RR or ECG file")
    parser.add_argument("--json", action="store_true", help="print everything as JSON")
    parser.add_argument("--as", dest="as_kind", choices=("auto", "rr", "ecg"), default="auto", help="file kind")
    parser.add_argument(
        "--clean", choices=("lipponen2019", "threshold"), default="lipponen2019", help="artifact method"
    )
    parser.add_argument("--spectrum", choices=("welch", "lomb"), default="welch", help="spectral method")
    return parser


def _looks_like_ecg_text(path: Path) -> bool:
    try:
        head = path.read_bytes()[:4096].decode("utf-8", errors="replace")
    except OSError:
        return False
    first = head.lstrip().splitlines()[0].lower() if head.strip() else ""
    opensignals = head.startswith("#") and ("opensignals" in head.lower() or "sampling rate" in head.lower())
    return opensignals or "ecg" in first or "mv" in first.split(",")


def _read_ecg(path: Path) -> _Input:
    from attune.core.ecg import RPeaks, detect_r_peaks, detect_r_peaks_stream
    from attune.core.ecg_quality import SignalQuality, readable_rr, signal_quality, signal_quality_stream
    from attune.importers import load_ecg

    peaks: RPeaks
    quality: SignalQuality | None = None
    if path.suffix.lower() in {".hea", ".dat", ".atr"} or (path.suffix == "" and path.with_suffix(".hea").exists()):
        # WFDB: one lead, read and detected a stretch at a time, so a day of ECG fits in little memory.
        from attune.importers.wfdb import open_lead

        lead = open_lead(path)
        peaks = detect_r_peaks_stream(lead.blocks(), lead.fs_hz)
        quality = signal_quality_stream(lead.blocks(), lead.fs_hz, peaks.indices, n_samples=lead.n_samples)
        source = f"wfdb:{lead.path.with_suffix('').name}"
    else:
        rec = load_ecg(path)
        peaks = detect_r_peaks(rec.signal, rec.fs_hz, t_s=rec.t_s)
        if rec.t_s is None:  # irregular timestamps: no quality step (it needs even sampling)
            quality = signal_quality(rec.signal, rec.fs_hz, peaks.indices)
        source = rec.source
    times, rr = peaks.times_s, peaks.rr_ms
    summary: dict[str, Any] | None = None
    if quality is not None:
        times, rr, kept = readable_rr(peaks.times_s, quality)
        summary = {
            "method": quality.method,
            "stretches": int(quality.readable.size),
            "unreadable_stretches": int(np.count_nonzero(~quality.readable)),
            "gaps_s": [list(gap) for gap in quality.gaps_s()],
            "beats_found": int(peaks.indices.size),
            "beats_left_out": int(np.count_nonzero(~kept)),
        }
    if times.size < 4 or rr.size < 3:
        raise ValueError(f"{path}: found {times.size} readable heartbeats in the ECG; at least 4 are needed.")
    return _Input(rr_ms=rr, kind="ecg", source=source, beat_times_s=times, quality=summary)


def _read_rr(path: Path) -> _Input:
    from attune.importers.rr_text import read_rr

    rec = read_rr(path)
    return _Input(rr_ms=rec.rr_ms, kind="rr", source=rec.source, beat_times_s=None)


def load_input(path: Path, as_kind: str = "auto") -> _Input:
    """Read ``path`` as RR intervals or as an ECG (detecting which unless told)."""
    wfdb_record = path.suffix == "" and path.with_suffix(".hea").exists()
    if not path.exists() and not wfdb_record:
        raise ValueError(f"{path} does not exist.")
    if path.is_dir():
        raise ValueError(f"{path} is a directory; give an RR or ECG file.")
    if as_kind == "rr":
        return _read_rr(path)
    if as_kind == "ecg" or wfdb_record or path.suffix.lower() in _ECG_SUFFIXES or _looks_like_ecg_text(path):
        return _read_ecg(path)
    try:
        return _read_rr(path)
    except ValueError as rr_error:
        try:
            return _read_ecg(path)
        except (ValueError, ImportError) as ecg_error:
            raise ValueError(f"{rr_error} Reading it as an ECG failed too: {ecg_error}") from None


def _jsonable(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind == "f" and not np.all(np.isfinite(obj)):
            return [v if math.isfinite(v) else None for v in obj.tolist()]
        return obj.tolist()
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(x) for x in obj]
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if math.isfinite(v) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def report_dict(inp: _Input, report: HRVReport) -> dict[str, Any]:
    """Everything, as plain JSON types (NaN and infinity become null)."""
    cleaning = report.cleaning
    freq = report.frequency
    return {
        "source": inp.source,
        "input": inp.kind,
        "settings": {
            "cleaning": {"method": cleaning.method, **dict(cleaning.settings)},
            "frequency": _jsonable(freq.settings) if freq else None,
        },
        "artifacts": {
            "n_intervals": int(cleaning.rr_ms.size),
            "n_flagged": cleaning.n_flagged,
            "artifact_percent": cleaning.artifact_percent,
            "counts": dict(cleaning.counts),
            "flagged": [
                {"index": i, "rr_ms": float(cleaning.rr_ms[i]), "kind": k} for i, k in enumerate(cleaning.flags) if k
            ],
            "changed_indices": cleaning.changed_indices.tolist(),
        },
        "time_domain": _jsonable(report.time),
        "time_domain_raw": _jsonable(report.raw_time),
        "frequency_domain": (
            {k: v for k, v in _jsonable(freq).items() if k not in ("freqs_hz", "psd_ms2_per_hz", "settings")}
            if freq
            else None
        ),
        "spectrum": {"freqs_hz": _jsonable(freq.freqs_hz), "psd_ms2_per_hz": _jsonable(freq.psd_ms2_per_hz)}
        if freq
        else None,
        "nonlinear": _jsonable(report.nonlinear),
        "breathing": _jsonable(report.breathing),
        "notes": list(report.notes),
        "ecg_quality": inp.quality,
        "beat_times_s": _jsonable(inp.beat_times_s) if inp.beat_times_s is not None else None,
        "rr_ms": _jsonable(cleaning.rr_ms),
        "nn_ms": _jsonable(cleaning.nn_ms),
    }


def dump_json(doc: dict[str, Any]) -> str:
    """``doc`` as JSON text, one top-level key a line.

    Each value is written by the json module's C encoder (which it uses only
    without indentation): a day of beats is a few hundred thousand numbers.
    """
    lines = (f"{json.dumps(k)}: {json.dumps(v, allow_nan=False)}" for k, v in doc.items())
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _fmt(v: float | None, spec: str = ".1f") -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    return format(v, spec)


def render_text(inp: _Input, report: HRVReport) -> str:
    """A readable report."""
    c, t, r = report.cleaning, report.time, report.raw_time
    lines = [
        f"Heart rhythm report for {inp.source} ({'ECG, beats detected' if inp.kind == 'ecg' else 'RR intervals'})",
        "Not a medical device: these numbers describe the recording, they are not a diagnosis.",
        "",
        f"Beats: {c.rr_ms.size} intervals over {t.duration_s / 60:.1f} min",
        f"Cleaning ({c.method}): {c.n_flagged} flagged ({c.artifact_percent:.1f} %): "
        + ", ".join(f"{k} {n}" for k, n in c.counts.items()),
        "",
        "Time domain                 cleaned      raw",
        f"  Mean RR (ms)            {t.mean_nn_ms:9.1f} {r.mean_nn_ms:9.1f}",
        f"  Mean HR (bpm)           {t.mean_hr_bpm:9.1f} {r.mean_hr_bpm:9.1f}",
        f"  SDNN (ms)               {t.sdnn_ms:9.1f} {r.sdnn_ms:9.1f}",
        f"  RMSSD (ms)              {t.rmssd_ms:9.1f} {r.rmssd_ms:9.1f}",
        f"  ln RMSSD                {t.ln_rmssd:9.2f} {r.ln_rmssd:9.2f}",
        f"  SDSD (ms)               {t.sdsd_ms:9.1f} {r.sdsd_ms:9.1f}",
        f"  NN50                    {t.nn50:9d} {r.nn50:9d}",
        f"  pNN50 (% of differences){t.pnn50_percent:9.1f} {r.pnn50_percent:9.1f}",
    ]
    f = report.frequency
    if f is not None:
        s = f.settings
        lines += [
            "",
            f"Frequency domain ({s.method}, {s.interpolation_hz:g} Hz {s.interpolation}, detrend {s.detrend} "
            f"lambda {s.detrend_lambda:g}, {s.window_s:g} s windows, {s.overlap:.0%} overlap)",
            f"  VLF {s.vlf_hz[0]:g}-{s.vlf_hz[1]:g} Hz  {_fmt(f.vlf_ms2, '9.1f')} ms2  {_fmt(f.vlf_percent)} %",
            f"  LF  {s.lf_hz[0]:g}-{s.lf_hz[1]:g} Hz {_fmt(f.lf_ms2, '9.1f')} ms2  {_fmt(f.lf_percent)} %  "
            f"{_fmt(f.lf_nu)} n.u.  peak {_fmt(f.lf_peak_hz, '.3f')} Hz",
            f"  HF  {s.hf_hz[0]:g}-{s.hf_hz[1]:g} Hz  {_fmt(f.hf_ms2, '9.1f')} ms2  {_fmt(f.hf_percent)} %  "
            f"{_fmt(f.hf_nu)} n.u.  peak {_fmt(f.hf_peak_hz, '.3f')} Hz",
            f"  Total {_fmt(f.total_ms2, '.1f')} ms2   LF/HF {_fmt(f.lf_hf, '.2f')}",
        ]
    n = report.nonlinear
    if n is not None:
        lines += [
            "",
            "Nonlinear",
            f"  Poincare SD1 {n.sd1_ms:.1f} ms, SD2 {n.sd2_ms:.1f} ms",
            f"  DFA alpha1 {_fmt(n.dfa_alpha1, '.2f')}, alpha2 {_fmt(n.dfa_alpha2, '.2f')}",
            f"  Sample entropy {_fmt(n.sample_entropy, '.2f')} (median of {n.sample_entropy_segments} segments "
            f"of {n.sample_entropy_segment_beats} beats)",
        ]
    b = report.breathing
    if b is not None:
        lines += [
            "",
            f"Breathing rate (from the heart rhythm): about {b.rate_bpm:.1f} breaths/min "
            f"(+/- {b.resolution_bpm / 2:.1f}; peak share {b.peak_fraction:.2f}, low values mean a rough guess)",
        ]
    q = inp.quality
    if q is not None:
        lines += [
            "",
            f"Signal quality: {q['unreadable_stretches']} of {q['stretches']} stretches of 10 s unreadable; "
            f"{q['beats_left_out']} of {q['beats_found']} beats left out, and no interval across a gap is used.",
        ]
    if report.notes:
        lines += ["", *report.notes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point for ``attune hrv``. Returns the process exit status."""
    args = _build_parser().parse_args(argv)
    path = Path(args.file)
    try:
        inp = load_input(path, args.as_kind)
        report = analyze_rr(inp.rr_ms, clean_method=args.clean, frequency_method=args.spectrum)
    except (ValueError, ImportError) as exc:
        print(f"attune hrv: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"attune hrv: {path} cannot be read: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    if args.json:
        sys.stdout.write(dump_json(report_dict(inp, report)))
    else:
        print(render_text(inp, report))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
