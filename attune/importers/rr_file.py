"""RR interval text files (the ones ``attune hrv`` reads) as a timed beat series.

The intervals are read by :func:`attune.importers.rr_text.read_rr` (one or two columns, with or
without a header, ms or s). A text file has no start time of its own, so it comes from the file
name when the name is a time (Elite HRV names each reading's RR file ``2024-05-04 07-01-33.txt``,
in the phone's local time), or else from the caller.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from attune.importers._export import PathArg, display_name
from attune.importers.errors import RRFileError, at_line, whole_file
from attune.importers.records import BeatSeries, natural_key
from attune.importers.rr_text import RRTextError, read_rr
from attune.words import Said, _

__all__ = ["read_rr_file", "start_from_name"]

_NAMED_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ _T](\d{2})[-.:](\d{2})[-.:](\d{2})")


def start_from_name(name: str, local_tz: tzinfo = UTC) -> datetime | None:
    """The time in a file name like ``2024-05-04 07-01-33.txt``, as aware UTC; None if it has none."""
    m = _NAMED_TIME.search(name)
    if not m:
        return None
    try:
        y, mo, d, h, mi, se = (int(g) for g in m.groups())
        local = datetime(y, mo, d, h, mi, se, tzinfo=local_tz)
    except ValueError:
        return None
    return local.astimezone(UTC)


def read_rr_file(
    path: PathArg, *, name: str | None = None, start: datetime | None = None, local_tz: tzinfo = UTC
) -> Iterator[BeatSeries]:
    """Read an RR text file as one :class:`~attune.importers.records.BeatSeries`.

    ``path`` and ``local_tz`` are as for :func:`attune.importers.read_export`. ``name`` (the file's own
    name by default) is used in messages and looked at for a start time, in ``local_tz``; ``start``
    (aware) is when the first beat fell, used when the name holds no time.

    Yields
    ------
    BeatSeries
        Keyed by its start time and a digest of its intervals, so the same file imported twice
        gives the same key.

    Raises
    ------
    RRFileError
        When the file cannot be read as RR intervals (the message names the file, and the line
        where there is one), or when no start time is known.
    """
    label = display_name(path, name)
    when = start_from_name(label, local_tz)
    if when is None and start is not None:
        if start.tzinfo is None:
            raise RRFileError(label, whole_file(), _("the start time given has no time zone"))
        when = start.astimezone(UTC)
    if when is None:
        raise RRFileError(label, whole_file(), _("no start time: the name holds none and none was given"))
    try:
        record = read_rr(path)
    except ValueError as exc:
        paths = (str(path), str(Path(path).resolve()))
        message: str = str(exc).replace(paths[0], label).replace(paths[1], label)
        message = message.removeprefix(f"{label}: ").removeprefix("RR file ").rstrip(".")
        if isinstance(exc, RRTextError):  # the same sentence, kept translatable, when it reads the same
            problem = exc.problem
            named = Said(problem.template, {k: label if v in paths else v for k, v in problem.values.items()})
            if named == message:
                message = named
        line = re.search(r"\bline (\d+)", message)
        where: str = whole_file() if line is None else at_line(int(line.group(1)))
        if line is not None and where != f"line {line.group(1)}":  # a "line 007" in a name, say
            where = f"line {line.group(1)}"
        raise RRFileError(label, where, message) from None
    digest = hashlib.sha256(record.rr_ms.tobytes()).hexdigest()
    yield BeatSeries(start=when, rr_ms=record.rr_ms, source="rr_file", device="",
                     key=natural_key("rr_file", when, digest))
