"""Apple Health: ``export.zip`` (or the ``export.xml`` inside it), streamed in constant memory.

The Health app's "Export All Health Data" writes a zip holding ``apple_health_export/export.xml``:
a ``<HealthData>`` element with one ``<Record>`` per sample (plus workouts, correlations and
activity summaries, which attune does not read). Each record has a ``type``, ``sourceName``,
``device``, ``unit``, ``startDate`` and ``endDate`` (local time with its offset,
``2024-05-04 07:00:00 +0200``) and usually a ``value``.

Read here:

- ``HKQuantityTypeIdentifierHeartRateVariabilitySDNN``: SDNN in ms over a spot reading of about a
  minute (its window is the record's own length). Its ``HeartRateVariabilityMetadataList`` of
  ``<InstantaneousBeatsPerMinute bpm="61" time="7:00:01.23 AM"/>`` entries is the heartbeat
  series: the time of every beat as a local time of day (12- or 24-hour clock, ``.`` or ``,``
  before the hundredths). The beats become a :class:`~attune.importers.records.BeatSeries` of
  RR intervals taken from the differences between beat times (10 ms resolution; the integer
  ``bpm`` only checks them). Where an interval disagrees with its bpm by more than half, beats were
  missed: the series is split there, and pieces of fewer than 3 intervals are dropped.
  ``HKDataTypeIdentifierHeartbeatSeries`` records with the same list are read the same way.
- ``HKQuantityTypeIdentifierRestingHeartRate``: Apple's daily resting heart rate.
- ``HKCategoryTypeIdentifierMindfulSession``: mindful minutes.
- ``HKCategoryTypeIdentifierSleepAnalysis``: sleep stages (in bed, asleep, awake, core, deep, REM).
- State of Mind records, where an export has them (``HKDataTypeStateOfMind``): see
  :func:`read_apple_health`.

Every other record type is passed over without being decoded.

The zip is checked before anything is read (see :class:`ZipLimits`): no names that climb out of
the archive, a cap on the number of entries, on the total unpacked size and on each entry's
compression ratio; the XML is parsed without fetching or expanding external entities, and
elements are cleared as soon as they are read, so memory stays flat whatever the file's size.
"""

from __future__ import annotations

import math
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Literal

import numpy as np
from lxml import etree

from attune.importers._export import (
    PathArg,
    ProgressCallback,
    ProgressReporter,
    display_name,
    open_input,
)
from attune.importers.errors import AppleHealthError, UnsafeArchiveError, at_byte, at_line, whole_file
from attune.importers.records import (
    BeatSeries,
    Context,
    Imported,
    Measurement,
    MeasurementKind,
    MindfulSession,
    SleepStage,
    SleepStageName,
    StateOfMind,
    natural_key,
)
from attune.words import Said, _

__all__ = ["ZipLimits", "check_archive", "read_apple_health"]

SDNN = "HKQuantityTypeIdentifierHeartRateVariabilitySDNN"
RESTING_HR = "HKQuantityTypeIdentifierRestingHeartRate"
MINDFUL = "HKCategoryTypeIdentifierMindfulSession"
SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"
HEARTBEAT_SERIES = "HKDataTypeIdentifierHeartbeatSeries"
STATE_OF_MIND = ("HKDataTypeStateOfMind", "HKCategoryTypeIdentifierStateOfMind")

_SLEEP_STAGES: dict[str, SleepStageName] = {
    "HKCategoryValueSleepAnalysisInBed": "in_bed",
    "HKCategoryValueSleepAnalysisAsleep": "asleep",
    "HKCategoryValueSleepAnalysisAsleepUnspecified": "asleep",
    "HKCategoryValueSleepAnalysisAwake": "awake",
    "HKCategoryValueSleepAnalysisAsleepCore": "light",
    "HKCategoryValueSleepAnalysisAsleepDeep": "deep",
    "HKCategoryValueSleepAnalysisAsleepREM": "rem",
}

