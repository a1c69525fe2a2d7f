"""Apple Health import speed and memory, against healthkit-to-sqlite.

Generates an export.xml of the requested size (a realistic mix: mostly heart rate, steps and
energy, with SDNN readings carrying ~60 beat times, resting heart rate, sleep and mindful
minutes), then reads it with attune's reader in a child process, measuring records per second
(every <Record> in the file counts, as it does for the reference) and the child's peak RSS.

If healthkit-to-sqlite installs from PyPI into a temporary venv (it is never a project
dependency), it runs on the same file, zipped as the Health app would, interleaved with attune's
runs; otherwise the stated reference is printed.

Goal: at least 5x the reference's records per second (the median run of each; when the reference
runs here, against both it and the stated figure), and peak memory under 200 MB whatever the size.
Exit status 1 on a miss.

    python bench/bench_apple_health.py                 # the real run: 1 GB
    python bench/bench_apple_health.py --size 20M      # a smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REFERENCE_RECORDS_PER_S = 17_500.0  # healthkit-to-sqlite, measured on this kind of machine (issue 13)
GOAL_RATIO = 5.0
GOAL_PEAK_MB = 200.0

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
]>
<HealthData locale="en_US">
 <ExportDate value="2024-05-06 09:00:00 +0200"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-06-01"/>
"""
_DEVICE = ('device="&lt;&lt;HKDevice: 0x281d1acb0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, '
           'hardware:Watch6,2, software:10.4&gt;"')


