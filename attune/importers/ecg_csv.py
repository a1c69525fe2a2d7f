"""Read ECG from a two-column text table: the time of each sample and its value.

The delimiter may be a comma, semicolon, tab or spaces; a header row is optional. Time is in
seconds or milliseconds: a header naming the unit (``time_ms``, ``t [s]``) decides, otherwise
a median step of 0.5 or more is read as milliseconds (ECG is sampled at 100 Hz or faster, so a
step of half a second or more cannot be seconds). Evenly spaced times, up to the precision they
were written with, give a plain sampling rate; anything else is kept sample by sample.
"""

from __future__ import annotations

import os
import re

import numpy as np

from attune.importers._text import data_lines, is_number, read_ecg_text
from attune.importers.types import EcgRecord
from attune.words import _

__all__ = ["load", "parse"]

_MIN_ROWS = 2
_DELIMITERS = (",", ";", "\t")
_MS_HEADER = re.compile(r"(^|[^a-z])(ms|msec|millisec\w*)([^a-z]|$)")
_S_HEADER = re.compile(r"(^|[^a-z])(s|sec|secs|seconds?)([^a-z]|$)")


def _split(line: str, delimiter: str | None) -> list[str]:
    return [f.strip() for f in (line.split(delimiter) if delimiter else line.split())]


def _decimals(text: str) -> int:
    mantissa = text.lower().split("e", 1)[0]
    return len(mantissa.split(".", 1)[1]) if "." in mantissa else 0


def parse(text: str, *, name: str = "<text>") -> EcgRecord:
    """Parse the text of a time,value ECG table.

    Parameters
    ----------
    text : str
        The table's rows, with or without a header row.
    name : str
        The file name, for messages; ``EcgRecord.source`` becomes ``csv:<name>``.

    Returns
    -------
    EcgRecord
        ``t_s`` is set only when the samples are not evenly spaced.

    Raises
    ------
    ValueError
        With the line number, when a row is not two numbers, the times do not increase, or
        there are fewer than two samples.
    """
    lines = data_lines(text)
    if not lines:
        raise ValueError(_("%(file)s: the file is empty; expected rows of time and value", file=name))
    first = lines[0][1]
    delimiter = next((d for d in _DELIMITERS if d in first), None)
    header: list[str] | None = None
    if not all(is_number(f) for f in _split(first, delimiter)[:2]):
        header = [h.lower() for h in _split(first, delimiter)]
        lines = lines[1:]
    times: list[float] = []
    values: list[float] = []
    time_texts: list[str] = []
    for n, line in lines:
        fields = _split(line, delimiter)
        if len(fields) < 2 or fields[1] == "":
            raise ValueError(_("%(file)s line %(line)d: expected two columns (time and value), got %(row)s", file=name,
                                line=n, row=repr(line)))
        try:
            times.append(float(fields[0]))
            values.append(float(fields[1]))
        except ValueError:
            raise ValueError(_("%(file)s line %(line)d: time and value must be numbers, got %(row)s", file=name, line=n,
                                row=repr(line))) from None
        time_texts.append(fields[0])
    if len(times) < _MIN_ROWS:
        raise ValueError(_("%(file)s: need at least %(least)d samples of time and value, got %(n)d", file=name,
                            least=_MIN_ROWS, n=len(times)))
    t = np.asarray(times, dtype=np.float64)
    x = np.asarray(values, dtype=np.float64)
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(x))):
        raise ValueError(_("%(file)s: times and values must be finite numbers", file=name))
    dt = np.diff(t)
    if np.any(dt <= 0):
        k = int(np.flatnonzero(dt <= 0)[0])
        raise ValueError(_(
            "%(file)s: times must increase; row %(row)d (%(time)s) is not after row %(before)d (%(earlier)s)",
            file=name, row=k + 2, time=repr(t[k + 1]), before=k + 1, earlier=repr(t[k]),
        ))

    in_ms: bool | None = None
    if header is not None:
        time_name = header[0]
        if _MS_HEADER.search(time_name):
            in_ms = True
        elif _S_HEADER.search(time_name):
            in_ms = False
    if in_ms is None:
        in_ms = bool(np.median(dt) >= 0.5)
    scale = 1e-3 if in_ms else 1.0
    resolution = 10.0 ** -max(_decimals(s) for s in time_texts)

    step = (t[-1] - t[0]) / (t.size - 1)
    grid = t[0] + step * np.arange(t.size)
    # Rounding moves each time, and the end points that set the grid, by up to half a unit.
    regular = float(np.max(np.abs(t - grid))) <= resolution + 1e-9 * max(abs(t[0]), abs(t[-1]), 1.0)
    t_s = t * scale
    fs_hz = float(1.0 / (step * scale)) if regular else float(1.0 / np.median(dt * scale))
    units = header[1] if header is not None and len(header) > 1 else ""
    unit_match = re.search(r"(?:^|[^a-zµ])(mv|uv|µv|adc)(?:[^a-z]|$)", units)
    return EcgRecord(
        signal=x,
        fs_hz=fs_hz,
        t_s=None if regular else t_s,
        source=f"csv:{name}",
        units={"mv": "mV", "uv": "uV", "µv": "uV", "adc": "adc"}[unit_match.group(1)] if unit_match else "",
        label=header[1] if header is not None and len(header) > 1 else "",
    )


def load(path: str | os.PathLike[str]) -> EcgRecord:
    """Read a time,value ECG table from a file; see :func:`parse`."""
    text, name = read_ecg_text(path, encoding="utf-8-sig", expected=_("rows of time and value"))
    return parse(text, name=name)
