"""Reading Apple Health exports: what is kept, what it means, and what is refused."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

pytest.importorskip("lxml")

from attune.importers.apple_health import ZipLimits, read_apple_health
from attune.importers.errors import AppleHealthError, UnsafeArchiveError
from attune.importers.records import (
    BeatSeries,
    Measurement,
    MindfulSession,
    Progress,
    SleepStage,
    StateOfMind,
)

FIXTURE = Path(__file__).parent / "fixtures" / "apple_health_export.xml"


def _zip(tmp_path: Path, xml: bytes, *, name: str = "apple_health_export/export.xml") -> Path:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, xml)
        zf.writestr("apple_health_export/export_cda.xml", b"<ClinicalDocument/>")
    return path


def _records(path: Path) -> list[object]:
    return list(read_apple_health(path))


def test_it_keeps_sdnn_and_resting_heart_rate_apart_with_their_windows() -> None:
    records = _records(FIXTURE)
    sdnn = [r for r in records if isinstance(r, Measurement) and r.kind == "sdnn"]
    resting = [r for r in records if isinstance(r, Measurement) and r.kind == "resting_hr"]
    assert [m.value for m in sdnn] == [48.5, 39.25]
    assert all(m.unit == "ms" and m.context == "spot" and m.window_s == 60.0 for m in sdnn)
    assert [m.value for m in resting] == [51.0]  # the 9000 bpm record is skipped, not kept
    assert resting[0].unit == "bpm" and resting[0].context == "daily"
    assert resting[0].start == datetime(2024, 5, 3, 22, 1, tzinfo=UTC)
    assert resting[0].device == "Apple Watch (Watch6,2)"


def test_beat_times_become_rr_intervals_across_midnight() -> None:
    beats = [r for r in _records(FIXTURE) if isinstance(r, BeatSeries)]
    first = beats[0]
    assert first.start == datetime(2024, 5, 4, 21, 59, 59, tzinfo=UTC)
    assert_allclose(first.rr_ms, [800, 850, 800, 850, 800], atol=1e-6)
    assert first.rr_ms.dtype == np.float64
    assert first.end == datetime(2024, 5, 4, 22, 0, 3, 100000, tzinfo=UTC)


def test_missed_beats_split_the_series_where_the_interval_disagrees_with_its_bpm() -> None:
    beats = [r for r in _records(FIXTURE) if isinstance(r, BeatSeries)]
    assert len(beats) == 3
    assert_allclose(beats[1].rr_ms, [1000, 950, 1000], atol=1e-6)
    assert_allclose(beats[2].rr_ms, [1000, 1050, 1000, 1000], atol=1e-6)
    assert beats[2].start == datetime(2024, 5, 5, 12, 10, 6, 950000, tzinfo=UTC)
    assert len({b.key for b in beats}) == 3


def test_a_beat_series_is_analysed_like_a_live_recording() -> None:
    beats = [r for r in _records(FIXTURE) if isinstance(r, BeatSeries)]
    report = beats[0].analyze()
    assert_allclose(report.raw_time.rmssd_ms, 50.0, rtol=1e-9)


def test_mindful_sessions_sleep_stages_and_state_of_mind_are_kept() -> None:
    records = _records(FIXTURE)
    mindful = [r for r in records if isinstance(r, MindfulSession)]
    assert [(m.start, m.end) for m in mindful] == [
        (datetime(2024, 5, 5, 6, 0, tzinfo=UTC), datetime(2024, 5, 5, 6, 5, tzinfo=UTC))
    ]
    assert [s.stage for s in records if isinstance(s, SleepStage)] == ["deep", "light"]
    (mood,) = [r for r in records if isinstance(r, StateOfMind)]
    assert (mood.kind, mood.valence, mood.labels, mood.associations) == (
        "momentary_emotion", 0.4, ("Calm", "Grateful"), ("Family",)
    )


def test_other_record_types_workouts_and_correlations_are_not_read() -> None:
    kinds = {type(r).__name__ for r in _records(FIXTURE)}
    assert kinds == {"Measurement", "BeatSeries", "MindfulSession", "SleepStage", "StateOfMind"}


def test_the_zip_reads_like_the_xml_inside_it(tmp_path: Path) -> None:
    from_zip = _records(_zip(tmp_path, FIXTURE.read_bytes()))
    assert [r.key for r in from_zip] == [r.key for r in _records(FIXTURE)]  # type: ignore[attr-defined]


def test_a_later_export_that_overlaps_gives_the_same_keys_for_the_same_readings(tmp_path: Path) -> None:
    first = {r.key for r in _records(FIXTURE)}  # type: ignore[attr-defined]
    later_xml = FIXTURE.read_text(encoding="utf-8").replace(
        ' <ActivitySummary',
        ' <Record type="HKQuantityTypeIdentifierRestingHeartRate" sourceName="Sam’s Apple Watch" unit="count/min"'
        ' startDate="2024-05-06 00:01:00 +0200" endDate="2024-05-06 19:58:00 +0200" value="53"/>\n <ActivitySummary',
    ).replace("0x281d1acb0", "0x2aaaaaaaa")  # Apple writes a different device pointer in every export
    later = {r.key for r in _records(_zip(tmp_path, later_xml.encode()))}  # type: ignore[attr-defined]
    assert first < later and len(later - first) == 1


def test_it_reports_progress_up_to_the_whole_file() -> None:
    seen: list[Progress] = []
    records = list(read_apple_health(FIXTURE, progress=seen.append))
    assert seen[-1].fraction == 1.0
    assert seen[-1].records == len(records) == 10
    assert seen[-1].skipped == 2


@pytest.mark.parametrize(
    ("entries", "limits", "message"),
    [
        ({"../../etc/cron.d/x": b"x", "export.xml": b"<HealthData/>"}, ZipLimits(), "outside the archive"),
        ({"/abs/export.xml": b"<HealthData/>"}, ZipLimits(), "outside the archive"),
        ({f"f{i}": b"" for i in range(6)}, ZipLimits(max_entries=5), "6 entries"),
        ({"export.xml": b" " * 4096}, ZipLimits(max_total_bytes=1000), "more than 1000 bytes"),
        ({"export.xml": b"\0" * (4 << 20)}, ZipLimits(), "packed"),
    ],
)
def test_it_refuses_unsafe_archives_before_reading(
    tmp_path: Path, entries: dict[str, bytes], limits: ZipLimits, message: str
) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry, data in entries.items():
            zf.writestr(entry, data)
    with pytest.raises(UnsafeArchiveError, match=message) as info:
        next(read_apple_health(path, limits=limits))
    assert str(info.value).startswith("export.zip: ")


def test_a_zip_without_export_xml_is_not_an_export(tmp_path: Path) -> None:
    path = _zip(tmp_path, b"<HealthData/>", name="something/else.xml")
    with pytest.raises(AppleHealthError, match=r"export.zip: file: no export.xml inside"):
        _records(path)


@pytest.mark.parametrize(
    ("replace", "by", "where", "message"),
    [
        ('value="48.5"', 'value="lots"', r"record 3 \(line 17\)", "value 'lots' is not a number"),
        ('startDate="2024-05-04 00:01:00 +0200"', 'startDate="yesterday"', r"record 2 \(line 16\)",
         "startDate 'yesterday' is not a time"),
        ("</HealthData>", "", r"line \d+, column \d+", "not valid XML"),
        ("HealthData>", "Gpx>", r"line \d+", "not an Apple Health export"),
    ],
)
def test_a_damaged_export_names_the_file_and_the_record(
    tmp_path: Path, replace: str, by: str, where: str, message: str
) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    assert replace in text
    path = tmp_path / "export.xml"
    if by == "Gpx>":
        text = text.replace("<HealthData ", "<Gpx ")
    path.write_text(text.replace(replace, by, 1), encoding="utf-8")
    with pytest.raises(AppleHealthError, match=rf"^export.xml: {where}: .*{message}"):
        _records(path)


def test_a_damaged_zip_names_the_file(tmp_path: Path) -> None:
    data = _zip(tmp_path, FIXTURE.read_bytes()).read_bytes()
    path = tmp_path / "cut.zip"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(AppleHealthError, match=r"^cut.zip: file: not a readable zip archive"):
        _records(path)


def test_it_uses_the_given_name_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "upload-3f9a.bin"
    path.write_bytes(b"<Gpx/>")
    with pytest.raises(AppleHealthError, match=r"^my export.zip: "):
        _records_named(path, "my export.zip")


def _records_named(path: Path, name: str) -> list[object]:
    return list(read_apple_health(path, name=name))


def test_external_entities_are_never_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE HealthData [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<HealthData><Record type="HKDataTypeStateOfMind" sourceName="&x;" startDate="2024-05-05 18:30:00 +0000"'
        ' value="0.1"/></HealthData>'
    )
    path = tmp_path / "export.xml"
    path.write_text(xml, encoding="utf-8")
    try:
        records = _records(path)
    except AppleHealthError:
        return
    assert all("TOP-SECRET" not in repr(r) for r in records)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(AppleHealthError, match=r"nope\.zip: file: the file does not exist"):
        _records(tmp_path / "nope.zip")


def test_one_endless_element_is_refused_before_it_fills_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import attune.importers.apple_health as apple

    monkeypatch.setattr(apple, "_MAX_ELEMENT_BYTES", 1 << 20)
    beats = '<InstantaneousBeatsPerMinute bpm="60" time="7:00:01.00 AM"/>\n' * 40_000  # about 2.4 MB
    path = tmp_path / "export.xml"
    path.write_text(
        '<HealthData locale="en_US"><ExportDate value="2024-05-06 09:00:00 +0200"/>\n'
        '<Record type="HKQuantityTypeIdentifierRestingHeartRate" sourceName="Watch" unit="count/min" '
        'startDate="2024-05-04 00:01:00 +0200" endDate="2024-05-04 23:58:00 +0200" value="51"/>\n'
        f'<Workout workoutActivityType="HKWorkoutActivityTypeWalking">\n{beats}</Workout></HealthData>',
        encoding="utf-8",
    )
    seen: list[object] = []
    with pytest.raises(AppleHealthError, match=r"^export.xml: line 3: <Workout> runs past 1 MiB; no Apple"):
        seen.extend(read_apple_health(path))
    assert len(seen) == 1  # the record before it was read


def test_records_read_before_a_damaged_place_stay_valid(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    cut = text.index("<ActivitySummary")
    path = tmp_path / "export.xml"
    path.write_text(text[:cut] + "<Broken attr=>", encoding="utf-8")
    seen: list[object] = []
    with pytest.raises(AppleHealthError, match=r"^export.xml: line \d+, column \d+: not valid XML"):
        seen.extend(read_apple_health(path))
    assert [getattr(r, "key", None) for r in seen] == [
        r.key for r in _records(FIXTURE)  # type: ignore[attr-defined]
    ][: len(seen)] and len(seen) >= 8


def test_a_minute_of_beat_times_reads_as_each_time_read_alone() -> None:
    # _times_of_day reads all of a record's beat times in one pass; it must give exactly what the
    # one-time reader gives for each, on 12- and 24-hour clocks, "." or "," and 0 to 6 digits.
    from attune.importers.apple_health import _time_of_day, _times_of_day

    rng = np.random.default_rng(13)
    for clock in ("12", "24", "bad"):
        texts = []
        for _ in range(60):
            h, m, s = int(rng.integers(1, 13)), int(rng.integers(0, 60)), int(rng.integers(0, 61))
            frac = "".join(str(d) for d in rng.integers(0, 10, int(rng.integers(0, 7))))
            mark = "" if not frac else str(rng.choice([".", ","]))
            if clock == "12":
                texts.append(f"{h}:{m:02d}:{s:02d}{mark}{frac} {rng.choice(['AM', 'PM', 'am', 'p.m.'])}")
            else:
                texts.append(f"{h + 11 if clock == '24' else h + 30}:{m:02d}:{s:02d}{mark}{frac}")
        one = [_time_of_day(t) for t in texts]
        together = _times_of_day(texts)
        if clock == "bad":
            assert together is None and None in one
        else:
            assert together is not None and np.array_equal(together, np.asarray(one, dtype=np.float64))
