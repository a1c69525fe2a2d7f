"""Oura: nightly HRV, resting heart rate and sleep from the ring's CSV exports.

Two layouts are read, told apart by their header (names matched without regard to case):

- the account data export's ``sleepmodel.csv`` (semicolon-separated, one row per sleep period,
  the cloud API's field names): ``id``, ``day``, ``type`` (``long_sleep`` is the night; ``sleep``,
  ``late_nap`` and ``rest`` are shorter periods), ``bedtime_start``, ``bedtime_end`` (ISO 8601
  with offset), ``average_hrv``, ``lowest_heart_rate`` and the stage durations in seconds
  (``total_sleep_duration``, ``light_sleep_duration``, ``deep_sleep_duration``,
  ``rem_sleep_duration``, ``awake_time``);
- the older trends export (comma-separated, one row per day): ``date``, ``Bedtime Start``,
  ``Bedtime End``, ``Average HRV``, ``Lowest Resting Heart Rate`` and ``Total Sleep Time``,
  ``Light Sleep Time``, ``Deep Sleep Time``, ``REM Sleep Time``, ``Awake Time`` in seconds.

Oura's HRV is RMSSD averaged over 5-minute windows through the night, so it becomes an ``rmssd``
measurement, context ``nightly``, ``window_s`` 300; its resting heart rate is the night's lowest
5-minute average (``resting_hr``, ``nightly``). Both are taken from the night only, never from
naps. Each period with a start and an end also becomes a
:class:`~attune.importers.records.SleepSession`. Readiness, activity, temperature, SpO2 and
scores are not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo

from attune.importers._export import PathArg, ProgressCallback, cell, open_export, parse_date
from attune.importers._tables import HR_BOUNDS, HRV_BOUNDS, MeasureColumn, durations, present, row_measurements, time_at
from attune.importers.errors import OuraError, at_line
from attune.importers.records import Imported, SleepSession, natural_key
from attune.words import _

__all__ = ["read_oura"]

_MEASURES = (
    MeasureColumn(("average_hrv", "Average HRV"), "rmssd", HRV_BOUNDS),
    MeasureColumn(("lowest_heart_rate", "Lowest Resting Heart Rate"), "resting_hr", HR_BOUNDS),
)
_STAGES = {
    "asleep_s": ("total_sleep_duration", "Total Sleep Time", "Total Sleep Duration"),
    "light_s": ("light_sleep_duration", "Light Sleep Time", "Light Sleep Duration"),
    "deep_s": ("deep_sleep_duration", "Deep Sleep Time", "Deep Sleep Duration"),
    "rem_s": ("rem_sleep_duration", "REM Sleep Time", "REM Sleep Duration"),
    "awake_s": ("awake_time", "Awake Time"),
}
_WINDOW_S = 300.0
_NIGHT_TYPES = {"", "long_sleep"}


def read_oura(
    path: PathArg, *, name: str | None = None, progress: ProgressCallback | None = None, local_tz: tzinfo = UTC
) -> Iterator[Imported]:
    """Read nightly HRV, resting heart rate and sleep from an Oura CSV export.

    ``path`` is ``sleepmodel.csv`` from the data export, or a trends CSV; ``name``, ``progress`` and
    ``local_tz`` are as for :func:`attune.importers.read_export`, ``local_tz`` being the zone of a day
    given only as a date (trends rows without bedtimes).

    Yields
    ------
    Measurement, SleepSession
        ``rmssd`` and ``resting_hr``, context ``nightly``, then the sleep period, for each row.

    Raises
    ------
    OuraError
        With the file name and line, when the file is not an Oura export or a cell is unreadable.
    """
    with open_export(path, name=name, error=OuraError, progress=progress) as (table, reporter):
        day_index = table.column("day", "date")
        start_index = table.column("bedtime_start", "Bedtime Start")
        end_index = table.column("bedtime_end", "Bedtime End")
        id_index = table.column("id")
        type_index = table.column("type")
        measures = present(table, _MEASURES)
        stages = {field: table.column(*names) for field, names in _STAGES.items()}
        if (day_index is None and start_index is None) or not (measures or stages["asleep_s"] is not None):
            raise OuraError(table.name, at_line(1), _("not an Oura export: expected 'day' or 'date' and 'average_hrv' "
                                                     "or 'Average HRV' columns"))
        for line, row in table.rows():
            start = time_at(table, row, line, start_index, local_tz, required=False)
            end = time_at(table, row, line, end_index, local_tz, required=False)
            day = cell(row, day_index)
            if start is None:
                parsed = parse_date(day)
                if parsed is None:
                    raise OuraError(table.name, at_line(line),
                                    _("no bedtime and no day like 2024-05-04 (%(day)s)", day=repr(day[:20])))
                start = datetime(parsed.year, parsed.month, parsed.day, tzinfo=local_tz).astimezone(UTC)
            identity = (cell(row, id_index) or day or start,)
            is_nap = cell(row, type_index).lower() not in _NIGHT_TYPES
            if not is_nap:
                yield from row_measurements(
                    table, row, line, measures, context="nightly", window_s=_WINDOW_S, start=start, end=end,
                    source="oura", device="Oura Ring", identity=identity, reporter=reporter,
                )
            if end is not None and end > start:
                stage_s = durations(table, row, line, stages, seconds_per_unit=1.0)
                reporter.records += 1
                yield SleepSession(
                    start=start, end=end, is_nap=is_nap, **stage_s, source="oura", device="Oura Ring",
                    key=natural_key("oura", "sleep", *identity),
                )
            reporter.tick(table.bytes_read)
