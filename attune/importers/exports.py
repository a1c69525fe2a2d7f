"""One entry point for every export: recognise the format, then stream its records.

The format modules load lazily, so ``attune hrv`` and ``attune.core`` users need neither lxml nor
fitdecode unless they read those formats.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from attune.importers._export import PathArg, ProgressCallback, display_name
from attune.importers.errors import ImportFormatError, whole_file
from attune.importers.records import Imported, Source
from attune.words import _

__all__ = ["SNIFF_BYTES", "detect_format", "read_export", "sniff_format"]

SNIFF_BYTES = 4096


def detect_format(path: PathArg, *, name: str | None = None) -> Source:
    """Which export a file is, from its first bytes (never from its name alone).

    Raises
    ------
    ImportFormatError
        If the file cannot be read or is none of the formats attune reads.
    """
    label = display_name(path, name)
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except FileNotFoundError:
        raise ImportFormatError(label, whole_file(), _("the file does not exist")) from None
    except OSError as exc:
        message = _("the file cannot be read (%(why)s)", why=str(exc.strerror or exc))
        raise ImportFormatError(label, whole_file(), message) from None
    return sniff_format(head, label)


def sniff_format(head: bytes, label: str) -> Source:
    """Which export a file is, from its first 4 KiB (for files inside a zip, which have no path).

    Raises
    ------
    ImportFormatError
        If the bytes begin none of the formats attune reads.
    """
    if head.startswith(b"PK\x03\x04"):
        return "apple_health"
    if len(head) >= 12 and head[8:12] == b".FIT":
        return "fit"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    if text.startswith("<"):
        return "apple_health"
    header = text.split("\n", 1)[0].lower()
    if "cycle start time" in header or "sleep onset" in header:
        return "whoop"
    if any(k in header for k in ("average_hrv", "average hrv", "bedtime_start", "lowest resting heart rate")):
        return "oura"
    if any(k in header for k in ("timestamp_measurement", "rmssd_lying", "hrv4t_recovery_points")):
        return "hrv4training"
    if "datetime" in header and "rmssd" in header:
        return "elite_hrv"
    if text and "\x00" not in text and "\ufffd" not in text:
        return "rr_file"  # any other text: the RR reader says clearly if it holds no intervals
    raise ImportFormatError(
        label, whole_file(),
        _("not an export attune reads: expected an Apple Health export.zip, a FIT file, an Oura, Whoop, "
          "Elite HRV or HRV4Training CSV, or a text file of RR intervals"),
    )


def read_export(
    path: PathArg, *, name: str | None = None, progress: ProgressCallback | None = None, local_tz: tzinfo = UTC,
    start: datetime | None = None, source: Source | None = None,
) -> Iterator[Imported]:
    """Stream the records of any export attune reads.

    Parameters
    ----------
    path : str or path-like
        The uploaded file, on disk.
    name : str, optional
        Its original name, for messages (and for the start time of an RR file named by time); the
        file's own name by default.
    progress : callable, optional
        Called with a :class:`~attune.importers.records.Progress` as the file is read; RR files,
        which are small, are read in one go and report nothing.
    local_tz : tzinfo
        The member's zone, for times a file writes without an offset; UTC by default.
    start : datetime, optional
        When an RR file's first beat fell, if its name does not say.
    source : str, optional
        The format, when already known; detected from the content otherwise.

    Yields
    ------
    Measurement, BeatSeries, HeartRateSeries, MindfulSession, StateOfMind, SleepSession, SleepStage

    Raises
    ------
    ImportFormatError
        A subclass for the format (``AppleHealthError``, ``FitFileError``, ...), naming the file
        and the place.
    """
    kind = source or detect_format(path, name=name)
    if kind == "apple_health":
        from attune.importers.apple_health import read_apple_health

        return read_apple_health(path, name=name, progress=progress)
    if kind == "fit":
        from attune.importers.fit import read_fit

        return read_fit(path, name=name, progress=progress)
    if kind == "rr_file":
        from attune.importers.rr_file import read_rr_file

        return read_rr_file(path, name=name or Path(path).name, start=start, local_tz=local_tz)
    from attune.importers import elite_hrv, hrv4training, oura, whoop

    readers = {
        "oura": oura.read_oura,
        "whoop": whoop.read_whoop,
        "elite_hrv": elite_hrv.read_elite_hrv,
        "hrv4training": hrv4training.read_hrv4training,
    }
    return readers[kind](path, name=name, progress=progress, local_tz=local_tz)
