"""Time,value ECG tables: units, header, delimiters, irregular times and malformed files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from attune.importers import load_ecg
from attune.importers.ecg_csv import parse


def _table(times: np.ndarray, values: np.ndarray, *, header: str | None, fmt: str, sep: str = ",") -> str:
    rows = [f"{t:{fmt}}{sep}{v:.4f}" for t, v in zip(times, values, strict=True)]
    return "\n".join(([header] if header else []) + rows) + "\n"


def test_it_reads_seconds_with_a_header_as_an_even_recording(tmp_path: Path) -> None:
    t = np.arange(1000) / 250.0
    x = np.sin(2 * np.pi * t)
    path = tmp_path / "ecg.csv"
    path.write_text(_table(t, x, header="time_s,ecg_mv", fmt=".4f"))
    record = load_ecg(path)
    assert record.t_s is None
    assert_allclose(record.fs_hz, 250.0, rtol=1e-9)
    assert_allclose(record.signal, x, atol=5e-5)
    assert (record.units, record.source) == ("mV", "csv:ecg.csv")


def test_it_detects_milliseconds_without_a_header() -> None:
    t_ms = np.arange(500) * 2.0  # 500 Hz
    record = parse(_table(t_ms, np.zeros(500), header=None, fmt=".1f"))
    assert_allclose(record.fs_hz, 500.0, rtol=1e-9)
    assert record.t_s is None


def test_a_header_naming_milliseconds_wins_over_the_step_size() -> None:
    record = parse(_table(np.arange(300) * 0.25, np.zeros(300), header="time (ms);value", fmt=".2f", sep=";"))
    assert_allclose(record.fs_hz, 4000.0, rtol=1e-9)


def test_rounded_times_still_count_as_even_sampling() -> None:
    t = np.arange(3600) / 360.0  # steps of 2.78 ms written to the millisecond
    record = parse(_table(t, np.zeros(t.size), header="t\tv", fmt=".3f", sep="\t"))
    assert record.t_s is None
    assert_allclose(record.fs_hz, 360.0, rtol=1e-3)


def test_it_keeps_irregular_times_sample_by_sample() -> None:
    rng = np.random.default_rng(3)
    t = np.cumsum(rng.uniform(3.0, 5.0, 400)) / 1000.0  # 200 to 333 Hz, in seconds
    record = parse(_table(t, np.arange(400.0), header="time,value", fmt=".6f"))
    assert record.t_s is not None
    assert_allclose(record.t_s, t, atol=5e-7)  # written with six decimals
    assert_allclose(record.fs_hz, 1.0 / np.median(np.diff(t)), rtol=1e-3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("time,value\n", "need at least 2 samples"),
        ("0.0,1.0\n", "need at least 2 samples"),
        ("0.0,1.0\n0.1\n", "line 2: expected two columns"),
        ("0.0,1.0\n0.1,abc\n", "line 2: time and value must be numbers"),
        ("0.0,1.0\n0.2,1.0\n0.1,1.0\n", "row 3 .* is not after row 2"),
        ("0.0,1.0\n0.1,nan\n", "finite"),
    ],
)
def test_it_rejects_a_malformed_table_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse(text, name="bad.csv")


def test_it_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        load_ecg(tmp_path / "absent.csv")


def test_it_refuses_an_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "ecg.edf"
    path.write_bytes(b"0       ")
    with pytest.raises(ValueError, match=r"unknown ECG format '\.edf'"):
        load_ecg(path)
