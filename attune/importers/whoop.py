"""Whoop: nightly HRV, resting heart rate and sleep from the app's data export.

The export (App Settings, Data Export) is a zip of CSV files; attune reads two of them, told
apart by their header:

- ``physiological_cycles.csv``: one row per cycle (a day from falling asleep to falling asleep):
  ``Cycle start time``, ``Cycle timezone`` (``UTC+01:00`` or a zone name), ``Resting heart rate
  (bpm)``, ``Heart rate variability (ms)``, ``Sleep onset``, ``Wake onset`` and the sleep columns;
- ``sleeps.csv``: one row per sleep or nap: ``Sleep onset``, ``Wake onset``, ``Asleep duration
  (min)``, ``Light sleep duration (min)``, ``Deep (SWS) duration (min)``, ``REM duration (min)``,
  ``Awake duration (min)`` and ``Nap`` (true or false).

Times are written as local times without an offset; ``Cycle timezone`` says which. Whoop's HRV is
RMSSD measured during sleep (an ``rmssd`` measurement, context ``nightly``; Whoop does not publish
the window, so ``window_s`` is None); its resting heart rate is measured during sleep too
(``resting_hr``, ``nightly``). Each sleep with an onset and a wake time becomes a
:class:`~attune.importers.records.SleepSession`. Recovery, strain, energy, skin temperature,
SpO2 and workouts are not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, tzinfo

from attune.importers._export import PathArg, ProgressCallback, cell, open_export, parse_offset
from attune.importers._tables import HR_BOUNDS, HRV_BOUNDS, MeasureColumn, durations, present, row_measurements, time_at
from attune.importers.errors import WhoopError, at_line
from attune.importers.records import Imported, SleepSession, natural_key
from attune.words import _

__all__ = ["read_whoop"]

_MEASURES = (
    MeasureColumn(("Heart rate variability (ms)",), "rmssd", HRV_BOUNDS),
    MeasureColumn(("Resting heart rate (bpm)",), "resting_hr", HR_BOUNDS),
)
_STAGES_MIN = {
    "asleep_s": "Asleep duration (min)",
    "light_s": "Light sleep duration (min)",
    "deep_s": "Deep (SWS) duration (min)",
    "rem_s": "REM duration (min)",
    "awake_s": "Awake duration (min)",
}


def read_whoop(
    path: PathArg, *, name: str | None = None, progress: ProgressCallback | None = None, local_tz: tzinfo = UTC
) -> Iterator[Imported]:
    """Read nightly HRV, resting heart rate and sleep from a Whoop CSV export.

    ``path`` is ``physiological_cycles.csv`` or ``sleeps.csv``; ``name``, ``progress`` and ``local_tz``
    are as for :func:`attune.importers.read_export`, ``local_tz`` being the zone of rows whose
    ``Cycle timezone`` is empty or absent.

    Yields
    ------
    Measurement, SleepSession

    Raises
    ------
    WhoopError
        With the file name and line, when the file is not a Whoop export or a cell is unreadable.
    """
    with open_export(path, name=name, error=WhoopError, progress=progress) as (table, reporter):
        cycle_index = table.column("Cycle start time")
        zone_index = table.column("Cycle timezone")
        onset_index = table.column("Sleep onset")
        wake_index = table.column("Wake onset")
        nap_index = table.column("Nap")
        measures = present(table, _MEASURES)
        stages = {field: table.column(header) for field, header in _STAGES_MIN.items()}
        if cycle_index is None and onset_index is None:
            raise WhoopError(table.name, at_line(1),
                             _("not a Whoop export: no 'Cycle start time' or 'Sleep onset' column"))
        for line, row in table.rows():
            zone_text = cell(row, zone_index)
            zone = parse_offset(zone_text) if zone_text else local_tz
            if zone is None:
                raise WhoopError(table.name, at_line(line),
                                 _("time zone %(zone)s is not like UTC+01:00", zone=repr(zone_text[:40])))
            cycle = time_at(table, row, line, cycle_index, zone, required=False)
            onset = time_at(table, row, line, onset_index, zone, required=False)
            wake = time_at(table, row, line, wake_index, zone, required=False)
            start = onset or cycle
            if start is None:
                continue  # a cycle still in progress, with nothing measured yet
            is_nap = cell(row, nap_index).lower() == "true"
            if not is_nap:
                yield from row_measurements(
                    table, row, line, measures, context="nightly", window_s=None, start=start, end=wake,
                    source="whoop", device="WHOOP", identity=(cycle or start,), reporter=reporter,
                )
            if onset is not None and wake is not None and wake > onset:
                stage_s = durations(table, row, line, stages, seconds_per_unit=60.0)
                reporter.records += 1
                yield SleepSession(
                    start=onset, end=wake, is_nap=is_nap, **stage_s, source="whoop", device="WHOOP",
                    key=natural_key("whoop", "sleep", onset),
                )
            reporter.tick(table.bytes_read)
