"""Elite HRV: the readings CSV from the app's "Export Data".

One row per reading. attune reads the reading's time (``Datetime``, ISO 8601) and its
``Rmssd`` and ``Sdnn`` in ms and ``HR`` in beats per minute, as the column names in the export
(matched without regard to case or spacing; ``Date Time Start`` is accepted for the time). Each
becomes a ``spot`` :class:`~attune.importers.records.Measurement`: Elite HRV readings are short
(1 to 5 minutes, often in the morning). Not read: the app's 0-100 "HRV" score (a scaled
ln RMSSD, not a physiological unit), Morning Readiness, pNN50, LF and HF, tags and notes.

The per-reading RR files in the same export (``YYYY-MM-DD HH-MM-SS.txt``, one interval in ms a
line) are read by :func:`attune.importers.rr_file.read_rr_file`, which takes the start time from
the name.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, tzinfo

from attune.importers._export import PathArg, ProgressCallback
from attune.importers._tables import HR_BOUNDS, HRV_BOUNDS, MeasureColumn, read_spot_readings
from attune.importers.errors import EliteHrvError
from attune.importers.records import Measurement
from attune.words import _

__all__ = ["read_elite_hrv"]

_COLUMNS = (
    MeasureColumn(("Rmssd", "rMSSD"), "rmssd", HRV_BOUNDS),
    MeasureColumn(("Sdnn", "SDNN"), "sdnn", HRV_BOUNDS),
    MeasureColumn(("HR", "Heart Rate", "Avg HR"), "mean_hr", HR_BOUNDS),
)


def read_elite_hrv(
    path: PathArg, *, name: str | None = None, progress: ProgressCallback | None = None, local_tz: tzinfo = UTC
) -> Iterator[Measurement]:
    """Read the readings of an Elite HRV CSV export.

    ``path``, ``name``, ``progress`` and ``local_tz`` are as for :func:`attune.importers.read_export`:
    times written without an offset are in ``local_tz``.

    Yields
    ------
    Measurement
        ``rmssd``, ``sdnn`` and ``mean_hr`` for each reading, context ``spot``.

    Raises
    ------
    EliteHrvError
        With the file name and line, when the file is not such an export or a cell is unreadable.
    """
    return read_spot_readings(
        path, name=name, progress=progress, local_tz=local_tz, source="elite_hrv", error=EliteHrvError,
        what=_("an Elite HRV export"), time_columns=("Datetime", "Date Time Start", "Date Time"), columns=_COLUMNS,
    )
