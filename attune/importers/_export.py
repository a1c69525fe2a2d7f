"""Helpers shared by the export readers: progress, byte counting, CSV rows, numbers and times."""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import IO, BinaryIO
from zoneinfo import ZoneInfo

from attune.importers.errors import ImportFormatError, at_byte, at_line, whole_file
from attune.importers.records import Progress
from attune.words import _

__all__ = [
    "CountingReader",
    "CsvTable",
    "PathArg",
    "ProgressCallback",
    "ProgressReporter",
    "display_name",
    "open_export",
    "parse_datetime",
    "parse_offset",
]

ProgressCallback = Callable[[Progress], None]
PathArg = str | os.PathLike[str]

_STEP_BYTES = 4 << 20  # report at least every 4 MiB ...
_STEP_FRACTION = 0.01  # ... or every 1 % of the file, whichever comes first


def display_name(path: PathArg, name: str | None) -> str:
    """The name for messages: the one given, or the file's own name (never the directory)."""
    return name if name else Path(path).name


def open_input(path: PathArg, label: str, error: type[ImportFormatError]) -> BinaryIO:
    """Open a file for reading in binary, or raise ``error`` saying plainly why it cannot be."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise error(label, whole_file(), _("the file does not exist")) from None
    except IsADirectoryError:
        raise error(label, whole_file(), _("this is a folder, not a file")) from None
    except OSError as exc:
        raise error(label, whole_file(), _("the file cannot be read (%(why)s)", why=str(exc.strerror or exc))) from None


class ProgressReporter:
    """Calls a progress callback often enough for a progress bar and no more."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.records = 0
        self.skipped = 0
        self._next = 0
        self._step = max(1, min(_STEP_BYTES, int(total * _STEP_FRACTION)))

    def tick(self, bytes_read: int) -> None:
        """Report if enough bytes went by since the last report."""
        if self.callback is not None and bytes_read >= self._next:
            self._next = bytes_read + self._step
            self.callback(Progress(bytes_read, self.total, self.records, self.skipped))

    def done(self) -> None:
        """The final report: everything read."""
        if self.callback is not None:
            self.callback(Progress(self.total, self.total, self.records, self.skipped))


class CountingReader(io.RawIOBase):
    """A readable binary stream that counts the bytes it hands out and stops at a limit.

    Parameters
    ----------
    raw : binary file
        What to read from.
    limit : int
        Reading more than this many bytes calls ``on_limit`` (which raises).
    on_limit : callable
        Raises the error that says the limit was passed.
    """

    def __init__(self, raw: IO[bytes], *, limit: int, on_limit: Callable[[int], None]) -> None:
        super().__init__()
        self._raw = raw
        self.count = 0
        self._limit = limit
        self._on_limit = on_limit

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        """Close this stream and the one it reads from."""
        if not self.closed:
            self._raw.close()
        super().close()

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        if self.count > self._limit:
            self._on_limit(self.count)
        return n

    def read(self, size: int | None = -1) -> bytes:  # lxml calls read(n) directly
        data = self._raw.read(-1 if size is None else size)
        self.count += len(data)
        if self.count > self._limit:
            self._on_limit(self.count)
        return data


# --- numbers and times ---------------------------------------------------------------------------

_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?$")


def parse_offset(text: str) -> tzinfo | None:
    """``+0200``, ``-05:00``, ``UTC+07:00`` or ``Z`` as a fixed offset; an IANA zone name as a zone.

    None when the text is neither.
    """
    t = text.strip()
    if t in ("Z", "UTC", "GMT"):
        return UTC
    m = _OFFSET.match(t)
    if m:
        hours, minutes = int(m.group(2)), int(m.group(3) or 0)
        if hours > 23 or minutes > 59:
            return None
        delta = timedelta(hours=hours, minutes=minutes)
        return timezone(-delta if m.group(1) == "-" else delta)
    if re.fullmatch(r"[A-Za-z]+(?:/[A-Za-z0-9_+-]+){1,2}", t):
        try:
            return ZoneInfo(t)
        except (ValueError, OSError, KeyError):  # unknown zone names raise ZoneInfoNotFoundError (a KeyError)
            return None
    return None


def parse_datetime(text: str, local: tzinfo) -> datetime | None:
    """An ISO-like date and time as an aware datetime in UTC; ``local`` is the zone of naive times.

    Accepts ``2024-05-04T07:00:00+02:00``, ``2024-05-04 07:00:00``, ``2024-05-04 07:00`` and a bare
    date (midnight). None when the text is not one of these.
    """
    t = text.strip()
    if not t or len(t) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(t)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):  # a year-1 date pushed past the calendar by its offset
        return None


