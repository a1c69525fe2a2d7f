"""Read PhysioNet WFDB records: the ``.hea`` header, format 212 or 16 signal files, ``.atr`` labels.

Only the parts of WFDB that single-lead heart-rhythm work needs are implemented, with numpy and
no third-party WFDB package: single-segment records, one sample per signal per frame, formats 212
(two 12-bit samples in three bytes, as in the MIT-BIH databases) and 16 (16-bit little-endian).
Anything else is refused with a ``ValueError`` that names what was found.

References
----------
.. [1] Moody GB. WFDB Applications Guide and the ``header(5)``, ``signal(5)`` and
   ``annot(5)`` manual pages. PhysioNet. https://physionet.org/physiotools/wag/
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from attune.importers.types import EcgRecord
from attune.words import _

__all__ = [
    "BEAT_SYMBOLS",
    "Annotations",
    "WfdbHeader",
    "WfdbLead",
    "WfdbRecord",
    "WfdbSignalSpec",
    "load",
    "open_lead",
    "read_annotations",
    "read_header",
    "read_record",
]

PathLike = str | os.PathLike[str]

#: Annotation symbols that mark a beat (the MIT-BIH beat labels); rhythm marks, noise
#: marks and comments ('+', '~', '|', '"', ...) are not beats.
BEAT_SYMBOLS: frozenset[str] = frozenset("NLRBAaJSVrFejnE/fQ?")

# Annotation codes 0..41 and their mnemonics, from the WFDB ``ecgcodes.h`` table.
_CODE_SYMBOLS: dict[int, str] = {
    0: "",
    1: "N",
    2: "L",
    3: "R",
    4: "a",
    5: "V",
    6: "F",
    7: "J",
    8: "A",
    9: "S",
    10: "E",
    11: "j",
    12: "/",
    13: "Q",
    14: "~",
    16: "|",
    18: "s",
    19: "T",
    20: "*",
    21: "D",
    22: '"',
    23: "=",
    24: "p",
    25: "B",
    26: "^",
    27: "t",
    28: "+",
    29: "u",
    30: "?",
    31: "!",
    32: "[",
    33: "]",
    34: "e",
    35: "n",
    36: "@",
    37: "x",
    38: "f",
    39: "(",
    40: ")",
    41: "r",
}
_SKIP, _NUM, _SUB, _CHN, _AUX = 59, 60, 61, 62, 63
_SUPPORTED_FORMATS = (16, 212)


@dataclass(frozen=True)
class WfdbSignalSpec:
    """One signal line of a WFDB header."""

    file_name: str
    fmt: int
    byte_offset: int
    gain_adu_per_unit: float
    baseline_adu: int
    units: str
    adc_resolution_bits: int
    adc_zero: int
    initial_value: int | None
    checksum: int | None
    description: str


@dataclass(frozen=True)
class WfdbHeader:
    """A parsed WFDB ``.hea`` header (single-segment records only)."""

    record_name: str
    fs_hz: float
    n_samples: int | None
    signals: tuple[WfdbSignalSpec, ...]
    comments: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class WfdbRecord:
    """All signals of a record in physical units, one column per signal."""

    header: WfdbHeader
    signals: npt.NDArray[np.float64]

    @property
    def fs_hz(self) -> float:
        """Sampling rate of every signal."""
        return self.header.fs_hz

    @property
    def labels(self) -> tuple[str, ...]:
        """Signal descriptions (lead names such as ``"MLII"``)."""
        return tuple(s.description for s in self.header.signals)


@dataclass(frozen=True, eq=False)
class Annotations:
    """Labels from a WFDB annotation file such as ``100.atr``.

    Attributes
    ----------
    samples : ndarray of int64
        Sample number of each annotation, non-decreasing.
    symbols : tuple of str
        Mnemonic of each annotation (``"N"``, ``"V"``, ``"+"``, ...).
    aux : tuple of str
        Auxiliary text of each annotation (rhythm names such as ``"(AFIB"``), or ``""``.
    """

    samples: npt.NDArray[np.int64]
    symbols: tuple[str, ...]
    aux: tuple[str, ...]

    @property
    def is_beat(self) -> npt.NDArray[np.bool_]:
        """Mask of the annotations that label a beat (see :data:`BEAT_SYMBOLS`)."""
        return np.array([s in BEAT_SYMBOLS for s in self.symbols], dtype=bool)

    @property
    def beat_samples(self) -> npt.NDArray[np.int64]:
        """Sample numbers of the beat annotations only."""
        return self.samples[self.is_beat]


def _record_base(path: PathLike) -> Path:
    p = Path(path)
    if p.suffix in {".hea", ".dat", ".atr"}:
        return p.with_suffix("")
    return p


def _parse_int(token: str, what: str, where: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise ValueError(_("%(where)s: %(what)s should be an integer, got %(token)s", where=where, what=what,
                           token=repr(token))) from None


def _parse_signal_line(tokens: list[str], where: str) -> WfdbSignalSpec:
    if len(tokens) < 2:
        raise ValueError(_("%(where)s: a signal line needs at least a file name and a format, got %(line)s",
                           where=where, line=repr(" ".join(tokens))))
    file_name = tokens[0]
    fmt_field = tokens[1]
    byte_offset = 0
    if "+" in fmt_field:
        fmt_field, offset_text = fmt_field.split("+", 1)
        byte_offset = _parse_int(offset_text, _("the byte offset"), where)
    if ":" in fmt_field:
        fmt_field = fmt_field.split(":", 1)[0]  # skew: not used for beat detection
    if "x" in fmt_field:
        fmt_field, spf_text = fmt_field.split("x", 1)
        if _parse_int(spf_text, _("samples per frame"), where) != 1:
            raise ValueError(_("%(where)s: more than one sample per frame is not supported", where=where))
    fmt = _parse_int(fmt_field, _("the storage format"), where)
    if fmt not in _SUPPORTED_FORMATS:
        raise ValueError(_("%(where)s: WFDB storage format %(format)d is not supported (supported: 212 and 16)",
                           where=where, format=fmt))

    gain = 200.0
    baseline: int | None = None
    units = "mV"
    if len(tokens) > 2:
        gain_field = tokens[2]
        if "/" in gain_field:
            gain_field, units = gain_field.split("/", 1)
        if "(" in gain_field:
            if not gain_field.endswith(")"):
                message = _("%(where)s: cannot read the gain field %(field)s", where=where, field=repr(tokens[2]))
                raise ValueError(message)
            gain_field, base_text = gain_field[:-1].split("(", 1)
            baseline = _parse_int(base_text, _("the baseline"), where)
        try:
            gain = float(gain_field)
        except ValueError:
            raise ValueError(_("%(where)s: the gain should be a number, got %(field)s", where=where,
                               field=repr(tokens[2]))) from None
        if gain == 0.0:
            gain = 200.0  # WFDB: a zero gain means "uncalibrated", read with the default gain
    adc_res = _parse_int(tokens[3], _("the ADC resolution"), where) if len(tokens) > 3 else 12
    adc_zero = _parse_int(tokens[4], _("the ADC zero"), where) if len(tokens) > 4 else 0
    init_val = _parse_int(tokens[5], _("the initial value"), where) if len(tokens) > 5 else None
    checksum = _parse_int(tokens[6], _("the checksum"), where) if len(tokens) > 6 else None
    description = " ".join(tokens[8:]) if len(tokens) > 8 else ""
    return WfdbSignalSpec(
        file_name=file_name,
        fmt=fmt,
        byte_offset=byte_offset,
        gain_adu_per_unit=gain,
        baseline_adu=adc_zero if baseline is None else baseline,
        units=units,
        adc_resolution_bits=adc_res,
        adc_zero=adc_zero,
        initial_value=init_val,
        checksum=checksum,
        description=description,
    )


def read_header(path: PathLike) -> WfdbHeader:
    """Parse a WFDB header file.

    Parameters
    ----------
    path : str or path-like
        The record, with or without the ``.hea`` suffix.

    Returns
    -------
    WfdbHeader

    Raises
    ------
    ValueError
        If the file is missing, is a multi-segment header, or a field cannot be read.
    """
    hea = _record_base(path).with_suffix(".hea")
    try:
        text = hea.read_text(encoding="latin-1")
    except FileNotFoundError:
        raise ValueError(_("WFDB header %(file)s does not exist", file=str(hea))) from None
    lines: list[str] = []
    comments: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            comments.append(line[1:].strip())
            continue
        lines.append(line.split("#", 1)[0].strip())
    if not lines:
        raise ValueError(_("%(file)s: no record line found; is this a WFDB header?", file=str(hea)))
    rec = lines[0].split()
    where = _("%(file)s record line", file=hea.name)
    if len(rec) < 2:
        raise ValueError(_("%(where)s: expected 'name n_signals [fs [n_samples]]', got %(line)s", where=where,
                           line=repr(lines[0])))
    if "/" in rec[0]:
        raise ValueError(_("%(where)s: multi-segment records are not supported", where=where))
    n_sig = _parse_int(rec[1], _("the number of signals"), where)
    if n_sig < 1:
        raise ValueError(_("%(where)s: the record has no signals", where=where))
    fs_hz = 250.0
    if len(rec) > 2:
        fs_text = rec[2].split("/", 1)[0].split("(", 1)[0]
        try:
            fs_hz = float(fs_text)
        except ValueError:
            raise ValueError(_("%(where)s: the sampling rate should be a number, got %(rate)s", where=where,
                               rate=repr(rec[2]))) from None
        if not np.isfinite(fs_hz) or fs_hz <= 0:
            raise ValueError(_("%(where)s: the sampling rate must be positive, got %(rate)s", where=where,
                               rate=repr(rec[2])))
    n_samples = _parse_int(rec[3], _("the number of samples"), where) if len(rec) > 3 else None
    if n_samples is not None and n_samples < 0:
        raise ValueError(_("%(where)s: the number of samples cannot be negative", where=where))
    if len(lines) - 1 < n_sig:
        raise ValueError(_(
            "%(file)s: the record line announces %(n)d signals but %(lines)d signal lines follow", file=hea.name,
            n=n_sig, lines=len(lines) - 1,
        ))
    specs = tuple(
        _parse_signal_line(lines[1 + k].split(), _("%(file)s signal %(n)d", file=hea.name, n=k + 1))
        for k in range(n_sig)
    )
    return WfdbHeader(
        record_name=rec[0],
        fs_hz=fs_hz,
        n_samples=n_samples,
        signals=specs,
        comments=tuple(comments),
    )


def _decode(raw: bytes, fmt: int) -> npt.NDArray[np.int64]:
    if fmt == 16:
        usable = len(raw) - len(raw) % 2
        return np.frombuffer(raw[:usable], dtype="<i2").astype(np.int64)
    # Format 212: each three bytes hold two 12-bit two's-complement samples.
    b = np.frombuffer(raw, dtype=np.uint8).astype(np.int64)
    n_triples = b.size // 3
    tail = b.size - 3 * n_triples
    tri = b[: 3 * n_triples].reshape(-1, 3)
    out = np.empty(2 * n_triples + (1 if tail >= 2 else 0), dtype=np.int64)
    out[0 : 2 * n_triples : 2] = tri[:, 0] | ((tri[:, 1] & 0x0F) << 8)
    out[1 : 2 * n_triples : 2] = tri[:, 2] | ((tri[:, 1] & 0xF0) << 4)
    if tail >= 2:
        out[-1] = b[-2] | ((b[-1] & 0x0F) << 8)
    out[out >= 2048] -= 4096
    return out


def read_record(path: PathLike) -> WfdbRecord:
    """Read every signal of a WFDB record into physical units.

    Parameters
    ----------
    path : str or path-like
        The record, with or without a ``.hea`` or ``.dat`` suffix.

    Returns
    -------
    WfdbRecord
        Samples as ``(value - baseline) / gain``; the WFDB "invalid sample" code becomes NaN.

    Raises
    ------
    ValueError
        If a signal file is missing or shorter than the header says, or its checksum differs.
    """
    base = _record_base(path)
    header = read_header(base)
    # Signals stored in one file are interleaved frame by frame.
    groups: dict[str, list[int]] = {}
    for k, spec in enumerate(header.signals):
        groups.setdefault(spec.file_name, []).append(k)
    columns: dict[int, npt.NDArray[np.int64]] = {}
    n_frames: int | None = header.n_samples
    for file_name, members in groups.items():
        specs = [header.signals[k] for k in members]
        if len({(s.fmt, s.byte_offset) for s in specs}) != 1:
            raise ValueError(_("%(file)s: signals sharing a file must share format and byte offset", file=file_name))
        dat = base.parent / file_name
        try:
            raw = dat.read_bytes()[specs[0].byte_offset :]
        except FileNotFoundError:
            raise ValueError(_("WFDB signal file %(file)s does not exist", file=str(dat))) from None
        values = _decode(raw, specs[0].fmt)
        available = values.size // len(members)
        if n_frames is None:
            n_frames = available
        if available < n_frames:
            raise ValueError(_("%(file)s holds %(n)d frames but the header announces %(announced)d", file=dat.name,
                               n=available, announced=n_frames))
        frames = values[: n_frames * len(members)].reshape(n_frames, len(members))
        for j, k in enumerate(members):
            columns[k] = frames[:, j]
    assert n_frames is not None  # every record has at least one signal file
    out = np.empty((n_frames, len(header.signals)), dtype=np.float64)
    for k, spec in enumerate(header.signals):
        adu = columns[k]
        if spec.checksum is not None and n_frames > 0:
            _verify_checksum(int(adu.sum()), spec, k)
        out[:, k] = _physical(adu, spec, -2048 if spec.fmt == 212 else -32768)
    return WfdbRecord(header=header, signals=out)


@dataclass(frozen=True)
class WfdbLead:
    """One signal of a WFDB record, read from its file block by block (see :func:`open_lead`).

    Only this signal's samples are decoded, into 16-bit integers (the width they are stored
    in); each block is turned into physical units on its own, so reading a day of ECG needs
    memory for one block, not for the record.
    """

    path: Path
    header: WfdbHeader
    index: int
    n_samples: int

    @property
    def spec(self) -> WfdbSignalSpec:
        """The header line of this signal."""
        return self.header.signals[self.index]

    @property
    def fs_hz(self) -> float:
        """Sampling rate."""
        return self.header.fs_hz

    def adc_blocks(self, block_samples: int = 1 << 18) -> Iterator[npt.NDArray[np.int16]]:
        """The stored values, ``block_samples`` at a time, as int16; the checksum is verified at the end.

        Raises
        ------
        ValueError
            If the file ends early or the checksum differs (raised after the last block).
        """
        spec = self.spec
        members = [k for k, s in enumerate(self.header.signals) if s.file_name == spec.file_name]
        stride, column = len(members), members.index(self.index)
        dat = self.path.parent / spec.file_name
        total = 0
        with dat.open("rb") as fh:
            for first in range(0, self.n_samples, block_samples):
                count = min(block_samples, self.n_samples - first)
                adc = _read_frames(fh, spec, first, count, stride, column, dat.name)
                total += int(adc.sum(dtype=np.int64))
                yield adc
        if spec.checksum is not None and self.n_samples > 0:
            _verify_checksum(total, spec, self.index)

    def blocks(self, block_samples: int = 1 << 18) -> Iterator[npt.NDArray[np.float64]]:
        """The samples in physical units, block by block; the invalid-sample code becomes NaN."""
        invalid = -2048 if self.spec.fmt == 212 else -32768
        for adc in self.adc_blocks(block_samples):
            yield _physical(adc, self.spec, invalid)


def _physical(adc: npt.NDArray[np.integer], spec: WfdbSignalSpec, invalid: int) -> npt.NDArray[np.float64]:
    out = (adc - np.float64(spec.baseline_adu)) / spec.gain_adu_per_unit
    out[adc == invalid] = np.nan
    return out


def _verify_checksum(total: int, spec: WfdbSignalSpec, k: int) -> None:
    total &= 0xFFFF
    if total >= 0x8000:
        total -= 0x10000
    if total != spec.checksum:
        raise ValueError(_(
            "%(file)s signal %(n)d (%(signal)s): checksum %(total)d does not match the header's %(checksum)s; "
            "the file is damaged or truncated", file=spec.file_name, n=k + 1,
            signal=spec.description or _("unnamed"), total=total, checksum=str(spec.checksum),
        ))


def _read_frames(
    fh: BinaryIO, spec: WfdbSignalSpec, first: int, count: int, stride: int, column: int, name: str
) -> npt.NDArray[np.int16]:
    """Decode ``count`` samples of one signal from frame ``first`` on, reading only the bytes they span."""
    s0 = first * stride + column  # index of the first wanted sample in the file's interleaved stream
    s1 = (first + count - 1) * stride + column
    if spec.fmt == 16:
        fh.seek(spec.byte_offset + 2 * s0)
        raw = fh.read(2 * (s1 - s0 + 1))
        if len(raw) < 2 * (s1 - s0 + 1):
            raise ValueError(_("%(file)s ends before the %(n)d frames the header announces", file=name,
                               n=first + count))
        return np.frombuffer(raw, dtype="<i2")[::stride].astype(np.int16)
    # Format 212: samples 2p and 2p + 1 of the stream share the three bytes 3p .. 3p + 2.
    p0, p1 = s0 // 2, s1 // 2
    needed = 3 * (p1 - p0) + (2 if s1 % 2 == 0 else 3)  # an even last sample needs two of its three bytes
    fh.seek(spec.byte_offset + 3 * p0)
    b = np.frombuffer(fh.read(3 * (p1 - p0 + 1)), dtype=np.uint8)
    if b.size < needed:
        raise ValueError(_("%(file)s ends before the %(n)d frames the header announces", file=name, n=first + count))
    if stride == 2 and s0 % 2 == 0:
        # Two signals in the file (as in MIT-BIH): each frame is exactly three bytes.
        frames = b[: 3 * count].reshape(count, 3).astype(np.int16)
        low, high = (frames[:, 0], frames[:, 1] & 0x0F) if column == 0 else (frames[:, 2], (frames[:, 1] & 0xF0) >> 4)
        pair: npt.NDArray[np.int16] = low | (high << 8)
        pair[pair >= 2048] -= 4096
        return pair
    wanted = np.arange(s0, s1 + 1, stride)
    at = 3 * (wanted // 2 - p0)
    even = wanted % 2 == 0
    low = b[np.where(even, at, at + 2)].astype(np.int16)
    mid = b[at + 1].astype(np.int16)
    high = np.where(even, mid & 0x0F, (mid & 0xF0) >> 4)
    out = low | (high << 8)
    out[out >= 2048] -= 4096
    return out


def open_lead(path: PathLike, *, lead: str | int | None = None) -> WfdbLead:
    """One signal of a WFDB record, to be read block by block.

    Parameters
    ----------
    path : str or path-like
        The record, with or without a ``.hea`` or ``.dat`` suffix.
    lead : str or int, optional
        The signal description (``"MLII"``) or zero-based index. By default the first signal.

    Raises
    ------
    ValueError
        If the lead is not in the record, or the signal file is missing.
    """
    base = _record_base(path)
    header = read_header(base)
    labels = tuple(s.description for s in header.signals)
    if lead is None:
        k = 0
    elif isinstance(lead, int):
        if not 0 <= lead < len(labels):
            raise ValueError(_("lead index %(lead)d is out of range; the record has %(n)d signals", lead=lead,
                               n=len(labels)))
        k = lead
    else:
        if lead not in labels:
            raise ValueError(_("lead %(lead)s is not in the record; it has %(leads)s", lead=repr(lead),
                               leads=", ".join(map(repr, labels))))
        k = labels.index(lead)
    spec = header.signals[k]
    dat = base.parent / spec.file_name
    if not dat.exists():
        raise ValueError(_("WFDB signal file %(file)s does not exist", file=str(dat)))
    n = header.n_samples
    if n is None:
        stride = sum(1 for s in header.signals if s.file_name == spec.file_name)
        size = dat.stat().st_size - spec.byte_offset
        n = (size // 2 if spec.fmt == 16 else (2 * size) // 3) // stride
    return WfdbLead(path=base.with_suffix(".hea"), header=header, index=k, n_samples=n)


def load(path: PathLike, *, lead: str | int | None = None) -> EcgRecord:
    """Read one lead of a WFDB record, whole, as an :class:`EcgRecord`.

    ``path`` and ``lead`` are as for :func:`open_lead`; only this signal is decoded.
    """
    chosen = open_lead(path, lead=lead)
    signal = np.concatenate(list(chosen.blocks())) if chosen.n_samples else np.empty(0)
    return EcgRecord(
        signal=signal,
        fs_hz=chosen.fs_hz,
        t_s=None,
        source=f"wfdb:{_record_base(path).name}",
        units=chosen.spec.units,
        label=chosen.spec.description,
    )


def read_annotations(path: PathLike) -> Annotations:
    """Read a WFDB annotation file in the MIT format (such as ``100.atr``).

    Parameters
    ----------
    path : str or path-like
        The annotation file.

    Returns
    -------
    Annotations
        Sample numbers, symbols and auxiliary text. Use :attr:`Annotations.beat_samples`
        for the beats only.

    Raises
    ------
    ValueError
        If the file is missing, truncated, or uses an unknown annotation code.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ValueError(_("annotation file %(file)s does not exist", file=str(p))) from None
    words = np.frombuffer(data[: len(data) - len(data) % 2], dtype="<u2").tolist()
    samples: list[int] = []
    symbols: list[str] = []
    aux: list[str] = []
    t = 0
    i = 0
    n = len(words)
    while i < n:
        w = words[i]
        code, value = w >> 10, w & 0x3FF
        if code == 0 and value == 0:
            break
        if code == _SKIP:
            if i + 2 >= n:
                raise ValueError(_("%(file)s: truncated inside a SKIP record at byte %(byte)d", file=p.name,
                                   byte=2 * i))
            interval = (words[i + 1] << 16) | words[i + 2]
            if interval >= 1 << 31:
                interval -= 1 << 32
            t += interval
            i += 3
            continue
        if code in (_NUM, _SUB, _CHN):
            i += 1
            continue
        if code == _AUX:
            start = 2 * (i + 1)
            if start + value > len(data):
                raise ValueError(_("%(file)s: truncated inside an auxiliary text at byte %(byte)d", file=p.name,
                                   byte=start))
            if aux:
                aux[-1] = data[start : start + value].split(b"\x00", 1)[0].decode("latin-1")
            i += 1 + (value + 1) // 2
            continue
        if code not in _CODE_SYMBOLS:
            raise ValueError(_("%(file)s: unknown annotation code %(code)d at byte %(byte)d", file=p.name, code=code,
                               byte=2 * i))
        t += value
        samples.append(t)
        symbols.append(_CODE_SYMBOLS[code])
        aux.append("")
        i += 1
    return Annotations(samples=np.asarray(samples, dtype=np.int64), symbols=tuple(symbols), aux=tuple(aux))