_MOOD_KINDS: dict[str, Literal["momentary_emotion", "daily_mood"]] = {
    "1": "momentary_emotion", "momentary": "momentary_emotion", "momentaryemotion": "momentary_emotion",
    "2": "daily_mood", "daily": "daily_mood", "dailymood": "daily_mood",
}
_SDNN_RANGE_MS = (0.0, 1000.0)
_HR_RANGE_BPM = (20.0, 250.0)
_MIN_SEGMENT_RR = 3
_BEAT_TIME = re.compile(r"\s*(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))?\s*(?:([AaPp])\.?\s*[Mm]?\.?)?\s*$")
# The same, for many times joined by newlines (one per line; [^\S\n] is \s without the newline).
_BEAT_TIME_LINES = re.compile(
    r"^[^\S\n]*(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))?[^\S\n]*(?:([AaPp])\.?[^\S\n]*[Mm]?\.?)?[^\S\n]*$", re.M
)
_READ = frozenset((SDNN, RESTING_HR, HEARTBEAT_SERIES, MINDFUL, SLEEP, *STATE_OF_MIND))
_CHUNK_BYTES = 64 << 10  # parsed at a time; the finished records in it are read, then dropped
# Only finished children of <HealthData> can be dropped, so one that never ends would grow in memory.
# Apple's largest (a workout, a record with a minute of beats) are a few kilobytes.
_MAX_ELEMENT_BYTES = 64 << 20
_BEATS = etree.XPath("HeartRateVariabilityMetadataList/InstantaneousBeatsPerMinute")
_BEAT_COUNT = etree.XPath("count(HeartRateVariabilityMetadataList/InstantaneousBeatsPerMinute)")
_BEAT_TIMES = etree.XPath("HeartRateVariabilityMetadataList/InstantaneousBeatsPerMinute/@time", smart_strings=False)
_BEAT_BPMS = etree.XPath("HeartRateVariabilityMetadataList/InstantaneousBeatsPerMinute/@bpm", smart_strings=False)


@dataclass(frozen=True)
class ZipLimits:
    """What a zip must stay within before attune reads it.

    Attributes
    ----------
    max_entries : int
        Files and folders in the archive (an export holds export.xml, export_cda.xml, and one
        file per workout route and ECG: tens of thousands at most).
    max_total_bytes : int
        All entries unpacked, as the archive declares them (attune reads only ``export.xml`` and
        never writes anything out, so this bounds the reading time, not the disk).
    max_ratio : float
        Unpacked over packed size, for each entry over 1 MiB. Apple's XML packs 10 to 30 times;
        a zip bomb packs a thousand times.
    """

    max_entries: int = 100_000
    max_total_bytes: int = 64 << 30
    max_ratio: float = 200.0


def read_apple_health(
    path: PathArg, *, name: str | None = None, progress: ProgressCallback | None = None, limits: ZipLimits = ZipLimits()
) -> Iterator[Imported]:
    """Stream the records attune keeps from an Apple Health export.

    Parameters
    ----------
    path : str or path-like
        ``export.zip`` as the Health app writes it, or the ``export.xml`` from inside it.
    name : str, optional
        The name to use in messages (the uploaded file's name); the file's own name by default.
    progress : callable, optional
        Called with a :class:`~attune.importers.records.Progress` about every 1 % of
        ``export.xml`` (its unpacked size) and once at the end.
    limits : ZipLimits
        The safety limits for the zip.

    Yields
    ------
    Measurement, BeatSeries, MindfulSession, SleepStage or StateOfMind
        In file order. The same record can appear twice in one export (Apple keeps duplicates
        from different apps); their ``key`` is then the same.

    Raises
    ------
    UnsafeArchiveError
        Before anything is yielded, if the zip breaks a limit.
    AppleHealthError
        If the file is not an Apple Health export, or is damaged; the message names the file and
        the record, line or byte where reading stopped. Records yielded before it stay valid.

    Notes
    -----
    State of Mind (iOS 18) is not described by Apple for the export. attune reads records of
    type ``HKDataTypeStateOfMind``: the valence from ``value`` or a metadata key ending in
    ``Valence``, the kind from a key ending in ``Kind`` (1 or "momentary" for a momentary emotion,
    2 or "daily" for a daily mood), labels and associations from keys ending in ``Labels`` and
    ``Associations`` (comma-separated).

    Stop iterating (or call ``close()`` on the generator) to cancel; the file is closed.
    """
    label = display_name(path, name)
    p = Path(path)
    with open_input(p, label, AppleHealthError) as fh:
        magic = fh.read(4)
    if magic.startswith(b"PK"):
        yield from _read_zip(p, label, progress, limits)
    else:
        with open(p, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            yield from _read_xml(fh, size, label, progress)


# --- the zip ---------------------------------------------------------------------------------------

_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError,
               RuntimeError, ValueError, struct.error, IndexError, KeyError, UnicodeDecodeError)


