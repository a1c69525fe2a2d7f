"""The errors the export readers raise: each names the file and the place in it."""

from __future__ import annotations

from attune.words import Said, _

__all__ = [
    "AppleHealthError",
    "EliteHrvError",
    "FitFileError",
    "Hrv4TrainingError",
    "ImportFormatError",
    "OuraError",
    "RRFileError",
    "UnsafeArchiveError",
    "WhoopError",
    "at_byte",
    "at_line",
    "whole_file",
]


class ImportFormatError(ValueError):
    """A file that cannot be read as the export it should be.

    Attributes
    ----------
    file : str
        The file's name (never a server path).
    where : str
        The place: ``"line 12"``, ``"record 3 (line 40)"``, ``"byte 1024"``, or ``"file"`` when the
        problem is the whole file.
    message : str
        What is wrong, in plain words.
    said : attune.words.Said
        The whole sentence (``"<file>: <where>: <message>"``, also the exception's text), which
        remembers its template and values: the place and the message are themselves
        :class:`~attune.words.Said` when the reader wrote them with ``attune.words._``, so the web
        layer can say all of it in the reader's language.
    """

    def __init__(self, file: str, where: str, message: str) -> None:
        self.file = file
        self.where = where
        self.message = message
        self.said = _("%(file)s: %(where)s: %(message)s", file=file, where=where, message=message)
        super().__init__(self.said)


def whole_file() -> Said:
    """The place when the problem is the whole file: ``"file"``."""
    return _("file")


def at_line(line: int | None) -> Said:
    """The place ``"line 12"``."""
    return _("line %(line)s", line=line)


def at_byte(count: int) -> Said:
    """The place ``"byte 1024"``."""
    return _("byte %(byte)d", byte=count)


class AppleHealthError(ImportFormatError):
    """An Apple Health ``export.zip`` or ``export.xml`` that cannot be read."""


class UnsafeArchiveError(AppleHealthError):
    """A zip refused before reading: unsafe names, too many entries, or too large when unpacked."""


class FitFileError(ImportFormatError):
    """A FIT activity or monitoring file that cannot be read."""


class OuraError(ImportFormatError):
    """An Oura CSV export that cannot be read."""


class WhoopError(ImportFormatError):
    """A Whoop CSV export that cannot be read."""


class EliteHrvError(ImportFormatError):
    """An Elite HRV CSV export that cannot be read."""


class Hrv4TrainingError(ImportFormatError):
    """An HRV4Training CSV export that cannot be read."""


class RRFileError(ImportFormatError):
    """A text file of RR intervals that cannot be read."""
