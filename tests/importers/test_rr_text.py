"""Reading RR intervals from text files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from attune.importers.rr_text import parse_rr_text, read_rr
from tests.shared_data import shared_data


def test_it_reads_the_polar_h10_csv_with_its_header_and_shared_notifications() -> None:
    rec = read_rr(shared_data("rr/polar_h10_device_rr.csv"))
    assert rec.rr_ms.size == 798
    assert rec.unit == "ms"
    assert_allclose(rec.rr_ms[:4], [421, 379, 1073, 413])
    assert rec.t_s is not None and rec.t_s.size == 798
    assert_allclose(rec.t_s[2:4], [2.673494, 2.681176])


def test_it_reads_one_integer_ms_per_line() -> None:
    rec = read_rr(shared_data("rr/pyhrv_SampleNNISeriesShort_ms.txt"))
    assert rec.rr_ms.size == 337 and rec.unit == "ms" and rec.t_s is None


def test_it_detects_seconds_and_converts_them_to_ms(tmp_path: Path) -> None:
    p = tmp_path / "rr.txt"
    p.write_text("0.812\n0.798\n0.830\n")
    rec = read_rr(p)
    assert rec.unit == "s"
    assert_allclose(rec.rr_ms, [812.0, 798.0, 830.0], rtol=1e-12)


@pytest.mark.parametrize(
    "text",
    ["0.8 800\n1.61 810\n2.40 790\n", "0.8\t800\n1.61\t810\n2.40\t790\n", "800;0.8\n810;1.61\n790;2.40\n"],
)
def test_it_reads_two_columns_and_finds_which_is_time(text: str) -> None:
    rec = parse_rr_text(text)
    assert_allclose(rec.rr_ms, [800.0, 810.0, 790.0])
    assert rec.t_s is not None
    assert_allclose(rec.t_s, [0.8, 1.61, 2.40])


def test_the_header_unit_wins_over_the_values() -> None:
    rec = parse_rr_text("time_ms,ibi_s\n800,0.8\n1610,0.81\n2400,0.79\n")
    assert rec.unit == "s"
    assert_allclose(rec.rr_ms, [800.0, 810.0, 790.0])
    assert rec.t_s is not None
    assert_allclose(rec.t_s, [0.8, 1.61, 2.4])


def test_it_skips_comments_blank_lines_and_rows_without_rr() -> None:
    rec = parse_rr_text("# exported\n\ntime_s,hr_bpm,rr_ms\n1.0,70,850\n1.0,,\n2.0,71,845\n")
    assert_allclose(rec.rr_ms, [850.0, 845.0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no RR intervals"),
        ("hello\nworld\n", "not numeric"),
        ("x,y,z\n1,2,3\n", "no RR column"),
        ("1,2,3\n4,5,6\n", "3 columns without a header"),
        ("0.01\n0.02\n0.015\n", "do not look like RR intervals"),
        ("-800\n810\n790\n", "must be positive; value 1 is -800"),
        ("rr_ms\n", "header but no rows"),
    ],
)
def test_it_rejects_garbage_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rr_text(text)


def test_it_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        read_rr(tmp_path / "nope.txt")


def test_it_rejects_a_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "blob.bin"
    p.write_bytes(bytes(range(128, 256)))
    with pytest.raises(ValueError, match="not a text file"):
        read_rr(p)


def test_values_come_back_as_float64() -> None:
    assert parse_rr_text("800\n810\n805\n").rr_ms.dtype == np.float64
