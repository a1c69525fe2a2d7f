"""HRV4Training: the measurements CSV the app exports (Settings, Data export).

One row per morning (or other) measurement. attune reads the time (``timestamp_measurement``,
ISO 8601, from the iPhone app; ``date`` and ``time`` columns are also accepted) and ``rMSSD`` and
``SDNN`` in ms and ``HR`` in beats per minute; the Android app's ``rMSSD_lying``, ``SDNN_lying``
and ``HR_lying`` are read the same way. These are the column names GoldenCheetah's importer
documents for HRV4Training files. Each becomes a ``spot``
:class:`~attune.importers.records.Measurement`. Not read: ``HRV4T_Recovery_Points`` (the app's own
transform of ln rMSSD), pNN50, LF, HF, training, sleep and tag columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, tzinfo

from attune.importers._export import PathArg, ProgressCallback
from attune.importers._tables import HR_BOUNDS, HRV_BOUNDS, MeasureColumn, read_spot_readings
from attune.importers.errors import Hrv4TrainingError
from attune.importers.records import Measurement
from attune.words import _

__all__ = ["read_hrv4training"]

_COLUMNS = (
    MeasureColumn(("rMSSD", "rMSSD_lying"), "rmssd", HRV_BOUNDS),
    MeasureColumn(("SDNN", "SDNN_lying"), "sdnn", HRV_BOUNDS),
    MeasureColumn(("HR", "HR_lying"), "mean_hr", HR_BOUNDS),
)


def read_hrv4training(
    path: PathArg, *, name: str | None = None, progress: ProgressCallback | None = None, local_tz: tzinfo = UTC
) -> Iterator[Measurement]:
    """Read the measurements of an HRV4Training CSV export.

    Parameters and errors as :func:`attune.importers.elite_hrv.read_elite_hrv`, with
    :class:`~attune.importers.errors.Hrv4TrainingError`.
    """
    return read_spot_readings(
        path, name=name, progress=progress, local_tz=local_tz, source="hrv4training", error=Hrv4TrainingError,
        what=_("an HRV4Training export"), time_columns=("timestamp_measurement", "Datetime", "date"), columns=_COLUMNS,
        clock_columns=("time",),
    )
