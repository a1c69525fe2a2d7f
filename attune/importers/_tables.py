"""What the CSV readers share: numbers and times from cells, measurements from columns, spot readings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo

from attune.importers._export import (
    CsvTable,
    PathArg,
    ProgressCallback,
    ProgressReporter,
    cell,
    finite_float,
    open_export,
    parse_datetime,
)
from attune.importers.errors import ImportFormatError, at_line
from attune.importers.records import Context, Measurement, MeasurementKind, Source, natural_key
from attune.words import _

__all__ = ["MeasureColumn", "durations", "number", "present", "read_spot_readings", "row_measurements", "time_at"]

_EMPTY = {"", "-", "--", "n/a", "na", "null", "none", "nan"}
HR_BOUNDS = (20.0, 250.0)
HRV_BOUNDS = (0.0, 1000.0)


@dataclass(frozen=True)
class MeasureColumn:
    """A column that holds one kind of measurement, by the names exports give it."""

    names: tuple[str, ...]
    kind: MeasurementKind
    bounds: tuple[float, float]


def number(table: CsvTable, row: list[str], line: int, index: int | None) -> float | None:
    """The number in a cell; None when the cell is empty; an error naming the line when it is not a number."""
    text = cell(row, index)
    if text.lower() in _EMPTY:
        return None
    value = finite_float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    if value is None:
        column = table.header[index] if index is not None and index < len(table.header) else "?"
        raise table.error(
            table.name, at_line(line),
            _("column %(column)s holds %(value)s, not a number", column=repr(column), value=repr(text[:40])),
        )
    return value


def time_at(
    table: CsvTable, row: list[str], line: int, index: int | None, local: tzinfo, *, required: bool = True
) -> datetime | None:
    """The time in a cell as aware UTC (naive times are in ``local``); an error naming the line if unreadable."""
    text = cell(row, index)
    if not text:
        if required:
            if index is not None and index < len(table.header):
                raise table.error(table.name, at_line(line), _("no %(column)s", column=table.header[index]))
            raise table.error(table.name, at_line(line), _("no time"))
        return None
    when = parse_datetime(text, local)
    if when is None:
        message = _("%(value)s is not a date and time like 2024-05-04 07:00", value=repr(text[:40]))
        raise table.error(table.name, at_line(line), message)
    return when


def row_measurements(
    table: CsvTable,
    row: list[str],
    line: int,
    columns: list[tuple[int, MeasureColumn]],
    *,
    context: Context,
    window_s: float | None,
    start: datetime,
    end: datetime | None,
    source: Source,
    device: str,
    identity: tuple[object, ...],
    reporter: ProgressReporter,
) -> Iterator[Measurement]:
    """One :class:`Measurement` per filled column of the row; values out of range are skipped and counted."""
    for index, column in columns:
        value = number(table, row, line, index)
        if value is None:
            continue
        if not column.bounds[0] < value < column.bounds[1]:
            reporter.skipped += 1
            continue
        reporter.records += 1
        key = natural_key(source, column.kind, *identity)
        yield Measurement(column.kind, value, context, window_s, start, end, source, device, key)


_MAX_SLEEP_S = 48 * 3600.0


def durations(
    table: CsvTable, row: list[str], line: int, columns: dict[str, int | None], *, seconds_per_unit: float
) -> dict[str, float | None]:
    """Sleep stage durations in seconds by field name; None where empty or outside 0 to 48 hours."""
    found: dict[str, float | None] = {}
    for field, index in columns.items():
        value = number(table, row, line, index)
        seconds = None if value is None else value * seconds_per_unit
        found[field] = seconds if seconds is not None and 0.0 <= seconds <= _MAX_SLEEP_S else None
    return found


def present(table: CsvTable, columns: tuple[MeasureColumn, ...]) -> list[tuple[int, MeasureColumn]]:
    """The columns the file has, with their indices."""
    found = []
    for column in columns:
        index = table.column(*column.names)
        if index is not None:
            found.append((index, column))
    return found


def read_spot_readings(
    path: PathArg,
    *,
    name: str | None,
    progress: ProgressCallback | None,
    local_tz: tzinfo,
    source: Source,
    error: type[ImportFormatError],
    what: str,
    time_columns: tuple[str, ...],
    columns: tuple[MeasureColumn, ...],
    clock_columns: tuple[str, ...] = (),
) -> Iterator[Measurement]:
    """Short readings from an app's CSV export: one row per reading, a time and its numbers.

    Every row gives one ``spot`` :class:`Measurement` per filled column, keyed by the source, the
    kind and the reading's start time (which the app writes to the second, or to the minute).
    When the time column holds only a date, one of ``clock_columns`` may hold the time of day.
    """
    with open_export(path, name=name, error=error, progress=progress) as (table, reporter):
        time_index = table.column(*time_columns)
        found = present(table, columns)
        if time_index is None or not found:
            names: str = repr(columns[0].names[0])
            for column in columns[1:]:
                names = _("%(first)s or %(second)s", first=names, second=repr(column.names[0]))
            raise error(
                table.name, at_line(1),
                _("not %(what)s: the header names no %(time)s column and no %(columns)s column", what=what,
                  time=repr(time_columns[0]), columns=names),
            )
        clock_index = table.column(*clock_columns) if clock_columns else None
        for line, row in table.rows():
            if clock_index is not None and cell(row, clock_index):
                row = [*row, f"{cell(row, time_index)} {cell(row, clock_index)}"]
                start = time_at(table, row, line, len(row) - 1, local_tz)
            else:
                start = time_at(table, row, line, time_index, local_tz)
            assert start is not None  # required=True
            yield from row_measurements(
                table, row, line, found, context="spot", window_s=None, start=start, end=None, source=source,
                device="", identity=(start,), reporter=reporter,
            )
            reporter.tick(table.bytes_read)
