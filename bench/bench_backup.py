"""`attune backup` and `attune restore` on a data folder with a large upload: time and peak memory.

Makes a fresh data folder (migrated, one member), puts a file of the requested size of random
bytes into its imports folder, then runs `attune backup` and `attune restore` in child processes,
measuring wall time and each child's peak RSS (ru_maxrss). Both commands stream in 1 MiB chunks,
so peak memory should stay flat whatever the size.

Goal: peak memory under 150 MB for both, whatever the size. Exit status 1 on a miss.

    python bench/bench_backup.py                 # 1 GB
    python bench/bench_backup.py --size 100M     # a smoke run
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_PEAK_MB = 150.0
PASSPHRASE = "a bench passphrase, long enough"  # noqa: S105  (a throwaway folder)


def _size(text: str) -> int:
    units = {"K": 1024, "M": 1024**2, "G": 1024**3}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env.update(ATTUNE_DATA_DIR=str(data_dir), ATTUNE_BACKUP_PASSPHRASE=PASSPHRASE)
    return env


def _child(data_dir: Path, *args: str) -> tuple[float, float]:
    """Run one attune command as a child; its wall seconds and its own peak RSS in MB."""
    pid_start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "attune.cli", *args], env=_env(data_dir))
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"attune {args[0]} failed with {proc.returncode}")
    return time.perf_counter() - pid_start, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1G", help="size of the upload to back up (e.g. 200M, 1G)")
    size = _size(parser.parse_args().size)
    with tempfile.TemporaryDirectory(prefix="attune-bench-backup-") as tmp:
        root = Path(tmp)
        site = root / "site"
        subprocess.run(
            [sys.executable, "-m", "attune.cli", "manage", "migrate", "--no-input", "-v", "0"],
            env=_env(site),
            check=True,
        )
        (site / "imports").mkdir(exist_ok=True)
        with (site / "imports" / "big.bin").open("wb") as handle:
            left = size
            while left:
                step = min(left, 8 * 1024 * 1024)
                handle.write(os.urandom(step))
                left -= step
        backup_s, backup_mb = _child(site, "backup", "-o", str(root / "out"))
        (data,) = (root / "out").glob("*.attune-data")
        restore_s, restore_mb = _child(root / "restored", "restore", str(data))
        same = (root / "restored" / "imports" / "big.bin").stat().st_size == size
        load = os.getloadavg()
        mb = size / 1024**2
        print(f"upload {mb:.0f} MB; backup file {data.stat().st_size / 1024**2:.0f} MB")
        print(f"backup:  {backup_s:6.1f} s ({mb / backup_s:5.0f} MB/s), peak {backup_mb:5.0f} MB")
        print(f"restore: {restore_s:6.1f} s ({mb / restore_s:5.0f} MB/s), peak {restore_mb:5.0f} MB")
        print(f"restored file complete: {same}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    ok = same and max(backup_mb, restore_mb) < GOAL_PEAK_MB
    print("goal met" if ok else f"goal missed: peak memory must stay under {GOAL_PEAK_MB:.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
