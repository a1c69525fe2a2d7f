"""What the export readers yield: measurements that keep their meaning, beats, sessions and sleep.

Every record carries

- ``source``: the format it came from (:data:`Source`);
- ``device``: the device or app that measured it, as the file names it (``""`` when it does not);
- ``start`` (and ``end`` where the format has one): aware datetimes in UTC;
- ``key``: a natural key, the same every time the same reading is read again, from this file or
  from a later export that overlaps it. Storing records under a unique ``key`` makes a re-import
  add nothing twice. Which fields make each source's key is listed in ``docs/importers.md``.

A :class:`Measurement` is one number with its kind (RMSSD is never SDNN), its context (a night's
sleep, a short spot reading, a whole day) and the window it was computed over. Beat-to-beat data
become a :class:`BeatSeries`, which :func:`attune.core.analyze_rr` analyses like a live recording.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt

from attune.core import HRVReport, analyze_rr

__all__ = [
    "BeatSeries",
    "Context",
    "HeartRateSeries",
    "Imported",
    "Measurement",
    "MeasurementKind",
    "MindfulSession",
    "Progress",
    "SleepSession",
    "SleepStage",
    "SleepStageName",
    "Source",
    "StateOfMind",
    "natural_key",
]

Source = Literal["apple_health", "fit", "oura", "whoop", "elite_hrv", "hrv4training", "rr_file"]
"""Where a record came from: one value per export format."""

MeasurementKind = Literal["sdnn", "rmssd", "resting_hr", "mean_hr"]
"""What a number is. ``sdnn`` and ``rmssd`` in ms; ``resting_hr`` and ``mean_hr`` in beats per minute.

``resting_hr`` is the source's own resting estimate (Apple's daily value, Oura's lowest and Whoop's
sleeping heart rate); ``mean_hr`` is the mean heart rate over a spot reading.
"""

Context = Literal["nightly", "spot", "daily"]
"""When the number was taken: over a night's sleep, in a short reading, or over a whole day."""

SleepStageName = Literal["in_bed", "asleep", "awake", "light", "deep", "rem"]

_UNITS: dict[MeasurementKind, str] = {"sdnn": "ms", "rmssd": "ms", "resting_hr": "bpm", "mean_hr": "bpm"}


def natural_key(source: Source, *parts: object) -> str:
    """A fixed-length key from the fields that identify a record within its source.

    ``"<source>:<40 hex digits>"``, 40 digits of SHA-256 over the parts joined by a separator no
    field can hold. Datetimes are written in UTC ISO form, so the same instant always gives the
    same key whatever offset the file wrote it with.
    """
    text = "\x1f".join([p.isoformat() if isinstance(p, datetime) else str(p) for p in parts])
    return f"{source}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:40]}"


@dataclass(frozen=True, slots=True)
class Measurement:
    """One number with its meaning.

    Attributes
    ----------
    kind : {"sdnn", "rmssd", "resting_hr", "mean_hr"}
        What the number is; never put two kinds on one axis.
    value : float
        In ``unit``.
    context : {"nightly", "spot", "daily"}
        Over a night's sleep, a short reading, or a whole day.
    window_s : float or None
        The length of beats one value is computed over, when the source says or documents it
        (Apple's SDNN: the reading's own length; Oura: 5-minute windows averaged over the night);
        None when the source does not say.
    start, end : datetime
        The span the value covers, aware, in UTC; ``end`` is None when the file gives one instant.
    source, device, key :
        See the module docstring.
    """

    kind: MeasurementKind
    value: float
    context: Context
    window_s: float | None
    start: datetime
    end: datetime | None
    source: Source
    device: str
    key: str

    @property
    def unit(self) -> str:
        """``"ms"`` for SDNN and RMSSD, ``"bpm"`` for heart rates."""
        return _UNITS[self.kind]


