"""FIT activity files (Garmin, Polar, Wahoo, Coros, ...), decoded with fitdecode.

A FIT file is a header, a stream of definition and data messages, and a CRC (the FIT protocol,
Garmin's FIT SDK). attune reads three messages:

- ``file_id`` (global number 0): the manufacturer, product, serial number and creation time,
  which name the device and make the natural key;
- ``hrv`` (78): beat-to-beat intervals, a ``time`` array of up to five uint16 values in
  1/1000 s. 0xFFFF marks an unused slot and is dropped. The intervals form one continuous
  :class:`~attune.importers.records.BeatSeries`, placed at the timestamp of the last message
  before the first ``hrv`` message (the timer start; within a second);
- ``record`` (20): ``timestamp`` and ``heart_rate``, the per-second heart rate, as one
  :class:`~attune.importers.records.HeartRateSeries`.

Devices record ``hrv`` messages only when beat-to-beat logging is switched on. Chained FIT
files (several headers in one file) give one series of each per part. Everything else in the
file (positions, power, laps, sessions, developer fields) is not read.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

import fitdecode
import numpy as np

from attune.importers._export import PathArg, ProgressCallback, ProgressReporter, display_name, open_input
from attune.importers.errors import FitFileError, at_byte
from attune.importers.records import BeatSeries, HeartRateSeries, Imported, natural_key
from attune.words import Said, _

__all__ = ["read_fit"]

_INVALID_U16 = 0xFFFF
_FRAMES_PER_TICK = 256
# fitdecode raises its own FitError for what it recognises as damaged; garbage that gets past
# the CRC can still trip plain Python errors inside it. All of them mean "damaged here".
_DECODE_ERRORS = (fitdecode.FitError, struct.error, ValueError, KeyError, IndexError, TypeError, AttributeError,
                  UnicodeDecodeError, OverflowError, ZeroDivisionError, EOFError, OSError)


def read_fit(path: PathArg, *, name: str | None = None, progress: ProgressCallback | None = None) -> Iterator[Imported]:
    """Read beat-to-beat intervals and heart rate from a FIT file.

    ``path`` (a ``.fit`` file), ``name`` and ``progress`` are as for :func:`attune.importers.read_export`.

    Yields
    ------
    BeatSeries, HeartRateSeries
        For each FIT file in the stream, when it has ``hrv`` or ``record`` messages with data.

    Raises
    ------
    FitFileError
        If the file is missing, not a FIT file, fails its CRC or is cut short; the message names
        the file and the byte offset.
    """
    label = display_name(path, name)
    fh = open_input(path, label, FitFileError)
    try:  # closed also when the caller stops early
        size = os.fstat(fh.fileno()).st_size
        yield from _read(fh, size, label, progress)
    finally:
        fh.close()


@dataclass
class _Part:
    """What one FIT file in the stream holds, gathered as it is read."""

    index: int
    manufacturer: str = ""
    product: str = ""
    serial: str = ""
    created: datetime | None = None
    last_time: datetime | None = None
    beats_start: datetime | None = None
    rr_ms: list[float] = field(default_factory=list)
    hr_times: list[datetime] = field(default_factory=list)
    hr_bpm: list[float] = field(default_factory=list)

    @property
    def device(self) -> str:
        return " ".join(s for s in (self.manufacturer, self.product) if s)


def _read(fh: IO[bytes], size: int, label: str, progress: ProgressCallback | None) -> Iterator[Imported]:
    reporter = ProgressReporter(progress, size)
    part: _Part | None = None
    digest = ""
    frames = 0
    reader = fitdecode.FitReader(
        fh, check_crc=fitdecode.CrcCheck.RAISE, error_handling=fitdecode.ErrorHandling.RAISE
    )
    it = iter(reader)
    while True:
        try:
            frame = next(it)
        except StopIteration:
            break
        except _DECODE_ERRORS as exc:
            raise FitFileError(label, at_byte(_offset(exc, fh)), _explain(exc)) from None
        frames += 1
        if isinstance(frame, fitdecode.FitHeader):
            if part is not None:
                digest = digest or _digest(fh)
                yield from _flush(part, digest, reporter)
            part = _Part(index=0 if part is None else part.index + 1)
        elif isinstance(frame, fitdecode.FitDataMessage) and part is not None:
            _take(frame, part)
        if frames % _FRAMES_PER_TICK == 0:
            reporter.tick(fh.tell())
    if part is None:
        raise FitFileError(label, at_byte(0), _("the file is empty; expected a FIT file"))
    yield from _flush(part, digest or _digest(fh), reporter)
    reporter.done()


def _offset(exc: BaseException, fh: IO[bytes]) -> int:
    offset = getattr(exc, "offset", None)
    if isinstance(offset, int):
        return offset
    try:
        return fh.tell()
    except (OSError, ValueError):
        return 0


def _explain(exc: BaseException) -> Said:
    if isinstance(exc, fitdecode.FitHeaderError):
        return _("not a FIT file (the header is not a FIT header)")
    if isinstance(exc, fitdecode.FitCRCError):
        return _("the file is damaged (its CRC does not match)")
    if isinstance(exc, fitdecode.FitEOFError):
        return _("the file is cut short")
    text = str(exc).split(" @ ")[0].strip() or type(exc).__name__
    return _("the file is damaged (%(why)s)", why=text[:100])


def _digest(fh: IO[bytes]) -> str:
    """The SHA-256 of the whole file: the natural key's fallback when file_id does not name the device."""
    position = fh.tell()
    fh.seek(0)
    h = hashlib.sha256()
    while chunk := fh.read(1 << 20):
        h.update(chunk)
    fh.seek(position)
    return h.hexdigest()


