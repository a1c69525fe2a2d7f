"""Fuzzing every export reader: whatever the bytes, a clear error naming the file and place, or records.

Each reader gets garbage, its own fixture cut short, the fixture with bytes changed, and the fixture
with values replaced by wrong types and huge numbers. It must then either yield well-formed records
or raise its ImportFormatError subclass, whose message starts with the file's name and a place;
any other exception fails the test. Examples are few and deadlines short so the suite stays fast.
"""

from __future__ import annotations

import io
import re
import struct
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune.importers.elite_hrv import read_elite_hrv
from attune.importers.errors import ImportFormatError
from attune.importers.exports import read_export
from attune.importers.hrv4training import read_hrv4training
from attune.importers.oura import read_oura
from attune.importers.records import BeatSeries, Imported
from attune.importers.rr_file import read_rr_file
from attune.importers.whoop import read_whoop

pytest.importorskip("lxml")
pytest.importorskip("fitdecode")

from fitwriter import fit_crc
from test_fit import activity

from attune.importers.apple_health import read_apple_health
from attune.importers.fit import read_fit

FIXTURES = Path(__file__).parent / "fixtures"
FUZZ = settings(max_examples=40, deadline=2000, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
WRONG = ["abc", "1e400", "-1e308", "9" * 400, "NaN", "", "\x00", "2024-13-45T99:99", "+99:99", "’", "-0"]

Reader = Callable[[Path], Iterator[Imported]]


def _apple_zip(xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("apple_health_export/export.xml", xml)
    return buffer.getvalue()


def _fit_with_good_crcs(data: bytes) -> bytes:
    """Recompute the header and file CRCs, so damage inside the messages reaches the decoder."""
    if len(data) < 16:
        return data
    body = data[:12] + struct.pack("<H", fit_crc(data[:12])) + data[14:-2]
    return body + struct.pack("<H", fit_crc(body))


def _rr_reader(path: Path) -> Iterator[Imported]:
    return read_rr_file(path, start=datetime.fromisoformat("2024-05-04T07:00:00+00:00"))


APPLE_XML = (FIXTURES / "apple_health_export.xml").read_bytes()
CASES: dict[str, tuple[Reader, bytes, str]] = {
    "apple_xml": (read_apple_health, APPLE_XML, "export.xml"),
    "apple_zip": (read_apple_health, _apple_zip(APPLE_XML), "export.zip"),
    "fit": (read_fit, activity(), "ride.fit"),
    "oura": (read_oura, (FIXTURES / "oura_sleepmodel.csv").read_bytes(), "sleepmodel.csv"),
    "oura_trends": (read_oura, (FIXTURES / "oura_trends.csv").read_bytes(), "trends.csv"),
    "whoop": (read_whoop, (FIXTURES / "whoop_physiological_cycles.csv").read_bytes(), "cycles.csv"),
    "elite_hrv": (read_elite_hrv, (FIXTURES / "elite_hrv_readings.csv").read_bytes(), "readings.csv"),
    "hrv4training": (read_hrv4training, (FIXTURES / "hrv4training_measurements.csv").read_bytes(), "hrv4t.csv"),
    "rr_file": (_rr_reader, (FIXTURES / "2024-05-04 07-01-33.txt").read_bytes(), "rr.txt"),
    "any": (read_export, (FIXTURES / "whoop_sleeps.csv").read_bytes(), "upload.bin"),
}


def _check(reader: Reader, data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            for record in reader(path):
                assert record.key.startswith(f"{record.source}:")
                assert record.start.tzinfo is not None and record.start.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
                if isinstance(record, BeatSeries):
                    assert record.rr_ms.ndim == 1 and record.rr_ms.size > 0
        except ImportFormatError as exc:
            assert re.match(rf"^{re.escape(name)}(/\S+)?: [^:]+: \S", str(exc)), str(exc)
            assert folder not in str(exc)


@pytest.mark.parametrize("case", sorted(CASES))
@FUZZ
@given(data=st.binary(max_size=600))
def test_garbage_gives_a_clear_error(case: str, data: bytes) -> None:
    reader, _, name = CASES[case]
    _check(reader, data, name)


@pytest.mark.parametrize("case", sorted(CASES))
@FUZZ
@given(cut=st.floats(min_value=0.0, max_value=1.0))
def test_a_file_cut_short_gives_a_clear_error_or_what_came_before(case: str, cut: float) -> None:
    reader, valid, name = CASES[case]
    _check(reader, valid[: int(len(valid) * cut)], name)


@pytest.mark.parametrize("case", sorted(CASES))
@FUZZ
@given(changes=st.lists(st.tuples(st.floats(min_value=0.0, max_value=1.0), st.integers(0, 255)), min_size=1,
                        max_size=8))
def test_changed_bytes_give_a_clear_error_or_records(case: str, changes: list[tuple[float, int]]) -> None:
    reader, valid, name = CASES[case]
    data = bytearray(valid)
    for where, value in changes:
        data[min(int(where * len(data)), len(data) - 1)] = value
    if case == "fit":
        data = bytearray(_fit_with_good_crcs(bytes(data)))
    _check(reader, bytes(data), name)


@pytest.mark.parametrize("case", sorted(c for c in CASES if c not in ("fit", "apple_zip")))
@FUZZ
@given(picks=st.lists(st.tuples(st.floats(min_value=0.0, max_value=1.0), st.sampled_from(WRONG)), min_size=1,
                      max_size=4))
def test_wrong_types_and_huge_values_give_a_clear_error_or_records(case: str, picks: list[tuple[float, str]]) -> None:
    reader, valid, name = CASES[case]
    text = valid.decode("utf-8")
    tokens = re.split(r"([,;\"\n]|(?<=\")\s)", text)
    for where, wrong in picks:
        numeric = [i for i, t in enumerate(tokens) if re.fullmatch(r"-?\d+(\.\d+)?", t.strip())]
        if numeric:
            tokens[numeric[min(int(where * len(numeric)), len(numeric) - 1)]] = wrong
    _check(reader, "".join(tokens).encode("utf-8", "surrogatepass"), name)


@FUZZ
@given(fields=st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=5), serial=st.integers(0, 0xFFFFFFFF))
def test_any_hrv_values_in_a_valid_fit_file_are_read_or_refused_clearly(fields: list[int], serial: int) -> None:
    _check(read_fit, activity(serial=serial, rr=(fields,)), "ride.fit")