def _read_zip(p: Path, label: str, progress: ProgressCallback | None, limits: ZipLimits) -> Iterator[Imported]:
    try:
        archive = zipfile.ZipFile(p)
    except _ZIP_ERRORS as exc:
        raise AppleHealthError(label, whole_file(), _("not a readable zip archive (%(why)s)", why=_why(exc))) from None
    with archive:
        info = _check_archive(archive, label, limits)
        try:
            stream = archive.open(info)
        except _ZIP_ERRORS as exc:
            raise AppleHealthError(label, info.filename, _("cannot be unpacked (%(why)s)", why=_why(exc))) from None
        with stream:
            yield from _read_xml(stream, info.file_size, f"{label}/{info.filename}", progress)


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:120]


def _unsafe_name(entry: str) -> bool:
    if not entry or "\x00" in entry or entry.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", entry):
        return True
    return any(part == ".." for part in re.split(r"[/\\]", entry))


def check_archive(archive: zipfile.ZipFile, label: str, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """Refuse an unsafe zip before anything is unpacked; its entries when it is within ``limits``.

    Raises
    ------
    UnsafeArchiveError
        An entry name is absolute or climbs with ``..``, an entry is encrypted, or the archive has
        too many entries, unpacks too large, or packs an entry suspiciously tightly.
    """
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise UnsafeArchiveError(
            label, whole_file(),
            _("%(n)d entries; at most %(most)d are accepted", n=len(infos), most=limits.max_entries),
        )
    total = 0
    for info in infos:
        if _unsafe_name(info.filename):
            raise UnsafeArchiveError(label, repr(info.filename)[:80], _("an entry name points outside the archive"))
        if info.flag_bits & 0x1:
            raise UnsafeArchiveError(label, info.filename, _("the entry is encrypted"))
        total += info.file_size
        if total > limits.max_total_bytes:
            raise UnsafeArchiveError(
                label, whole_file(),
                _("unpacks to more than %(most)d bytes; this is not accepted", most=limits.max_total_bytes),
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > (1 << 20) and ratio > limits.max_ratio:
            raise UnsafeArchiveError(
                label, info.filename,
                _("packed %(ratio)s times; at most %(most)s is accepted", ratio=f"{ratio:.0f}",
                  most=f"{limits.max_ratio:g}"),
            )
    return infos


def _check_archive(archive: zipfile.ZipFile, label: str, limits: ZipLimits) -> zipfile.ZipInfo:
    infos = check_archive(archive, label, limits)
    candidates = [i for i in infos if not i.is_dir() and i.filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
                  == "export.xml"]
    if not candidates:
        raise AppleHealthError(label, whole_file(), _("no export.xml inside; expected the zip the Health app exports"))
    return min(candidates, key=lambda i: i.filename.count("/"))


# --- the XML ---------------------------------------------------------------------------------------


def _read_xml(raw: IO[bytes], size: int, label: str, progress: ProgressCallback | None) -> Iterator[Imported]:
    """Parse ``raw`` a chunk at a time; after each chunk, read the finished records and drop them.

    libxml2 builds the tree as the bytes arrive (the whole file is parsed and checked as XML).
    Between chunks attune walks the finished children of ``<HealthData>`` (all but the last, which
    may still be arriving), reads the few of a type it keeps, and deletes the rest unread, so memory
    stays flat and no element costs more than a look at its ``type``. A second parser sees only
    the first element, to say plainly when the file is some other XML.
    """
    reporter = ProgressReporter(progress, size)
    parser = _RecordParser(label, reporter)
    options: dict[str, bool] = {
        "resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False, "collect_ids": False,
    }
    pull = etree.XMLPullParser(events=("start",), tag="HealthData", **options)
    probe: etree.XMLPullParser | None = etree.XMLPullParser(events=("start",), **options)
    root: etree._Element | None = None
    children = False
    count = element_from = 0
    while True:
        try:
            chunk = raw.read(_CHUNK_BYTES)
        except _ZIP_ERRORS as exc:
            message = _("the archive is damaged (%(why)s)", why=_why(exc))
            raise AppleHealthError(label, at_byte(count), message) from None
        count += len(chunk)
        if count > size:
            raise AppleHealthError(
                label, at_byte(count), _("longer than the %(size)d bytes its archive declares", size=size)
            )
        try:
            if chunk:
                pull.feed(chunk)
            else:
                pull.close()
            if probe is not None:  # until the first element shows whether this is an Apple Health export
                if chunk:
                    probe.feed(chunk)
                else:
                    probe.close()
                for _event, first in probe.read_events():
                    if first.tag != "HealthData":
                        raise AppleHealthError(
                            label, at_line(first.sourceline),
                            _("%(what)s is not an Apple Health export (<HealthData>)", what=f"<{first.tag}>"),
                        )
                    probe = None
                    break
        except etree.XMLSyntaxError as exc:
            for _event, elem in pull.read_events() if root is None else ():
                root = elem
            if root is not None:  # what was finished before the damage is good: keep it
                yield from parser.finished(root, last=False)
            line, column = exc.position
            raise AppleHealthError(
                label, _("line %(line)d, column %(column)d", line=line, column=column),
                _("not valid XML (%(why)s)", why=str(exc.msg)),
            ) from None
        if root is None:
            for _event, elem in pull.read_events():
                root = elem
        if root is not None and len(root):
            if not children or len(root) > 1:
                element_from = count - len(chunk)  # where the element still arriving began, near enough
            elif count - element_from > _MAX_ELEMENT_BYTES:
                big = root[-1]
                raise AppleHealthError(
                    label, at_line(big.sourceline),
                    _("%(what)s runs past %(mib)d MiB; no Apple Health element is so large", what=f"<{big.tag}>",
                      mib=_MAX_ELEMENT_BYTES >> 20),
                )
            children = True
            yield from parser.finished(root, last=not chunk)
            reporter.tick(count)
        if not chunk:
            break
    if not children:
        raise AppleHealthError(
            label, whole_file(), _("no Apple Health records; expected <HealthData> with <Record> elements")
        )
    reporter.done()


@dataclass(slots=True)
class _Stamp:
    """A record time: in UTC, and the offset it was written with."""

    utc: datetime
    offset: timedelta


class _RecordParser:
    """Turns <Record> elements into attune records; keeps the per-file caches."""

    def __init__(self, label: str, reporter: ProgressReporter) -> None:
        self.label = label
        self.reporter = reporter
        self.index = 0  # of the <Record> being read, counting from 1
        self._devices: dict[str, str] = {}
        self._offsets: dict[str, timedelta] = {}

    def finished(self, root: etree._Element, *, last: bool) -> Iterator[Imported]:
        """Read the finished records under ``root`` (every one once ``last``), then drop them."""
        if not len(root):
            return
        arriving = None if last else root[-1]  # the last child may still be arriving: read it next time
        for elem in root.iterchildren("Record"):
            if elem is arriving:
                break
            self.index += 1
            if elem.get("type") in _READ:  # most records are other types: pass them over cheaply
                yield from self.record(elem)
        if last:
            root.clear()
        else:
            del root[:-1]

    # -- helpers --

    def where(self, elem: etree._Element) -> Said:
        return _("record %(record)d (line %(line)s)", record=self.index, line=elem.sourceline)

    def fail(self, elem: etree._Element, message: Said) -> AppleHealthError:
        return AppleHealthError(self.label, self.where(elem), message)

    def stamp(self, elem: etree._Element, attr: str) -> _Stamp:
        text = elem.get(attr)
        if text is None:
            raise self.fail(elem, _("no %(attribute)s", attribute=attr))
        try:
            return self._parse_stamp(text)
        except (ValueError, OverflowError, IndexError):
            message = _("%(attribute)s %(value)s is not a time like 2024-05-04 07:00:00 +0200", attribute=attr,
                        value=repr(text[:40]))
            raise self.fail(elem, message) from None

    def _parse_stamp(self, text: str) -> _Stamp:
        if len(text) != 25 or text[4] != "-" or text[10] != " " or text[19] != " ":
            raise ValueError(text)
        offset = self._offsets.get(text[20:])
        if offset is None:
            sign, hh, mm = text[20], int(text[21:23]), int(text[23:25])
            if sign not in "+-" or hh > 23 or mm > 59:
                raise ValueError(text)
            offset = timedelta(hours=hh, minutes=mm) * (-1 if sign == "-" else 1)
            self._offsets[text[20:]] = offset
        try:  # the usual form, parsed in C; anything odder the slow way, with the same result
            local = datetime.fromisoformat(text[:19])
            if local.tzinfo is not None:
                raise ValueError(text)
        except ValueError:
            local = datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]),
                             int(text[17:19]))
        return _Stamp((local - offset).replace(tzinfo=UTC), offset)

    def device(self, elem: etree._Element) -> str:
        raw = elem.get("device")
        if not raw:
            return elem.get("sourceName") or ""
        known = self._devices.get(raw)
        if known is None:
            name = re.search(r"name:([^,>]*)", raw)
            hardware = re.search(r"hardware:(.*?)(?:, \w+:|>|$)", raw)
            known = (name.group(1).strip() if name else elem.get("sourceName") or "")[:100]
            if hardware and hardware.group(1).strip():
                known = f"{known} ({hardware.group(1).strip()[:40]})"
            if len(self._devices) < 4096:
                self._devices[raw] = known
        return known

    def number(self, elem: etree._Element) -> float:
        text = elem.get("value")
        if text is None:
            raise self.fail(elem, _("no value"))
        try:
            return float(text)
        except ValueError:
            raise self.fail(elem, _("value %(value)s is not a number", value=repr(text[:40]))) from None

    # -- records --

    def record(self, elem: etree._Element) -> Iterator[Imported]:
        kind = elem.get("type")
        if kind == SDNN:
            yield from self._quantity(elem, kind, "sdnn", _SDNN_RANGE_MS, "ms", "spot")
            yield from self._beats(elem)
        elif kind == RESTING_HR:
            yield from self._quantity(elem, kind, "resting_hr", _HR_RANGE_BPM, "count/min", "daily")
        elif kind == HEARTBEAT_SERIES:
            yield from self._beats(elem)
        elif kind == MINDFUL:
            start, end = self.stamp(elem, "startDate"), self.stamp(elem, "endDate")
            if end.utc < start.utc:
                self.reporter.skipped += 1
                return
            self.reporter.records += 1
            yield MindfulSession(start.utc, end.utc, "apple_health", self.device(elem),
                                 natural_key("apple_health", kind, elem.get("sourceName"), start.utc, end.utc))
        elif kind == SLEEP:
            yield from self._sleep(elem, kind)
        elif kind in STATE_OF_MIND:
            yield from self._state_of_mind(elem, kind)

    def _quantity(
        self,
        elem: etree._Element,
        kind: str,
        measure: MeasurementKind,
        bounds: tuple[float, float],
        unit: str,
        context: Context,
    ) -> Iterator[Measurement]:
        value = self.number(elem)
        start, end = self.stamp(elem, "startDate"), self.stamp(elem, "endDate")
        if not (bounds[0] < value < bounds[1]) or elem.get("unit") != unit or end.utc < start.utc:
            self.reporter.skipped += 1
            return
        window = (end.utc - start.utc).total_seconds() if measure == "sdnn" else None
        self.reporter.records += 1
        yield Measurement(
            kind=measure,
            value=value,
            context=context,
            window_s=window,
            start=start.utc,
            end=end.utc,
            source="apple_health",
            device=self.device(elem),
            key=natural_key("apple_health", kind, elem.get("sourceName"), start.utc, end.utc),
        )

    def _sleep(self, elem: etree._Element, kind: str) -> Iterator[SleepStage]:
        stage = _SLEEP_STAGES.get(elem.get("value") or "")
        start, end = self.stamp(elem, "startDate"), self.stamp(elem, "endDate")
        if stage is None or end.utc < start.utc:
            self.reporter.skipped += 1
            return
        self.reporter.records += 1
        yield SleepStage(start.utc, end.utc, stage, "apple_health", self.device(elem),
                         natural_key("apple_health", kind, elem.get("sourceName"), start.utc, end.utc, stage))

    def _state_of_mind(self, elem: etree._Element, kind: str) -> Iterator[StateOfMind]:
        start = self.stamp(elem, "startDate")
        meta = {
            (e.get("key") or ""): (e.get("value") or "") for e in elem.iterfind("MetadataEntry")
        }

        def find(suffix: str) -> str:
            for k, v in meta.items():
                if k.endswith(suffix):
                    return v
            return ""

        text = elem.get("value") or find("Valence")
        try:
            valence = float(text)
        except ValueError:
            raise self.fail(elem, _("valence %(value)s is not a number", value=repr(text[:40]))) from None
        if not -1.0 <= valence <= 1.0:
            self.reporter.skipped += 1
            return
        som_kind: Literal["momentary_emotion", "daily_mood", "unknown"] = (
            _MOOD_KINDS.get(find("Kind").strip().lower().replace("_", "")) or "unknown"
        )
        labels = tuple(s.strip()[:60] for s in find("Labels").split(",") if s.strip())[:50]
        associations = tuple(s.strip()[:60] for s in find("Associations").split(",") if s.strip())[:50]
        self.reporter.records += 1
        yield StateOfMind(start.utc, som_kind, valence, labels, associations, "apple_health", self.device(elem),
                          natural_key("apple_health", kind, elem.get("sourceName"), start.utc))

    def _beats(self, elem: etree._Element) -> Iterator[BeatSeries]:
        n = int(_BEAT_COUNT(elem))
        if n < _MIN_SEGMENT_RR + 1:
            if n:
                self.reporter.skipped += 1
            return
        start = self.stamp(elem, "startDate")
        clock = _BEAT_TIMES(elem)
        seconds = _times_of_day(clock) if len(clock) == n else None  # a beat with no time counts as unknown
        if seconds is None:
            self.reporter.skipped += 1  # a clock format attune does not know: keep the SDNN, drop the beats
            return
        bpm = _rates(_BEAT_BPMS(elem), n, elem)
        times = _unwrap_days(seconds, start)
        rr_ms = np.diff(times) * 1000.0
        expected = 60000.0 / np.where(bpm[1:] > 0, bpm[1:], np.nan)
        good = (rr_ms > 0) & (rr_ms < 3000) & (np.abs(rr_ms - expected) <= 0.5 * expected)
        device = self.device(elem)
        source_name = elem.get("sourceName")
        base = datetime(start.utc.year, start.utc.month, start.utc.day, tzinfo=UTC)  # what `times` count from
        piece = 0
        for lo, hi in _runs(good):
            if hi - lo < _MIN_SEGMENT_RR:
                self.reporter.skipped += 1
                continue
            first = base + timedelta(seconds=float(times[lo]))
            self.reporter.records += 1
            yield BeatSeries(
                start=first,
                rr_ms=np.round(rr_ms[lo:hi], 3),
                source="apple_health",
                device=device,
                key=natural_key("apple_health", "beats", source_name, first, piece),
            )
            piece += 1