@dataclass(frozen=True, eq=False, slots=True)
class BeatSeries:
    """Beat-to-beat intervals with the time of the first beat.

    Attributes
    ----------
    start : datetime
        When the first beat of the series fell, aware, in UTC. Interval ``i`` ends at
        ``start + sum(rr_ms[: i + 1])``.
    rr_ms : ndarray of float64
        The intervals in ms, as the device wrote them (not cleaned; :meth:`analyze` cleans).
    source, device, key :
        See the module docstring.
    """

    start: datetime
    rr_ms: npt.NDArray[np.float64]
    source: Source
    device: str
    key: str

    @property
    def duration_s(self) -> float:
        """The sum of the intervals in seconds."""
        return float(np.sum(self.rr_ms)) / 1000.0

    @property
    def end(self) -> datetime:
        """When the last beat fell."""
        return self.start + timedelta(seconds=self.duration_s)

    def analyze(self) -> HRVReport:
        """Clean and analyse the beats with :func:`attune.core.analyze_rr`, as for a live recording."""
        return analyze_rr(self.rr_ms)


@dataclass(frozen=True, eq=False, slots=True)
class HeartRateSeries:
    """Heart rate sampled over time, as activity files record it (not beat-to-beat).

    Attributes
    ----------
    start : datetime
        The time of the first sample, aware, in UTC.
    t_s : ndarray of float64
        The time of every sample in seconds after ``start`` (the first is 0).
    bpm : ndarray of float64
        Heart rate at each time.
    source, device, key :
        See the module docstring.
    """

    start: datetime
    t_s: npt.NDArray[np.float64]
    bpm: npt.NDArray[np.float64]
    source: Source
    device: str
    key: str


@dataclass(frozen=True, slots=True)
class MindfulSession:
    """A mindfulness session someone logged (Apple's Mindful Minutes)."""

    start: datetime
    end: datetime
    source: Source
    device: str
    key: str


@dataclass(frozen=True, slots=True)
class StateOfMind:
    """An entry from Apple's State of Mind log.

    Attributes
    ----------
    start : datetime
        When it was logged, aware, in UTC.
    kind : {"momentary_emotion", "daily_mood", "unknown"}
        How someone felt at a moment, or over the day.
    valence : float
        From -1 (very unpleasant) to 1 (very pleasant).
    labels, associations : tuple of str
        The feeling words and the areas of life chosen, as the file names them.
    """

    start: datetime
    kind: Literal["momentary_emotion", "daily_mood", "unknown"]
    valence: float
    labels: tuple[str, ...]
    associations: tuple[str, ...]
    source: Source
    device: str
    key: str


@dataclass(frozen=True, slots=True)
class SleepSession:
    """One night's (or nap's) sleep, summarised by the device.

    Durations are in seconds and None where the file leaves them out.
    """

    start: datetime
    end: datetime
    is_nap: bool
    asleep_s: float | None
    light_s: float | None
    deep_s: float | None
    rem_s: float | None
    awake_s: float | None
    source: Source
    device: str
    key: str


@dataclass(frozen=True, slots=True)
class SleepStage:
    """One stretch of one sleep stage, as Apple Health stores sleep (``light`` is Apple's "core")."""

    start: datetime
    end: datetime
    stage: SleepStageName
    source: Source
    device: str
    key: str


Imported = Measurement | BeatSeries | HeartRateSeries | MindfulSession | StateOfMind | SleepSession | SleepStage
"""Everything a reader yields."""


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a reader has got, for a progress bar.

    Attributes
    ----------
    bytes_read, bytes_total : int
        Of the data being parsed (for a zip, the uncompressed ``export.xml``).
    records : int
        Records yielded so far.
    skipped : int
        Entries passed over because their values were out of range or in a form attune does not
        read (each one is counted, none silently).
    """

    bytes_read: int
    bytes_total: int
    records: int
    skipped: int

    @property
    def fraction(self) -> float:
        """Between 0 and 1."""
        if self.bytes_total <= 0:
            return 0.0
        return min(1.0, self.bytes_read / self.bytes_total)