def _value(msg: fitdecode.FitDataMessage, name: str) -> Any:
    try:
        return msg.get_value(name, fallback=None)
    except _DECODE_ERRORS:
        return None


def _take(msg: fitdecode.FitDataMessage, part: _Part) -> None:
    kind = msg.name
    if kind == "file_id":
        part.manufacturer = str(_value(msg, "manufacturer") or "")[:40]
        product = _value(msg, "garmin_product") or _value(msg, "product_name") or _value(msg, "product")
        part.product = str(product or "")[:40]
        serial = _value(msg, "serial_number")
        part.serial = str(serial) if serial else ""
        created = _value(msg, "time_created")
        part.created = created if isinstance(created, datetime) else None
        return
    stamp = _value(msg, "timestamp")
    if isinstance(stamp, datetime):
        part.last_time = stamp
    if kind == "hrv":
        raw = msg.get_value("time", fallback=None, raw_value=True) if msg.has_field("time") else None
        values = raw if isinstance(raw, tuple | list) else (raw,)
        good = [float(v) for v in values if isinstance(v, int) and 0 < v < _INVALID_U16]
        if good and part.beats_start is None:
            part.beats_start = part.last_time or part.created
        part.rr_ms.extend(good)
    elif kind == "record":
        bpm = _value(msg, "heart_rate")
        if isinstance(stamp, datetime) and isinstance(bpm, int | float) and 0 < bpm < 255:
            part.hr_times.append(stamp)
            part.hr_bpm.append(float(bpm))


def _flush(part: _Part, digest: str, reporter: ProgressReporter) -> Iterator[Imported]:
    if part.serial and part.created is not None:
        identity: tuple[object, ...] = (part.manufacturer, part.serial, part.created, part.index)
    else:
        identity = (digest, part.index)
    if part.rr_ms and part.beats_start is not None:
        reporter.records += 1
        yield BeatSeries(
            start=part.beats_start,
            rr_ms=np.asarray(part.rr_ms, dtype=np.float64),
            source="fit",
            device=part.device,
            key=natural_key("fit", "beats", *identity),
        )
    elif part.rr_ms:
        reporter.skipped += 1  # beats with no time at all in the file: nothing to place them at
    if part.hr_times:
        start = part.hr_times[0]
        reporter.records += 1
        yield HeartRateSeries(
            start=start,
            t_s=np.asarray([(t - start).total_seconds() for t in part.hr_times], dtype=np.float64),
            bpm=np.asarray(part.hr_bpm, dtype=np.float64),
            source="fit",
            device=part.device,
            key=natural_key("fit", "heart_rate", *identity),
        )
