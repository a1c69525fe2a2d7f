"""A day of real ECG for the benchmarks, built from MIT-BIH record 100.

``day_record(directory)`` writes record 100 (both leads, format 212, 360 Hz) repeated 48
times, 31.2 million samples a lead (24 h 4 min), as a WFDB record ``day100`` in
``directory``: the signal file is the original bytes repeated, the header the original
with the new length and checksums. It is built in a temporary directory, never in the
repository.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MITDB100 = ROOT.parent / "shared" / "data" / "ecg" / "mitdb100"
REPEATS = 48


def day_record(directory: Path, repeats: int = REPEATS) -> Path:
    """Write the repeated record into ``directory`` and return the path of its header."""
    from attune.importers.wfdb import read_header

    header = read_header(MITDB100 / "100.hea")
    data = (MITDB100 / "100.dat").read_bytes()
    n = header.n_samples or 0
    lines = [f"day100 {len(header.signals)} {header.fs_hz:g} {n * repeats}"]
    for spec in header.signals:
        checksum = ((spec.checksum or 0) * repeats) & 0xFFFF
        checksum -= 0x10000 if checksum >= 0x8000 else 0
        lines.append(
            f"day100.dat {spec.fmt} {spec.gain_adu_per_unit:g} {spec.adc_resolution_bits} {spec.adc_zero} "
            f"{spec.initial_value} {checksum} 0 {spec.description}"
        )
    with (directory / "day100.dat").open("wb") as fh:
        for _ in range(repeats):
            fh.write(data)
    hea = directory / "day100.hea"
    hea.write_text("\n".join(lines) + "\n")
    return hea
