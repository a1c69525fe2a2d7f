"""Reading FIT files: beat-to-beat intervals and heart rate, from files written by tests/importers/fitwriter.py."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

pytest.importorskip("fitdecode")

from fitwriter import ENUM, EVENT, FILE_ID, HRV, RECORD, UINT8, UINT16, UINT32, UINT32Z, FitWriter, fit_crc, fit_time

from attune.importers.errors import FitFileError
from attune.importers.fit import read_fit
from attune.importers.records import BeatSeries, HeartRateSeries

T0 = datetime(2024, 5, 4, 6, 30, tzinfo=UTC)


PADDED = ([812, 790, 805, 0xFFFF, 0xFFFF], [800, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF])


def activity(*, serial: int = 3999111222, rr: tuple[list[int], ...] = PADDED, hr: int = 3) -> bytes:
    """A Garmin Forerunner 945 activity: file_id, a timer start, hrv and record messages."""
    w = FitWriter()
    w.message(0, FILE_ID, [(0, ENUM, 4), (1, UINT16, 1), (2, UINT16, 3113), (3, UINT32Z, serial),
                           (4, UINT32, fit_time(T0))])
    w.message(1, EVENT, [(253, UINT32, fit_time(T0) + 5), (0, ENUM, 0), (1, ENUM, 0)])
    for values in rr:
        w.message(2, HRV, [(0, UINT16, values)])
    for i in range(hr):
        w.message(3, RECORD, [(253, UINT32, fit_time(T0) + 5 + i), (3, UINT8, 70 + i)])
    return w.to_bytes()


def _write(tmp_path: Path, data: bytes, name: str = "ride.fit") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_the_fit_crc_matches_the_protocols_check_value() -> None:
    assert fit_crc(b"123456789") == 0xBB3D  # CRC-16/ARC, the polynomial the FIT CRC table encodes


def test_hrv_messages_become_one_beat_series_at_the_timer_start(tmp_path: Path) -> None:
    (beats,) = [r for r in read_fit(_write(tmp_path, activity())) if isinstance(r, BeatSeries)]
    assert_allclose(beats.rr_ms, [812, 790, 805, 800])  # the 0xFFFF padding is dropped
    assert beats.start == datetime(2024, 5, 4, 6, 30, 5, tzinfo=UTC)
    assert beats.device == "garmin fr945" and beats.source == "fit"


def test_record_messages_become_a_heart_rate_series(tmp_path: Path) -> None:
    (hr,) = [r for r in read_fit(_write(tmp_path, activity())) if isinstance(r, HeartRateSeries)]
    assert_allclose(hr.t_s, [0, 1, 2])
    assert_allclose(hr.bpm, [70, 71, 72])


def test_the_same_activity_gives_the_same_keys_and_another_device_other_keys(tmp_path: Path) -> None:
    once = [r.key for r in read_fit(_write(tmp_path, activity(), "a.fit"))]
    again = [r.key for r in read_fit(_write(tmp_path, activity(), "copy.fit"))]
    other = [r.key for r in read_fit(_write(tmp_path, activity(serial=42), "b.fit"))]
    assert once == again and not set(once) & set(other)


def test_a_file_without_hrv_gives_only_heart_rate(tmp_path: Path) -> None:
    records = list(read_fit(_write(tmp_path, activity(rr=()))))
    assert [type(r).__name__ for r in records] == ["HeartRateSeries"]


def test_a_long_recording_is_analysed_like_a_live_one(tmp_path: Path) -> None:
    rr = [800 + (i % 2) * 50 for i in range(200)]
    chunks = tuple(rr[i : i + 5] for i in range(0, len(rr), 5))
    (beats,) = [r for r in read_fit(_write(tmp_path, activity(rr=chunks))) if isinstance(r, BeatSeries)]
    assert_allclose(beats.analyze().raw_time.rmssd_ms, 50.0, rtol=1e-9)


@pytest.mark.parametrize(
    ("mangle", "where", "message"),
    [
        (lambda d: d[: len(d) - 20], r"byte \d+", "cut short|damaged"),
        (lambda d: d[:-3] + bytes([d[-3] ^ 0x01]) + d[-2:], r"byte \d+", "CRC does not match"),
        (lambda d: b"\x0e\x20" + d[2:8] + b"NOPE" + d[12:], r"byte \d+", "not a FIT file"),
        (lambda d: b"", r"byte 0", "empty"),
    ],
)
def test_a_damaged_file_names_the_file_and_the_byte(tmp_path: Path, mangle: object, where: str, message: str) -> None:
    path = _write(tmp_path, mangle(activity()))  # type: ignore[operator]
    with pytest.raises(FitFileError, match=rf"^ride\.fit: {where}: .*({message})"):
        list(read_fit(path))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FitFileError, match=r"^gone\.fit: file: the file does not exist"):
        list(read_fit(tmp_path / "gone.fit"))
