"""Apple Health import speed and memory, against healthkit-to-sqlite.

Generates an export.xml of the requested size (a realistic mix: mostly heart rate, steps and
energy, with SDNN readings carrying ~60 beat times, resting heart rate, sleep and mindful
minutes; every day's records distinct, as in a real export) and zips it as the Health app does.

Each attune run is the whole import as the task worker runs it: in a child process, a fresh copy
of a migrated SQLite database, a bench member, the upload in place, then ``jobs.run`` around
``imports.actions.run`` (reading, analysing the beat series, and every database write) is timed.
Records per second count every <Record> in the file, as for the reference; peak memory is the
child's whole process (Django included). The reader alone is timed too, as information.

healthkit-to-sqlite (never a project dependency) is installed from PyPI into a venv kept in
~/.cache/attune-bench (or ``--reference-venv``); when it installs it runs on the same zip,
interleaved with attune's runs; otherwise the stated reference is printed. The load average is
printed with every run: quote figures from a quiet machine.

Goal: at least 5x the reference's records per second (the median run of each; when the reference
runs here, against both it and the stated figure), and peak memory under 200 MB whatever the size.
Exit status 1 on a miss.

    python bench/bench_apple_health.py                 # the real run: 1 GB
    python bench/bench_apple_health.py --size 50M      # for iterating
    python bench/bench_apple_health.py --size 50M --profile 1 --no-reference   # where the time goes
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


_FIRST_DAY = 1_577_836_800  # 2020-01-01 00:00 UTC
_BLOCKS_PER_DAY = 72  # of 20 minutes


def _day_template() -> tuple[str, int]:
    """One day of records (dated 2020-01-01), and how many records it holds."""
    blocks = [_block(_FIRST_DAY + n * 1200) for n in range(_BLOCKS_PER_DAY)]
    return "".join(text for text, _ in blocks), sum(n for _, n in blocks)


def generate(path: Path, size: int) -> int:
    """Write an export.xml of about ``size`` bytes; return its number of records.

    Each day is the same day of records with its own date, so no two records in the file share a
    natural key (a file of repeated records would be mostly duplicates, which cost less to store).
    """
    template, per_day = _day_template()
    first = time.strftime("%Y-%m-%d ", time.gmtime(_FIRST_DAY))
    records, day = 0, 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(_HEAD)
        while fh.tell() < size:
            fh.write(template.replace(first, time.strftime("%Y-%m-%d ", time.gmtime(_FIRST_DAY + day * 86_400))))
            records += per_day
            day += 1
        fh.write("</HealthData>\n")
    return records


_READER = """
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

REPO = Path(__file__).resolve().parents[1]


def _django_env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "ATTUNE_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "attune.web.settings",
            "PYTHONPATH": str(REPO)}


def migrated_database(folder: Path) -> Path:
    """A data folder with a migrated SQLite database, to copy for every run."""
    template = folder / "template-data"
    subprocess.run([sys.executable, "-m", "attune.cli", "manage", "migrate", "--verbosity", "0"], check=True,
                   cwd=REPO, env=_django_env(template))
    return template


def child_import(export: Path, profile_to: Path | None) -> None:
    """In the child (``ATTUNE_DATA_DIR`` set): import ``export`` as the worker does; print the figures."""
    import resource

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from attune.web.imports import actions, uploads
    from attune.web.imports.models import Import
    from attune.web.jobs import actions as jobs
    from attune.web.jobs.models import State

    # No password: a member's password hash costs a fixed ~0.3 s that has nothing to do with importing.
    member = get_user_model().objects.create_user("bench", "bench@example.test", None)
    checked = uploads.check_upload(export, export.name)  # the request's part, before the job is queued
    job = jobs.create(member, actions.JOB_KIND)
    imp = Import.objects.create(owner=member, job=job, original_name=export.name, size_bytes=export.stat().st_size,
                                format=str(checked.format), created_at=timezone.now())
    os.link(export, uploads.upload_path(imp.pk))  # the import deletes its upload; the bench keeps the file

    def work() -> State:  # exactly the body of the worker's task (attune.web.imports.tasks.run_import)
        return jobs.run(str(job.pk), lambda progress: actions.run(str(imp.pk), progress))

    t0, c0 = time.perf_counter(), time.process_time()
    if profile_to is None:
        state = work()
    else:
        import cProfile

        profiler = cProfile.Profile()
        state = profiler.runcall(work)
        profiler.dump_stats(profile_to)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    imp.refresh_from_db()
    if state != State.DONE:
        raise SystemExit(f"the import ended {state}: {imp.error}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, "records_read": imp.records_read, "added": imp.added,
                      "duplicates": imp.duplicates, "peak_mb": peak_mb}))


def run_import(template: Path, export: Path, folder: Path, profile_to: Path | None = None) -> dict[str, float]:
    """One whole import in a fresh child process, on a fresh copy of the migrated database."""
    data = folder / "run-data"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(template, data)
    command = [sys.executable, str(Path(__file__).resolve()), "--child-import", str(export)]
    if profile_to is not None:
        command += ["--profile-to", str(profile_to)]
    try:
        out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=REPO, env=_django_env(data))
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"the import failed:\n{exc.stderr[-3000:]}") from None
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run_reader(export: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _READER, str(export)], check=True, capture_output=True, text=True,
                         cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def install_reference(venv: Path) -> Path | None:
    """healthkit-to-sqlite in its own venv (kept between runs); None if it does not install."""
    tool = venv / "bin" / "healthkit-to-sqlite"
    if tool.exists():
        return tool
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "healthkit-to-sqlite"],
                       check=True, capture_output=True, timeout=600)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"healthkit-to-sqlite did not install ({type(exc).__name__}); using the stated reference")
        return None
    return tool


