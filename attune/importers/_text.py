"""Helpers shared by the text-based importers: reading a file as text, and its data lines."""

from __future__ import annotations

import os
from pathlib import Path

from attune.words import _

__all__ = ["data_lines", "is_number", "read_ecg_text"]


def read_ecg_text(path: str | os.PathLike[str], *, encoding: str, expected: str) -> tuple[str, str]:
    """Read an ECG text file.

    Parameters
    ----------
    path : str or path-like
        The file.
    encoding : str
        The text encoding to decode it with.
    expected : str
        What the file should hold, for the message when it is not text
        (e.g. ``"rows of time and value"``).

    Returns
    -------
    text : str
        The file's contents.
    name : str
        The file's name, for messages and ``EcgRecord.source``.

    Raises
    ------
    ValueError
        If the file does not exist or cannot be decoded as text.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding=encoding)
    except FileNotFoundError:
        raise ValueError(_("ECG file %(file)s does not exist", file=str(p))) from None
    except UnicodeDecodeError:
        message = _("%(file)s: not a text file; expected %(expected)s", file=p.name, expected=expected)
        raise ValueError(message) from None
    return text, p.name


def data_lines(text: str) -> list[tuple[int, str]]:
    """The non-blank lines that are not ``#`` comments, stripped, with their 1-based line numbers."""
    stripped = ((n, raw.strip()) for n, raw in enumerate(text.splitlines(), start=1))
    return [(n, line) for n, line in stripped if line and not line.startswith("#")]


def is_number(text: str) -> bool:
    """Whether ``float(text)`` accepts `text`."""
    try:
        float(text)
    except ValueError:
        return False
    return True
