"""RR intervals from text files: one or two columns, or a CSV with a header.

Handled:

- one number per line (RR in ms or s);
- two columns ``time, rr`` (or ``rr, time`` when the header says so), separated
  by commas, semicolons, tabs or spaces;
- a header row naming the columns, such as the Polar H10 export
  ``time_s,hr_bpm,rr_ms`` (rows with an empty RR are skipped).

The unit is taken from the header (``rr_ms``, ``rr_s``, ``ibi (ms)``) when it
says so, otherwise detected from the values: a median below 10 means seconds.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from attune.importers._text import is_number
from attune.words import Said, _

__all__ = ["RRRecord", "RRTextError", "parse_rr_text", "read_rr"]

_RR_NAMES = ("rr", "rri", "rr_interval", "ibi", "nn", "nni", "interval", "rr_ms", "rr_s", "ibi_ms", "ibi_s")
_TIME_NAMES = ("time", "t", "time_s", "timestamp", "seconds", "sec", "time_ms", "t_s")
_PLAUSIBLE_MS = (200.0, 3000.0)


@dataclass(frozen=True, eq=False)
class RRRecord:
    """RR intervals read from a file.

    Attributes
    ----------
    rr_ms : ndarray
        The intervals in ms.
    t_s : ndarray or None
        The time column in s when the file has one (for the Polar export this
        is the notification time, not the beat time); None otherwise.
    unit : {"ms", "s"}
        The unit the file used for RR.
    source : str
        Where it came from.
    """

    rr_ms: npt.NDArray[np.float64]
    t_s: npt.NDArray[np.float64] | None
    unit: Literal["ms", "s"]
    source: str


class RRTextError(ValueError):
    """An RR file that cannot be read.

    Its text is the whole sentence (an :class:`attune.words.Said`); ``problem`` is what is wrong
    without the file's name in front (also a ``Said``), for readers that name the file themselves.
    """

    def __init__(self, said: Said, problem: Said) -> None:
        self.said = said
        self.problem = problem
        super().__init__(said)


def _fail(source: str, problem: Said) -> RRTextError:
    """``"<source>: <problem>."``, or without the full stop when the problem ends with a question."""
    if problem.endswith("?"):
        return RRTextError(_("%(source)s: %(problem)s", source=source, problem=problem), problem)
    return RRTextError(_("%(source)s: %(problem)s.", source=source, problem=problem), problem)


def read_rr(path: str | os.PathLike[str]) -> RRRecord:
    """Read RR intervals from a text file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    RRRecord

    Raises
    ------
    ValueError
        If the file is missing, empty, not numeric, or its values are not
        plausible RR intervals; the message says what was found.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RRTextError(_("RR file %(file)s does not exist.", file=str(p)),
                          _("%(file)s does not exist", file=str(p))) from None
    except UnicodeDecodeError:
        raise _not_text(p) from None
    except IsADirectoryError:
        raise RRTextError(_("%(file)s is a directory, not an RR file.", file=str(p)),
                          _("%(file)s is a directory, not an RR file", file=str(p))) from None
    except OSError as exc:
        why = str(exc.strerror or exc)
        raise RRTextError(_("RR file %(file)s cannot be read: %(why)s.", file=str(p), why=why),
                          _("%(file)s cannot be read: %(why)s", file=str(p), why=why)) from None
    if "\x00" in text:
        raise _not_text(p)
    return parse_rr_text(text, source=str(p))


def _not_text(p: Path) -> RRTextError:
    return RRTextError(_("RR file %(file)s is not a text file.", file=str(p)),
                       _("%(file)s is not a text file", file=str(p)))


def _split(line: str) -> list[str]:
    if "," in line:
        parts = line.split(",")
    elif ";" in line:
        parts = line.split(";")
    elif "\t" in line:
        parts = line.split("\t")
    else:
        parts = line.split()
    return [x.strip().strip('"').strip("'") for x in parts]


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _unit_from_name(name: str) -> Literal["ms", "s"] | None:
    n = _norm(name)
    if n.endswith("_ms") or n.endswith("_msec") or "_ms_" in n or n == "ms":
        return "ms"
    if n.endswith("_s") or n.endswith("_sec") or n.endswith("_seconds") or n == "s":
        return "s"
    return None