def run_reference(tool: Path, zipped: Path, folder: Path) -> dict[str, float]:
    db = folder / "hk.db"
    db.unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-c", _WRAP, str(tool), str(zipped), str(db)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _line(who: str, n: int, records: int, r: dict[str, float]) -> str:
    return (f"  {who} run {n}: {records / r['seconds']:,.0f} records/s in {r['seconds']:.1f} s "
            f"({records / r['cpu_s']:,.0f} per CPU second), peak {r['peak_mb']:.0f} MB, load {_load()}")


def profile(template: Path, export: Path, folder: Path, runs: int) -> None:
    """Whole imports under cProfile: where the time goes, by own time and by cumulative time."""
    import pstats

    stats: pstats.Stats | None = None
    for n in range(runs):
        dump = folder / f"profile-{n}.prof"
        r = run_import(template, export, folder, profile_to=dump)
        print(f"  profiled run {n + 1}: {r['seconds']:.1f} s (slower under the profiler), load {_load()}")
        stats = pstats.Stats(str(dump)) if stats is None else stats.add(str(dump))
    assert stats is not None
    stats.strip_dirs()
    for key in ("tottime", "cumulative"):
        print(f"\n--- by {key} ---")
        stats.sort_stats(key).print_stats(30)


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child-import":
        profile_to = Path(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--profile-to" else None
        child_import(Path(sys.argv[2]), profile_to)
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1G", help="export.xml size: 1G (default), 200M, 50M ...")
    parser.add_argument("--no-reference", action="store_true", help="do not install and run healthkit-to-sqlite")
    parser.add_argument("--reference-venv", type=Path, default=Path.home() / ".cache" / "attune-bench" / "hk-venv",
                        help="where healthkit-to-sqlite is installed (and kept between runs)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved runs of each (default 3); medians count")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="instead of the comparison, profile N whole imports with cProfile")
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="attune-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        xml = folder / "export.xml"
        t0 = time.perf_counter()
        records = generate(xml, _size(args.size))
        zipped = folder / "export.zip"  # what the Health app hands over; both tools read it
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.write(xml, "apple_health_export/export.xml")
        xml.unlink()
        print(f"generated {_size(args.size) / 1e6:.0f} MB export.xml ({zipped.stat().st_size / 1e6:.0f} MB zipped), "
              f"{records:,} records in {time.perf_counter() - t0:.0f} s; load {_load()}", flush=True)
        template = migrated_database(folder)
        if args.profile:
            profile(template, zipped, folder, args.profile)
            return 0
        tool = None if args.no_reference else install_reference(args.reference_venv)
        ours: list[dict[str, float]] = []
        theirs: list[dict[str, float]] = []
        reader: list[dict[str, float]] = []
        for round_ in range(args.rounds):  # interleaved: attune, reference, attune, reference, ...
            ours.append(run_import(template, zipped, folder))
            print(_line("attune (whole import)", round_ + 1, records, ours[-1]), flush=True)
            if tool is not None:
                theirs.append(run_reference(tool, zipped, folder))
                print(_line("healthkit-to-sqlite", round_ + 1, records, theirs[-1]), flush=True)
            reader.append(run_reader(zipped))
            print(_line("attune reader alone (info)", round_ + 1, records, reader[-1]), flush=True)
        rate = records / statistics.median(r["seconds"] for r in ours)
        best = records / min(r["seconds"] for r in ours)
        peak = max(r["peak_mb"] for r in ours)
        if theirs:
            reference = records / statistics.median(r["seconds"] for r in theirs)
            where = "measured in this run, median"
        else:
            reference, where = REFERENCE_RECORDS_PER_S, "stated reference"
        ratio = rate / reference
        print(f"load average (1, 5, 15 min): {_load()}")
        print(f"file: {_size(args.size) / 1e6:.0f} MB export.xml, {records:,} records; {args.rounds} runs of each, "
              f"medians")
        print(f"records/s, whole import: attune median {rate:,.0f} (best {best:,.0f}) vs healthkit-to-sqlite "
              f"{reference:,.0f} ({where}): {ratio:.1f}x, goal >= {GOAL_RATIO:g}x")
        cpu_rate = records / statistics.median(r["cpu_s"] for r in ours)
        if theirs:
            cpu_ref = records / statistics.median(r["cpu_s"] for r in theirs)
            print(f"per CPU second (less hurt by a busy machine): attune {cpu_rate:,.0f} vs healthkit-to-sqlite "
                  f"{cpu_ref:,.0f}: {cpu_rate / cpu_ref:.1f}x")
            stated = rate / REFERENCE_RECORDS_PER_S
            print(f"against the stated {REFERENCE_RECORDS_PER_S:,.0f} records/s: {stated:.1f}x")
            ratio = min(ratio, stated)
        else:
            print(f"per CPU second (less hurt by a busy machine): attune {cpu_rate:,.0f}")
        print(f"attune's reader alone (info, no database): median "
              f"{records / statistics.median(r['seconds'] for r in reader):,.0f} records/s")
        last = ours[-1]
        print(f"peak memory: attune {peak:.0f} MB (whole worker process), goal < {GOAL_PEAK_MB:g} MB; "
              f"stored {last['added']:,.0f} of {last['records_read']:,.0f} records read "
              f"({last['duplicates']:,.0f} duplicates)")
        ok = ratio >= GOAL_RATIO and peak < GOAL_PEAK_MB
        print("PASS" if ok else "MISS")
        return 0 if ok else 1
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
