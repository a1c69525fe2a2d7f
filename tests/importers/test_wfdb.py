"""WFDB header, format 212/16 signals and MIT annotation files, on record 100 and on files made here."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from attune.importers import load_ecg
from attune.importers.wfdb import BEAT_SYMBOLS, open_lead, read_annotations, read_header, read_record
from tests.shared_data import shared_data


def _encode_212(samples: np.ndarray) -> bytes:
    """Pack 12-bit two's-complement samples two to three bytes, as WFDB format 212 does."""
    s = np.asarray(samples, dtype=np.int64) & 0xFFF
    if s.size % 2:
        s = np.append(s, 0)
        cut = 1
    else:
        cut = 0
    a, b = s[0::2], s[1::2]
    out = np.stack([a & 0xFF, ((a >> 8) & 0x0F) | ((b >> 8) << 4), b & 0xFF], axis=1).astype(np.uint8).tobytes()
    return out[:-cut] if cut else out


def _checksum(samples: np.ndarray) -> int:
    total = int(np.sum(samples)) & 0xFFFF
    return total - 0x10000 if total >= 0x8000 else total


def _write_record(tmp_path: Path, frames: np.ndarray, *, fmt: int = 212, checksums: bool = True) -> Path:
    n, nsig = frames.shape
    data = _encode_212(frames.ravel()) if fmt == 212 else frames.astype("<i2").tobytes()
    (tmp_path / "rec.dat").write_bytes(data)
    lines = [f"rec {nsig} 250 {n}"]
    for k in range(nsig):
        tail = f" {_checksum(frames[:, k])} 0 lead{k}" if checksums else ""  # fields are positional
        lines.append(f"rec.dat {fmt} 100(10)/mV 12 0 {frames[0, k]}{tail}")
    (tmp_path / "rec.hea").write_text("\n".join(lines) + "\n")
    return tmp_path / "rec"


def test_it_reads_both_leads_of_record_100_in_millivolts() -> None:
    record = read_record(shared_data("ecg/mitdb100/100.hea"))
    assert record.signals.shape == (650_000, 2)
    assert record.fs_hz == 360.0
    assert record.labels == ("MLII", "V5")
    # The header's initial values are 995 and 1011 ADC units, baseline 1024, gain 200 per mV.
    assert_allclose(record.signals[0], [(995 - 1024) / 200, (1011 - 1024) / 200], rtol=1e-12)


def test_it_loads_a_chosen_lead_as_an_ecg_record() -> None:
    mlii = load_ecg(shared_data("ecg/mitdb100/100.dat"))
    v5 = load_ecg(shared_data("ecg/mitdb100/100.hea").with_suffix(""), lead="V5")  # the bare record name
    by_index = load_ecg(shared_data("ecg/mitdb100/100.hea"), lead=1)
    assert (mlii.label, mlii.units, mlii.fs_hz, mlii.t_s) == ("MLII", "mV", 360.0, None)
    assert v5.label == "V5"
    assert_array_equal(v5.signal, by_index.signal)
    assert mlii.duration_s == pytest.approx(650_000 / 360.0)


def test_it_reads_the_100_atr_labels() -> None:
    ann = read_annotations(shared_data("ecg/mitdb100/100.atr"))
    counts = Counter(ann.symbols)
    assert counts == Counter({"N": 2239, "A": 33, "V": 1, "+": 1})
    assert ann.beat_samples.size == 2273
    assert ann.aux[0] == "(N"  # the opening rhythm mark carries its rhythm name
    with shared_data("ecg/mitdb100/100_atr_beats.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert_array_equal(ann.samples, [int(r["sample"]) for r in rows])
    assert list(ann.symbols) == [r["symbol"] for r in rows]


def test_beat_symbols_exclude_rhythm_noise_and_comment_marks() -> None:
    assert {"N", "V", "A", "F", "/", "Q"} <= BEAT_SYMBOLS
    assert not {"+", "~", "|", '"', "["} & BEAT_SYMBOLS


@pytest.mark.parametrize("n_frames", [7, 8])
def test_it_round_trips_format_212_with_negative_values_and_an_odd_sample_count(tmp_path: Path, n_frames: int) -> None:
    rng = np.random.default_rng(n_frames)
    frames = rng.integers(-2047, 2048, size=(n_frames, 1))
    frames[:3, 0] = [-2047, 2047, -1]
    record = read_record(_write_record(tmp_path, frames))
    assert_allclose(record.signals[:, 0], (frames[:, 0] - 10) / 100.0, rtol=1e-12)


def test_it_reads_format_16_with_two_interleaved_signals(tmp_path: Path) -> None:
    frames = np.array([[1, -1], [300, -300], [-32000, 32000]])
    record = read_record(_write_record(tmp_path, frames, fmt=16))
    assert_allclose(record.signals, (frames - 10) / 100.0, rtol=1e-12)


def test_it_marks_the_invalid_sample_code_as_nan(tmp_path: Path) -> None:
    frames = np.array([[5], [-2048], [7], [8]])
    record = read_record(_write_record(tmp_path, frames, checksums=False))
    assert np.isnan(record.signals[1, 0])
    assert np.isfinite(record.signals[[0, 2, 3], 0]).all()


def _damaged_record(tmp_path: Path) -> Path:
    """A two-signal record whose fourth byte was flipped after the checksums were written."""
    base = _write_record(tmp_path, np.arange(20).reshape(10, 2))
    dat = base.with_suffix(".dat")
    raw = bytearray(dat.read_bytes())
    raw[3] ^= 0x55
    dat.write_bytes(bytes(raw))
    return base


def test_it_rejects_a_damaged_signal_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="checksum"):
        read_record(_damaged_record(tmp_path))


