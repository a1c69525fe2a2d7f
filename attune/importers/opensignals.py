"""Read ECG from an OpenSignals (BITalino, biosignalsplux) text file.

The file starts with header lines beginning with ``#``; one of them is a JSON object keyed by
device address whose entry gives ``"sampling rate"``, the ``"column"`` names, the analog
channel ``"label"`` list and the matching ``"sensor"`` list. Data rows follow, separated by
tabs. The ECG is the analog column whose sensor is named ``ECG``, kept as raw converter counts
(``units="adc"``). The first column, ``nSeq``, counts samples modulo 16; a jump in it means
the device dropped samples, and the times of the samples around the gap are then kept in
``t_s``.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any

import numpy as np
import numpy.typing as npt

from attune.importers._text import data_lines, read_ecg_text
from attune.importers.types import EcgRecord
from attune.words import _

__all__ = ["load", "parse"]

_MIN_ROWS = 2


def _device_header(header_lines: list[str], name: str) -> dict[str, Any]:
    for line in header_lines:
        body = line.lstrip("#").strip()
        if not body.startswith("{"):
            continue
        try:
            parsed = json.loads(body)
        except json.JSONDecodeError as exc:
            raise ValueError(_("%(file)s: the JSON header cannot be read (%(why)s at column %(column)d)", file=name,
                               why=exc.msg, column=exc.colno)) from None
        if not isinstance(parsed, dict) or not parsed:
            break
        devices = [v for v in parsed.values() if isinstance(v, dict)]
        if not devices:
            break
        for device in devices:
            sensors = device.get("sensor", [])
            if isinstance(sensors, list) and any(str(s).upper().startswith("ECG") for s in sensors):
                return device
        return devices[0]
    raise ValueError(
        _("%(file)s: no OpenSignals JSON header found (a '# {...}' line with the sampling rate)", file=name)
    )


def parse(text: str, *, name: str = "<text>") -> EcgRecord:
    """Parse the text of an OpenSignals file and return its ECG channel.

    Parameters
    ----------
    text : str
        The whole OpenSignals export, header lines included.
    name : str
        The file name, for messages; ``EcgRecord.source`` becomes ``opensignals:<name>``.

    Raises
    ------
    ValueError
        If the header is missing or lacks the sampling rate or columns, no ECG channel can be
        told apart, or a data row is malformed.
    """
    lines = text.splitlines()
    header_lines = [line for line in lines if line.startswith("#")]
    if not header_lines:
        raise ValueError(_("%(file)s: no OpenSignals header (lines starting with '#') found", file=name))
    device = _device_header(header_lines, name)
    try:
        fs_hz = float(device["sampling rate"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(_("%(file)s: the header has no usable 'sampling rate'", file=name)) from None
    if not np.isfinite(fs_hz) or fs_hz <= 0:
        raise ValueError(_("%(file)s: the sampling rate must be positive, got %(rate)s", file=name,
                            rate=repr(device["sampling rate"])))
    columns = device.get("column")
    if not isinstance(columns, list) or not columns:
        raise ValueError(_("%(file)s: the header has no 'column' list", file=name))
    columns = [str(c) for c in columns]
    labels = [str(s) for s in device.get("label", [])]
    sensors = [str(s) for s in device.get("sensor", [])]

    ecg_label: str | None = None
    for label, sensor in zip(labels, sensors, strict=False):
        if sensor.upper().startswith("ECG"):
            ecg_label = label
            break
    if ecg_label is None:
        if len(labels) == 1:
            ecg_label = labels[0]
        else:
            raise ValueError(_(
                "%(file)s: no channel is marked as ECG (sensors: %(sensors)s, labels: %(labels)s)", file=name,
                sensors=str(sensors) if sensors else _("none"), labels=str(labels) if labels else _("none"),
            ))
    if ecg_label not in columns:
        raise ValueError(_("%(file)s: the ECG channel %(label)s is not among the columns %(columns)s", file=name,
                            label=repr(ecg_label), columns=str(columns)))
    col = columns.index(ecg_label)

    rows = data_lines(text)
    n_rows = len(rows)
    if n_rows < _MIN_ROWS:
        raise ValueError(_("%(file)s: need at least %(least)d data rows, got %(n)d", file=name, least=_MIN_ROWS,
                           n=n_rows))
    try:
        data = np.loadtxt(io.StringIO(text), comments="#", ndmin=2, dtype=np.float64)
    except ValueError:
        data = _rows_with_messages(rows, columns, name)
    if data.shape[0] and data.shape[1] != len(columns):
        raise ValueError(_("%(file)s: data rows have %(n)d values but the header names %(columns)d columns", file=name,
                            n=data.shape[1], columns=len(columns)))
    if data.shape[0] < _MIN_ROWS:
        raise ValueError(_("%(file)s: need at least %(least)d data rows, got %(n)d", file=name, least=_MIN_ROWS,
                            n=data.shape[0]))
    signal = np.ascontiguousarray(data[:, col])

    t_s = None
    if columns[0].lower() == "nseq":
        seq = data[:, 0].astype(np.int64)
        step = np.mod(np.diff(seq), 16)
        step[step == 0] = 16
        if np.any(step != 1):
            t_s = np.concatenate(([0.0], np.cumsum(step))) / fs_hz

    return EcgRecord(
        signal=signal,
        fs_hz=fs_hz,
        t_s=t_s,
        source=f"opensignals:{name}",
        units="adc",
        label=ecg_label,
    )


def _rows_with_messages(lines: list[tuple[int, str]], columns: list[str], name: str) -> npt.NDArray[np.float64]:
    """Parse numbered data rows (from :func:`data_lines`) one by one, to say which line is wrong."""
    rows: list[list[float]] = []
    for n, line in lines:
        fields = line.split()
        if len(fields) != len(columns):
            raise ValueError(_(
                "%(file)s line %(line)d: expected %(n)d values (%(columns)s), got %(got)d", file=name, line=n,
                n=len(columns), columns=", ".join(columns), got=len(fields),
            ))
        try:
            rows.append([float(f) for f in fields])
        except ValueError:
            raise ValueError(_("%(file)s line %(line)d: values must be numbers, got %(row)s", file=name, line=n,
                                row=repr(line))) from None
    return np.asarray(rows, dtype=np.float64).reshape(-1, len(columns))


def load(path: str | os.PathLike[str]) -> EcgRecord:
    """Read an OpenSignals text file from disk; see :func:`parse`."""
    text, name = read_ecg_text(path, encoding="utf-8", expected=_("an OpenSignals text export"))
    return parse(text, name=name)
