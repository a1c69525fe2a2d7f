"""OpenSignals text files: the BITalino sample recording and small files made here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from attune.importers import load_ecg
from attune.importers.opensignals import parse
from tests.shared_data import shared_data


def _file(rows: list[list[int]], *, device: dict[str, object] | None = None) -> str:
    meta: dict[str, object] = {
        "sensor": ["ECG"],
        "column": ["nSeq", "I1", "I2", "O1", "O2", "A2"],
        "sampling rate": 100,
        "label": ["A2"],
        "resolution": [4, 1, 1, 1, 1, 10],
    }
    if device is not None:
        meta = device
    header = ["# OpenSignals Text File Format", "# " + json.dumps({"00:11:22": meta}), "# EndOfHeader"]
    return "\n".join(header + ["\t".join(map(str, r)) + "\t" for r in rows]) + "\n"


def _rows(seq: list[int]) -> list[list[int]]:
    return [[s, 1, 1, 0, 0, 500 + i] for i, s in enumerate(seq)]


def test_it_reads_the_bitalino_sample_file() -> None:
    record = load_ecg(shared_data("ecg/pyhrv_bitalino_SampleECG_1000hz.txt"))
    assert record.fs_hz == 1000.0
    assert record.signal.size == 22_350
    assert (record.label, record.units, record.t_s) == ("A2", "adc", None)
    assert_array_equal(record.signal[:5], [496, 496, 497, 498, 498])
    assert record.source.startswith("opensignals:")
    assert record.signal.min() >= 0 and record.signal.max() <= 1023  # a 10-bit converter


def test_it_keeps_the_times_around_dropped_samples() -> None:
    seq = [0, 1, 2, 5, 6, 7]  # samples 3 and 4 were lost in transmission
    record = parse(_file(_rows(seq)))
    assert record.t_s is not None
    assert_allclose(record.t_s, np.array([0, 1, 2, 5, 6, 7]) / 100.0, rtol=1e-12)


def test_a_wrapping_sequence_counter_is_not_a_gap() -> None:
    record = parse(_file(_rows([14, 15, 0, 1, 2])))
    assert record.t_s is None
    assert_array_equal(record.signal, [500, 501, 502, 503, 504])


def test_it_picks_the_ecg_among_several_channels() -> None:
    device = {
        "sensor": ["EDA", "ECG"],
        "column": ["nSeq", "A1", "A2"],
        "sampling rate": 500,
        "label": ["A1", "A2"],
    }
    record = parse(_file([[0, 7, 500], [1, 8, 510], [2, 9, 520]], device=device))
    assert record.label == "A2"
    assert_array_equal(record.signal, [500, 510, 520])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1\t2\n3\t4\n", "no OpenSignals header"),
        ("# OpenSignals Text File Format\n1\t2\n", "no OpenSignals JSON header"),
        ('# {"dev": {"column": ["nSeq", "A1"], "label": ["A1"]}}\n0\t1\n1\t2\n', "no usable 'sampling rate'"),
        ("# {broken\n0\t1\n", "JSON header cannot be read"),
        (
            '# {"dev": {"column": ["nSeq", "A1", "A2"], "sampling rate": 100, "label": ["A1", "A2"],'
            ' "sensor": ["EDA", "EMG"]}}\n0\t1\t2\n1\t2\t3\n',
            "no channel is marked as ECG",
        ),
    ],
)
def test_it_rejects_a_malformed_header_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse(text, name="bad.txt")


def test_it_names_the_line_of_a_malformed_row() -> None:
    text = _file(_rows([0, 1, 2])).replace("2\t1\t1\t0\t0\t502", "2\t1\t1\t0\t502")
    with pytest.raises(ValueError, match=r"bad\.txt line 6: expected 6 values"):
        parse(text, name="bad.txt")


def test_it_needs_data_rows() -> None:
    with pytest.raises(ValueError, match="need at least 2 data rows, got 0"):
        parse(_file([]), name="empty.txt")


def test_load_ecg_recognises_opensignals_by_content(tmp_path: Path) -> None:
    path = tmp_path / "session.txt"
    path.write_text(_file(_rows([0, 1, 2, 3])))
    assert load_ecg(path).source == "opensignals:session.txt"