def test_it_rejects_a_truncated_signal_file(tmp_path: Path) -> None:
    base = _write_record(tmp_path, np.arange(20).reshape(10, 2))
    dat = base.with_suffix(".dat")
    dat.write_bytes(dat.read_bytes()[:-6])
    with pytest.raises(ValueError, match="holds 8 frames but the header announces 10"):
        read_record(base)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "no record line"),
        ("rec two 250 10\n", "number of signals should be an integer"),
        ("rec/2 1 250 10\n", "multi-segment"),
        ("rec 2 250 10\nrec.dat 212 200 12 0\n", "announces 2 signals but 1 signal lines follow"),
        ("rec 1 250 10\nrec.dat 8 200 12 0\n", "format 8 is not supported"),
        ("rec 1 fast 10\nrec.dat 212\n", "sampling rate should be a number"),
    ],
)
def test_it_rejects_a_malformed_header_with_a_clear_message(tmp_path: Path, header: str, message: str) -> None:
    (tmp_path / "rec.hea").write_text(header)
    with pytest.raises(ValueError, match=message):
        read_header(tmp_path / "rec")


def test_it_reports_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        read_record(tmp_path / "nothing")
    (tmp_path / "rec.hea").write_text("rec 1 250 10\nrec.dat 212\n")
    with pytest.raises(ValueError, match=r"signal file .*rec\.dat does not exist"):
        read_record(tmp_path / "rec")
    with pytest.raises(ValueError, match="does not exist"):
        read_annotations(tmp_path / "rec.atr")


def test_it_rejects_an_unknown_lead() -> None:
    with pytest.raises(ValueError, match=r"lead 'V1' is not in the record; it has 'MLII', 'V5'"):
        load_ecg(shared_data("ecg/mitdb100/100.hea"), lead="V1")
    with pytest.raises(ValueError, match="out of range"):
        load_ecg(shared_data("ecg/mitdb100/100.hea"), lead=2)


def _word(code: int, value: int) -> bytes:
    return ((code << 10) | value).to_bytes(2, "little")


def test_it_follows_skip_aux_and_num_records_in_annotation_files(tmp_path: Path) -> None:
    skip = 100_000
    body = (
        _word(28, 5)  # '+' at sample 5
        + _word(63, 3)
        + b"(N\x00\x00"  # its 3-byte auxiliary text, padded to an even length
        + _word(1, 100)  # 'N' at 105
        + _word(60, 1)  # a NUM field: changes no time
        + _word(59, 0)
        + (skip >> 16).to_bytes(2, "little")
        + (skip & 0xFFFF).to_bytes(2, "little")
        + _word(5, 20)  # 'V' at 105 + 100000 + 20
        + _word(0, 0)
    )
    (tmp_path / "x.atr").write_bytes(body)
    ann = read_annotations(tmp_path / "x.atr")
    assert_array_equal(ann.samples, [5, 105, 100_125])
    assert ann.symbols == ("+", "N", "V")
    assert ann.aux == ("(N", "", "")
    assert_array_equal(ann.beat_samples, [105, 100_125])


def test_it_rejects_a_truncated_annotation_file(tmp_path: Path) -> None:
    (tmp_path / "x.atr").write_bytes(_word(1, 10) + _word(59, 0) + b"\x01\x00")
    with pytest.raises(ValueError, match="truncated inside a SKIP"):
        read_annotations(tmp_path / "x.atr")


def test_it_rejects_an_unknown_annotation_code(tmp_path: Path) -> None:
    (tmp_path / "x.atr").write_bytes(_word(50, 10) + _word(0, 0))
    with pytest.raises(ValueError, match="unknown annotation code 50"):
        read_annotations(tmp_path / "x.atr")


@pytest.mark.parametrize(
    ("n_signals", "fmt", "column"), [(1, 212, 0), (2, 212, 0), (2, 212, 1), (3, 212, 1), (3, 212, 2), (2, 16, 1)]
)
@pytest.mark.parametrize("block", [1, 4, 7, 1000])
def test_a_lead_read_block_by_block_equals_the_whole_record(
    tmp_path: Path, n_signals: int, fmt: int, column: int, block: int
) -> None:
    frames = np.random.default_rng(block).integers(-2047, 2048, size=(23, n_signals))
    base = _write_record(tmp_path, frames, fmt=fmt)
    lead = open_lead(base, lead=column)
    adc = list(lead.adc_blocks(block))
    assert all(a.dtype == np.int16 for a in adc)  # the width the samples are stored in
    assert_array_equal(np.concatenate(adc), frames[:, column])
    assert_array_equal(np.concatenate(list(lead.blocks(block))), read_record(base).signals[:, column])


def test_a_lead_read_block_by_block_checks_the_checksum_and_the_length(tmp_path: Path) -> None:
    base = _damaged_record(tmp_path)
    with pytest.raises(ValueError, match="checksum"):
        list(open_lead(base).blocks(3))
    dat = base.with_suffix(".dat")
    dat.write_bytes(dat.read_bytes()[:-6])
    with pytest.raises(ValueError, match="ends before the 10 frames"):
        list(open_lead(base, lead=1).blocks(4))
