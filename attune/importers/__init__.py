"""Importers: files in, :mod:`attune.core` inputs out. One module per source format, no Django.

:func:`read_export` streams what a watch, ring, strap or app already recorded (Apple Health,
FIT, Oura, Whoop, Elite HRV, HRV4Training, RR text files) as the records of
:mod:`attune.importers.records`; see ``docs/importers.md``.

:func:`load_ecg` reads one ECG lead from any supported format:

- WFDB records (``.hea`` header with format 212 or 16 ``.dat`` signals), see :mod:`.wfdb`;
- OpenSignals text exports from BITalino and biosignalsplux, see :mod:`.opensignals`;
- tables of time and value (``.csv``, ``.tsv``, ``.txt``), see :mod:`.ecg_csv`.
"""

from __future__ import annotations

import os
from pathlib import Path

from attune.importers import ecg_csv, opensignals, wfdb
from attune.importers.errors import ImportFormatError
from attune.importers.exports import detect_format, read_export
from attune.importers.records import (
    BeatSeries,
    HeartRateSeries,
    Imported,
    Measurement,
    MindfulSession,
    Progress,
    SleepSession,
    SleepStage,
    StateOfMind,
)
from attune.importers.rr_text import RRRecord, read_rr
from attune.importers.types import EcgRecord
from attune.words import _

__all__ = [
    "BeatSeries",
    "EcgRecord",
    "HeartRateSeries",
    "ImportFormatError",
    "Imported",
    "Measurement",
    "MindfulSession",
    "Progress",
    "RRRecord",
    "SleepSession",
    "SleepStage",
    "StateOfMind",
    "detect_format",
    "load_ecg",
    "read_export",
    "read_rr",
]

_WFDB_SUFFIXES = {".hea", ".dat", ".atr"}
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ""}


def _looks_like_opensignals(p: Path) -> bool:
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
    except FileNotFoundError:
        raise ValueError(_("ECG file %(file)s does not exist", file=str(p))) from None
    text = head.decode("utf-8", errors="replace")
    return text.startswith("#") and ("OpenSignals" in text or '"sampling rate"' in text)


def load_ecg(path: str | os.PathLike[str], *, lead: str | int | None = None) -> EcgRecord:
    """Read one ECG lead from a file, recognising its format by suffix and content.

    Parameters
    ----------
    path : str or path-like
        A WFDB record (``100``, ``100.hea`` or ``100.dat``), an OpenSignals text file, or a
        time,value table.
    lead : str or int, optional
        For WFDB records with several signals: the signal name (``"MLII"``) or index.
        The first signal by default. Other formats hold one ECG channel and ignore it.

    Returns
    -------
    EcgRecord

    Raises
    ------
    ValueError
        If the file does not exist, its format is not recognised, or it is malformed; the
        message names the file and what is wrong.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in _WFDB_SUFFIXES or (not p.exists() and p.with_suffix(".hea").exists()):
        return wfdb.load(p, lead=lead)
    if not p.exists():
        raise ValueError(_("ECG file %(file)s does not exist", file=str(p)))
    if p.is_dir():
        raise ValueError(_("%(file)s is a directory, not an ECG file", file=str(p)))
    if _looks_like_opensignals(p):
        return opensignals.load(p)
    if suffix in _TEXT_SUFFIXES:
        return ecg_csv.load(p)
    raise ValueError(_(
        "%(file)s: unknown ECG format %(suffix)s; expected a WFDB record (.hea/.dat), "
        "an OpenSignals text file or a time,value table (.csv, .tsv, .txt)", file=p.name, suffix=repr(suffix),
    ))
