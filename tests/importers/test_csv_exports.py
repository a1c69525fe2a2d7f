"""Oura, Whoop, Elite HRV and HRV4Training CSV exports, RR files, and recognising each format."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from attune.importers import ImportFormatError, detect_format, read_export
from attune.importers.elite_hrv import read_elite_hrv
from attune.importers.errors import EliteHrvError, Hrv4TrainingError, OuraError, RRFileError, WhoopError
from attune.importers.hrv4training import read_hrv4training
from attune.importers.oura import read_oura
from attune.importers.records import BeatSeries, Measurement, Progress, SleepSession
from attune.importers.rr_file import read_rr_file
from attune.importers.whoop import read_whoop

FIXTURES = Path(__file__).parent / "fixtures"
CET = timezone(timedelta(hours=1))


def _measures(records: object) -> list[tuple[str, float, str]]:
    return [(m.kind, m.value, m.context) for m in records if isinstance(m, Measurement)]  # type: ignore[attr-defined]


def test_oura_sleep_periods_give_nightly_rmssd_and_resting_hr_from_the_night_only() -> None:
    records = list(read_oura(FIXTURES / "oura_sleepmodel.csv"))
    assert _measures(records) == [("rmssd", 48.0, "nightly"), ("resting_hr", 52.0, "nightly"),
                                  ("resting_hr", 51.0, "nightly")]
    first = next(r for r in records if isinstance(r, Measurement))
    assert first.window_s == 300.0 and first.unit == "ms"
    assert first.start == datetime(2024, 5, 3, 21, 12, 30, tzinfo=UTC)
    assert first.end == datetime(2024, 5, 4, 5, 2, 30, tzinfo=UTC)
    sleeps = [r for r in records if isinstance(r, SleepSession)]
    assert [s.is_nap for s in sleeps] == [False, True, False]
    assert (sleeps[0].asleep_s, sleeps[0].deep_s, sleeps[0].rem_s) == (25800.0, 5400.0, 7200.0)


def test_oura_trends_rows_are_read_and_an_empty_day_adds_nothing() -> None:
    records = list(read_oura(FIXTURES / "oura_trends.csv"))
    assert _measures(records) == [("rmssd", 62.0, "nightly"), ("resting_hr", 51.0, "nightly")]
    assert sum(isinstance(r, SleepSession) for r in records) == 1


def test_whoop_cycles_use_their_own_time_zone() -> None:
    records = list(read_whoop(FIXTURES / "whoop_physiological_cycles.csv"))
    assert _measures(records) == [("rmssd", 68.0, "nightly"), ("resting_hr", 54.0, "nightly")]
    hrv = next(r for r in records if isinstance(r, Measurement) and r.kind == "rmssd")
    assert hrv.start == datetime(2024, 5, 4, 22, 10, tzinfo=UTC)
    (sleep,) = [r for r in records if isinstance(r, SleepSession)]
    assert (sleep.asleep_s, sleep.deep_s, sleep.awake_s) == (420 * 60.0, 95 * 60.0, 45 * 60.0)


def test_whoop_sleeps_and_cycles_name_the_same_night_with_the_same_key() -> None:
    cycles = read_whoop(FIXTURES / "whoop_physiological_cycles.csv")
    from_cycles = {r.key for r in cycles if isinstance(r, SleepSession)}
    sleeps = [r for r in read_whoop(FIXTURES / "whoop_sleeps.csv") if isinstance(r, SleepSession)]
    assert [s.is_nap for s in sleeps] == [False, True]
    assert from_cycles == {sleeps[0].key}


def test_elite_hrv_readings_are_spot_rmssd_sdnn_and_mean_hr_in_the_members_zone() -> None:
    records = list(read_elite_hrv(FIXTURES / "elite_hrv_readings.csv", local_tz=CET))
    assert _measures(records) == [("rmssd", 52.1, "spot"), ("sdnn", 61.4, "spot"), ("mean_hr", 58.0, "spot"),
                                  ("rmssd", 47.0, "spot"), ("mean_hr", 60.0, "spot")]
    assert records[0].start == datetime(2024, 5, 4, 6, 1, 33, tzinfo=UTC)
    assert records[0].unit == "ms" and records[2].unit == "bpm"


def test_hrv4training_measurements_are_spot_readings() -> None:
    records = list(read_hrv4training(FIXTURES / "hrv4training_measurements.csv"))
    assert _measures(records)[:3] == [("rmssd", 58.3, "spot"), ("sdnn", 66.2, "spot"), ("mean_hr", 57.0, "spot")]
    assert len({r.key for r in records}) == len(records) == 6


def test_hrv4training_android_date_and_time_columns_make_the_time(tmp_path: Path) -> None:
    path = tmp_path / "android.csv"
    path.write_text("date,time,HR_lying,rMSSD_lying\n2024-05-04,06:45,57,58.3\n", encoding="utf-8")
    (first, _) = list(read_hrv4training(path))
    assert first.start == datetime(2024, 5, 4, 6, 45, tzinfo=UTC)


def test_an_rr_file_named_by_time_becomes_a_beat_series() -> None:
    (beats,) = list(read_rr_file(FIXTURES / "2024-05-04 07-01-33.txt"))
    assert beats.start == datetime(2024, 5, 4, 7, 1, 33, tzinfo=UTC)
    assert_allclose(beats.rr_ms, [812, 790, 805, 830, 801])


def test_an_rr_file_without_a_time_needs_one(tmp_path: Path) -> None:
    path = tmp_path / "rr.txt"
    shutil.copy(FIXTURES / "2024-05-04 07-01-33.txt", path)
    with pytest.raises(RRFileError, match=r"^rr\.txt: file: no start time"):
        list(read_rr_file(path))
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    (beats,) = list(read_rr_file(path, start=when))
    assert beats.start == when


def test_an_rr_file_error_names_the_line_and_never_the_server_path(tmp_path: Path) -> None:
    path = tmp_path / "2024-05-04 07-01-33.txt"
    path.write_text("800\nabc\n810\n", encoding="utf-8")
    with pytest.raises(RRFileError, match=r"^2024-05-04 07-01-33\.txt: line 2: ") as info:
        list(read_rr_file(path))
    assert str(tmp_path) not in str(info.value)


@pytest.mark.parametrize(
    ("fixture", "source"),
    [
        ("apple_health_export.xml", "apple_health"),
        ("oura_sleepmodel.csv", "oura"),
        ("oura_trends.csv", "oura"),
        ("whoop_physiological_cycles.csv", "whoop"),
        ("whoop_sleeps.csv", "whoop"),
        ("elite_hrv_readings.csv", "elite_hrv"),
        ("hrv4training_measurements.csv", "hrv4training"),
        ("2024-05-04 07-01-33.txt", "rr_file"),
    ],
)
def test_each_format_is_recognised_from_its_content_and_read(fixture: str, source: str) -> None:
    if source == "apple_health":
        pytest.importorskip("lxml")
    assert detect_format(FIXTURES / fixture) == source
    records = list(read_export(FIXTURES / fixture))
    assert records and {r.source for r in records} == {source}


def test_reading_twice_gives_the_same_keys() -> None:
    for fixture in ("oura_sleepmodel.csv", "whoop_physiological_cycles.csv", "elite_hrv_readings.csv"):
        assert [r.key for r in read_export(FIXTURES / fixture)] == [r.key for r in read_export(FIXTURES / fixture)]


def test_csv_readers_report_progress_to_the_end() -> None:
    seen: list[Progress] = []
    records = list(read_export(FIXTURES / "oura_sleepmodel.csv", progress=seen.append))
    assert seen[-1].fraction == 1.0 and seen[-1].records == len(records)


@pytest.mark.parametrize(
    ("reader", "error", "text", "where", "message"),
    [
        (read_oura, OuraError, "id;day;average_hrv\nx;2024-05-04;fast\n", "line 2", "'average_hrv' holds 'fast'"),
        (read_oura, OuraError, "name,age\nSam,40\n", "line 1", "not an Oura export"),
        (read_oura, OuraError, "day,average_hrv\nsoon,40\n", "line 2", "no bedtime and no day"),
        (read_whoop, WhoopError, "Cycle start time,Cycle timezone\n2024-05-04 23:10:00,Mars\n", "line 2", "time zone"),
        (read_whoop, WhoopError, "Cycle start time,Heart rate variability (ms)\nyesterday,40\n", "line 2",
         "'yesterday' is not a date"),
        (read_elite_hrv, EliteHrvError, "Datetime,Rmssd\n2024-05-04T07:01:33,1e999\n", "line 2", "not a number"),
        (read_elite_hrv, EliteHrvError, "", "line 1", "empty"),
        (read_hrv4training, Hrv4TrainingError, "\x00\x01,rMSSD\n", "line 1", "not a text"),
        (read_hrv4training, Hrv4TrainingError, "timestamp_measurement,rMSSD\n\"open,40\n", "line", "valid CSV|no"),
    ],
)
def test_a_damaged_csv_names_the_file_and_the_line(
    tmp_path: Path, reader: object, error: type[ImportFormatError], text: str, where: str, message: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error, match=rf"^export\.csv: {where}.*: .*({message})"):
        list(reader(path))  # type: ignore[operator]


def test_out_of_range_values_are_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Datetime,Rmssd,HR\n2024-05-04T07:01:33,-3,900\n2024-05-05T07:01:33,40,60\n", encoding="utf-8")
    seen: list[Progress] = []
    assert _measures(read_elite_hrv(path, progress=seen.append)) == [("rmssd", 40.0, "spot"), ("mean_hr", 60.0, "spot")]
    assert seen[-1].skipped == 2


def test_an_unknown_binary_file_is_not_an_export(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ImportFormatError, match=r"^photo\.jpg: file: not an export attune reads"):
        detect_format(path)


def test_beat_series_from_every_source_share_one_type() -> None:
    (beats,) = list(read_export(FIXTURES / "2024-05-04 07-01-33.txt"))
    assert isinstance(beats, BeatSeries)