def _stamp(t: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S +0000", time.gmtime(t))


def _block(t: int) -> tuple[str, int]:
    """200 records covering about 20 minutes, as text; and how many records it holds."""
    out = []
    src = f'sourceName="Sam’s Apple Watch" sourceVersion="10.4" {_DEVICE}'
    for i in range(180):
        s = _stamp(t + i * 6)
        kind, unit, value = [("HeartRate", "count/min", 60 + i % 30), ("StepCount", "count", 12 + i % 40),
                             ("ActiveEnergyBurned", "Cal", 0.25 + i % 7)][i % 3]
        out.append(f' <Record type="HKQuantityTypeIdentifier{kind}" {src} unit="{unit}" creationDate="{s}" '
                   f'startDate="{s}" endDate="{s}" value="{value}">\n'
                   '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n </Record>\n')
    for j in range(18):
        s, e = _stamp(t + j * 60), _stamp(t + j * 60 + 30)
        kind = ["HKCategoryTypeIdentifierSleepAnalysis", "HKQuantityTypeIdentifierRestingHeartRate",
                "HKCategoryTypeIdentifierMindfulSession"][j % 3]
        value = ["HKCategoryValueSleepAnalysisAsleepCore", "52", "HKCategoryValueNotApplicable"][j % 3]
        unit = ' unit="count/min"' if j % 3 == 1 else ""
        out.append(f' <Record type="{kind}" {src}{unit} startDate="{s}" endDate="{e}" value="{value}"/>\n')
    for j in range(2):
        start = t + 600 + j * 300
        beats = "".join(
            f'   <InstantaneousBeatsPerMinute bpm="{70 + k % 5}" '
            f'time="{time.strftime("%-I:%M:%S", time.gmtime(start + k * 0.85))}.{int(k * 85) % 100:02d} '
            f'{time.strftime("%p", time.gmtime(start))}"/>\n'
            for k in range(60)
        )
        out.append(f' <Record type="HKQuantityTypeIdentifierHeartRateVariabilitySDNN" {src} unit="ms" '
                   f'startDate="{_stamp(start)}" endDate="{_stamp(start + 60)}" value="{40 + j}.5">\n'
                   f"  <HeartRateVariabilityMetadataList>\n{beats}  </HeartRateVariabilityMetadataList>\n </Record>\n")
    return "".join(out), 200


def generate(path: Path, size: int) -> int:
    """Write an export.xml of about ``size`` bytes; return its number of records."""
    records = 0
    t = 1_577_836_800  # 2020-01-01
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(_HEAD)
        while fh.tell() < size:
            text, n = _block(t)
            for _ in range(50):  # repeat a block with shifted times would be slower; 50 copies keep it quick
                fh.write(text)
                records += n
            t += 1200
        fh.write("</HealthData>\n")
    return records


_CHILD = """
import json, resource, sys, time
from attune.importers.apple_health import read_apple_health
t0, c0 = time.perf_counter(), time.process_time()
n = sum(1 for _ in read_apple_health(sys.argv[1]))
dt, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"seconds": dt, "cpu_s": cpu, "yielded": n,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_WRAP = """
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
dt = time.perf_counter() - t0
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": dt, "cpu_s": use.ru_utime + use.ru_stime, "peak_mb": use.ru_maxrss / 1024}))
"""


def run_attune(xml: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(xml)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def install_reference(folder: Path) -> Path | None:
    venv = folder / "hk-venv"
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "healthkit-to-sqlite"],
                       check=True, capture_output=True, timeout=600)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"healthkit-to-sqlite did not install ({type(exc).__name__}); using the stated reference")
        return None
    return venv / "bin" / "healthkit-to-sqlite"


def run_reference(tool: Path, zipped: Path, folder: Path) -> dict[str, float]:
    db = folder / "hk.db"
    db.unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-c", _WRAP, str(tool), str(zipped), str(db)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1G", help="export.xml size: 1G (default), 200M, 20M ...")
    parser.add_argument("--no-reference", action="store_true", help="do not install and run healthkit-to-sqlite")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved runs of each (default 3); medians count")
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="attune-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        xml = folder / "export.xml"
        t0 = time.perf_counter()
        records = generate(xml, _size(args.size))
        print(f"generated {xml.stat().st_size / 1e6:.0f} MB, {records} records in {time.perf_counter() - t0:.0f} s")
        tool = None if args.no_reference else install_reference(folder)
        zipped = folder / "export.zip"
        if tool is not None:
            with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
                zf.write(xml, "apple_health_export/export.xml")
        ours: list[dict[str, float]] = []
        theirs: list[dict[str, float]] = []
        for round_ in range(args.rounds):  # interleaved: attune, reference, attune, reference, ...
            ours.append(run_attune(xml))
            print(f"  attune run {round_ + 1}: {records / ours[-1]['seconds']:,.0f} records/s "
                  f"({records / ours[-1]['cpu_s']:,.0f} per CPU second), peak {ours[-1]['peak_mb']:.0f} MB, "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
            if tool is not None:
                theirs.append(run_reference(tool, zipped, folder))
                print(f"  healthkit-to-sqlite run {round_ + 1}: {records / theirs[-1]['seconds']:,.0f} records/s "
                      f"({records / theirs[-1]['cpu_s']:,.0f} per CPU second), peak {theirs[-1]['peak_mb']:.0f} MB, "
                      f"load {os.getloadavg()[0]:.2f}", flush=True)
        rate = records / statistics.median(r["seconds"] for r in ours)
        best = records / min(r["seconds"] for r in ours)
        peak = max(r["peak_mb"] for r in ours)
        if theirs:
            reference = records / statistics.median(r["seconds"] for r in theirs)
            where = "measured in this run, median"
        else:
            reference, where = REFERENCE_RECORDS_PER_S, "stated reference"
        ratio = rate / reference
        print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"records/s: attune median {rate:,.0f} (best {best:,.0f}) vs healthkit-to-sqlite {reference:,.0f} "
              f"({where}): {ratio:.1f}x, goal >= {GOAL_RATIO:g}x")
        cpu_rate = records / statistics.median(r["cpu_s"] for r in ours)
        if theirs:
            cpu_ref = records / statistics.median(r["cpu_s"] for r in theirs)
            print(f"per CPU second (less hurt by a busy machine): attune {cpu_rate:,.0f} vs healthkit-to-sqlite "
                  f"{cpu_ref:,.0f}: {cpu_rate / cpu_ref:.1f}x")
        else:
            print(f"per CPU second (less hurt by a busy machine): attune {cpu_rate:,.0f}")
        if theirs:
            stated = rate / REFERENCE_RECORDS_PER_S
            print(f"against the stated {REFERENCE_RECORDS_PER_S:,.0f} records/s: {stated:.1f}x")
            ratio = min(ratio, stated)
        print(f"peak memory: attune {peak:.0f} MB (whole process), goal < {GOAL_PEAK_MB:g} MB; "
              f"yielded {ours[-1]['yielded']:.0f} records")
        ok = ratio >= GOAL_RATIO and peak < GOAL_PEAK_MB
        print("PASS" if ok else "MISS")
        return 0 if ok else 1
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