def _times_of_day(texts: list[str]) -> np.ndarray | None:
    """Seconds since local midnight for each of Apple's beat times; None if any is not a time.

    One regular-expression pass over all the times joined by newlines, then plain integers (about a
    quarter of the time numpy's string arrays took for a minute of beats); the same result as
    :func:`_time_of_day` on each (which is used when a time holds a newline of its own).
    """
    joined = "\n".join(texts)
    found = _BEAT_TIME_LINES.findall(joined) if joined.count("\n") == len(texts) - 1 else []
    if len(found) != len(texts):
        one = [_time_of_day(t) for t in texts]
        return None if any(t is None for t in one) else np.asarray(one, dtype=np.float64)
    seconds = np.empty(len(found), dtype=np.float64)
    for k, (h, mi, se, frac, meridiem) in enumerate(found):
        hour, minute, second = int(h), int(mi), int(se)
        if minute > 59 or second > 60:
            return None
        if meridiem:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if meridiem in "Pp" else 0)
        elif hour > 23:
            return None
        # hundredths as a quotient of exact values: the double nearest the decimal, as float("0.23")
        seconds[k] = (hour * 3600 + minute * 60 + second) + (float(frac) / 10.0 ** len(frac) if frac else 0.0)
    return seconds


def _rates(texts: list[str], n: int, elem: etree._Element) -> np.ndarray:
    """Each beat's bpm as a number (NaN where it is missing or not a number)."""
    if len(texts) == n:
        try:
            return np.fromiter(map(float, texts), dtype=np.float64, count=n)
        except ValueError:
            pass
    else:
        texts = [beat.get("bpm") or "" for beat in _BEATS(elem)]
    return np.array([_float_or_nan(t) for t in texts], dtype=np.float64)