def _one_column(text: str) -> npt.NDArray[np.float64] | None:
    """The values of a file that is one plain number per line, or None for anything else.

    numpy's C reader parses a day of intervals in milliseconds, where splitting
    lines in Python takes a tenth of a second; every other layout (a header,
    separators, two columns) is left to the general parser.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an empty file warns; the general parser explains it
        try:
            values = np.loadtxt(io.StringIO(text), dtype=np.float64, comments="#", ndmin=2)
        except ValueError:
            return None
    return values[:, 0] if values.shape[0] > 0 and values.shape[1] == 1 else None


def parse_rr_text(text: str, *, source: str = "<text>") -> RRRecord:
    """Parse the text of an RR file (see :func:`read_rr`)."""
    plain = _one_column(text)
    if plain is not None:
        return _record(plain, None, None, None, source)
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if not lines:
        raise _fail(source, _("the file holds no RR intervals"))
    header: list[str] | None = None
    first = _split(lines[0])
    if not all(is_number(x) for x in first if x):
        header = first
        lines = lines[1:]
    rows = [_split(ln) for ln in lines]
    if not rows:
        raise _fail(source, _("the file has a header but no rows"))
    width = max(len(r) for r in rows)
    rr_col, time_col = _pick_columns(header, width, source)
    if header is None and width == 2:
        rr_col, time_col = _orient_two_columns(rows, source)
    rr_vals: list[float] = []
    t_vals: list[float] = []
    for lineno, row in enumerate(rows, start=2 if header else 1):
        cell = row[rr_col] if rr_col < len(row) else ""
        if cell == "":
            continue
        try:
            rr_vals.append(float(cell))
            if time_col is not None:
                t_vals.append(float(row[time_col]))
        except (ValueError, IndexError):
            raise _fail(source, _("line %(line)d is not numeric: %(row)s", line=lineno,
                                  row=repr(",".join(row)[:60]))) from None
    if not rr_vals:
        raise _fail(source, _("no RR values found"))
    t = np.asarray(t_vals, dtype=np.float64) if time_col is not None else None
    rr_name = header[rr_col] if header else None
    time_name = header[time_col] if header and time_col is not None else None
    return _record(np.asarray(rr_vals, dtype=np.float64), rr_name, t, time_name, source)


def _record(
    rr: npt.NDArray[np.float64],
    rr_name: str | None,
    t: npt.NDArray[np.float64] | None,
    time_name: str | None,
    source: str,
) -> RRRecord:
    """Check the values, settle the units (from the column names or the values) and build the record."""
    if not np.all(np.isfinite(rr)):
        raise _fail(source, _("RR values must be finite numbers"))
    unit = _unit_from_name(rr_name) if rr_name else None
    if unit is None:
        unit = "s" if float(np.median(rr)) < 10.0 else "ms"
    rr_ms = rr * 1000.0 if unit == "s" else rr
    med = float(np.median(rr_ms))
    if np.any(rr_ms <= 0):
        bad = int(np.flatnonzero(rr_ms <= 0)[0])
        raise _fail(source, _(
            "RR intervals must be positive; value %(n)d is %(value)s. "
            "Is this a file of differences or of heart-rate changes?", n=bad + 1, value=f"{rr[bad]:g}",
        ))
    if not _PLAUSIBLE_MS[0] <= med <= _PLAUSIBLE_MS[1]:
        raise _fail(source, _(
            "these do not look like RR intervals (median %(median)s ms; expected 200 to 3000 ms, "
            "all positive). Is this an ECG or a heart-rate file?", median=f"{med:.4g}",
        ))
    if t is not None and time_name is not None and _unit_from_name(time_name) == "ms":
        t = t / 1000.0
    return RRRecord(rr_ms=rr_ms, t_s=t, unit=unit, source=source)


def _orient_two_columns(rows: list[list[str]], source: str) -> tuple[int, int]:
    """Return (rr column, time column): the time column is the one that keeps increasing."""
    try:
        cols = np.array([[float(r[0]), float(r[1])] for r in rows if len(r) == 2], dtype=np.float64)
    except ValueError:
        raise _fail(source, _("the two columns are not all numeric")) from None
    if cols.shape[0] >= 3:
        inc0 = bool(np.all(np.diff(cols[:, 0]) > 0))
        inc1 = bool(np.all(np.diff(cols[:, 1]) > 0))
        if inc1 and not inc0:
            return 0, 1
    return 1, 0


def _pick_columns(header: list[str] | None, width: int, source: str) -> tuple[int, int | None]:
    if header is not None:
        names = [_norm(h) for h in header]
        rr_col = next((i for i, n in enumerate(names) if n in _RR_NAMES), None)
        if rr_col is None:
            rr_col = next((i for i, n in enumerate(names) if n.startswith(("rr", "ibi", "nn"))), None)
        time_col = next((i for i, n in enumerate(names) if n in _TIME_NAMES), None)
        if rr_col is None:
            if len(names) == 1:
                return 0, None
            raise _fail(source, _("no RR column in the header %(header)s (expected a name such as rr_ms)",
                                  header=repr(header)))
        return rr_col, time_col
    if width == 1:
        return 0, None
    if width == 2:
        return 1, 0
    raise _fail(source, _("%(n)d columns without a header; expected one (RR) or two (time, RR)", n=width))
