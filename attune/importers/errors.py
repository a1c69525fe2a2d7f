"""The errors the export readers raise: each names the file and the place in it."""

from __future__ import annotations

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
    """

    def __init__(self, file: str, where: str, message: str) -> None:
        self.file = file
        self.where = where
        self.message = message
        super().__init__(f"{file}: {where}: {message}")


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