def _float_or_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _time_of_day(text: str) -> float | None:
    """Seconds since local midnight from Apple's beat times (``7:00:01.23 PM``, ``19:00:01,23``)."""
    m = _BEAT_TIME.match(text)  # \s also matches the narrow no-break space recent iOS puts before AM
    if not m:
        return None
    h, mi, se, frac, mer = m.groups()
    hour, minute, second = int(h), int(mi), int(se)
    fraction = float("0." + frac) if frac else 0.0
    meridiem = mer.lower() if mer else ""
    if minute > 59 or second > 60:
        return None
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    elif hour > 23:
        return None
    return hour * 3600 + minute * 60 + second + fraction


def _unwrap_days(times: np.ndarray, start: _Stamp) -> np.ndarray:
    """Times of day → seconds since the UTC midnight of the record's start, across midnights.

    The first beat is placed on the local day that puts it within 12 hours of the record's start;
    each later beat that goes back by more than 12 hours has crossed midnight.
    """
    start_local = start.utc + start.offset
    start_sod = start_local.hour * 3600 + start_local.minute * 60 + start_local.second
    days = np.zeros_like(times)
    steps = np.diff(times) < -43200
    days[1:] = np.cumsum(steps) * 86400.0
    first = times[0] - start_sod
    shift = 86400.0 if first < -43200 else -86400.0 if first > 43200 else 0.0
    # seconds from the record start's local midnight, then back to the UTC midnight of start.utc
    local = times + days + shift
    utc_midnight = datetime(start.utc.year, start.utc.month, start.utc.day, tzinfo=UTC)
    local_midnight_in_utc = datetime(start_local.year, start_local.month, start_local.day, tzinfo=UTC) - start.offset
    return np.asarray(local + (local_midnight_in_utc - utc_midnight).total_seconds(), dtype=np.float64)


def _runs(good: np.ndarray) -> Iterator[tuple[int, int]]:
    """(lo, hi) index ranges of consecutive True values."""
    padded = np.concatenate(([False], good, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    for lo, hi in zip(edges[::2], edges[1::2], strict=True):
        yield int(lo), int(hi)