def parse_date(text: str) -> date | None:
    """``YYYY-MM-DD``, or None."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def finite_float(text: str) -> float | None:
    """The number in ``text``, or None when it is empty, not a number, or not finite."""
    t = text.strip()
    if not t or len(t) > 40:
        return None
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --- CSV tables ----------------------------------------------------------------------------------


def _norm(header: str) -> str:
    return re.sub(r"\s+", " ", header.strip().strip('"').lower())


@dataclass
class CsvTable:
    """A CSV file read row by row, with its header normalised (lower case, single spaces).

    Use :meth:`open`; iterate :meth:`rows` for ``(line number, cells)``; look columns up with
    :meth:`column`.
    """

    name: str
    header: list[str]
    error: type[ImportFormatError]
    _reader: Iterator[list[str]]
    _counter: CountingReader
    _text: io.TextIOWrapper
    _line: Callable[[], int]
    total: int

    @classmethod
    def open(
        cls,
        path: PathArg, *, name: str, error: type[ImportFormatError], max_bytes: int = 1 << 30
    ) -> CsvTable:
        """Open a CSV file and read its header, guessing the delimiter (comma, semicolon or tab)."""

        def too_big(count: int) -> None:
            raise error(name, at_byte(count), _("the file is larger than %(most)d bytes", most=max_bytes))

        raw = open_input(path, name, error)
        try:
            total = os.fstat(raw.fileno()).st_size
            counter = CountingReader(raw, limit=max_bytes, on_limit=too_big)
            text = io.TextIOWrapper(io.BufferedReader(counter), encoding="utf-8-sig", newline="")
            first = _read_header_line(text, name, error)
            delimiter = max((",", ";", "\t"), key=first.count)
            reader = csv.reader(text, delimiter=delimiter)
            header_cells = next(csv.reader([first], delimiter=delimiter), [])
        except BaseException:
            raw.close()
            raise

        def line() -> int:  # the header line was read before the csv reader started counting
            return reader.line_num + 1

        return cls(name, [_norm(h) for h in header_cells], error, reader, counter, text, line, total)

    def column(self, *names: str) -> int | None:
        """The index of the first of ``names`` (normalised) in the header, or None."""
        for n in names:
            key = _norm(n)
            if key in self.header:
                return self.header.index(key)
        return None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """The data rows with their line numbers, skipping blank lines."""
        while True:
            try:
                row = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                message = _("not a valid CSV row (%(why)s)", why=str(exc))
                raise self.error(self.name, at_line(self._line()), message) from None
            except UnicodeDecodeError:
                raise self.error(self.name, at_line(self._line()), _("not UTF-8 text")) from None
            except OSError as exc:
                where = at_byte(self._counter.count)
                raise self.error(self.name, where, _("read failed (%(why)s)", why=str(exc))) from None
            if any(cell.strip() for cell in row):
                yield self._line(), row

    @property
    def bytes_read(self) -> int:
        return self._counter.count

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> CsvTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def open_export(
    path: PathArg, *, name: str | None, error: type[ImportFormatError], progress: ProgressCallback | None
) -> Iterator[tuple[CsvTable, ProgressReporter]]:
    """An app's CSV export, opened under its display name, and a progress reporter over its bytes.

    The reader ticks the reporter as it goes; the final report is sent when the block ends without
    an error.
    """
    with CsvTable.open(path, name=display_name(path, name), error=error) as table:
        reporter = ProgressReporter(progress, table.total)
        yield table, reporter
        reporter.done()


def _read_header_line(text: io.TextIOWrapper, name: str, error: type[ImportFormatError]) -> str:
    try:
        first = text.readline(1 << 16)
    except UnicodeDecodeError:
        raise error(name, at_line(1), _("not UTF-8 text; expected a CSV export")) from None
    if "\x00" in first:
        raise error(name, at_line(1), _("not a text file; expected a CSV export"))
    if not first.strip():
        raise error(name, at_line(1), _("the file is empty; expected a CSV export with a header row"))
    return first


def cell(row: list[str], index: int | None) -> str:
    """The cell at ``index``, stripped, or ``""`` when the row is short or the column absent."""
    if index is None or index >= len(row):
        return ""
    return row[index].strip()
