"""A small FIT file writer, for test fixtures only (attune itself only reads FIT, with fitdecode).

It follows the public FIT protocol description (Garmin's FIT SDK, "Flexible and Interoperable
Data Transfer Protocol"):

- a 14-byte file header: header size (14), protocol version (0x20 = 2.0), profile version
  (uint16), the size of the data records (uint32), the ASCII text ``.FIT``, and a CRC of the
  first 12 bytes;
- data records, each with a one-byte record header. Bit 6 set means a *definition message*,
  which tells how the data messages of one local message type (bits 0-3) are laid out: a
  reserved byte, the architecture (0 = little-endian), the global message number (uint16), the
  number of fields, and for each field its number, its size in bytes and its base type. A
  *data message* (bit 6 clear) then carries the field values in that order;
- a two-byte CRC of everything before it.

All values are little-endian. Invalid values are all bits set (0xFF, 0xFFFF, 0xFFFFFFFF) except
for the ``z`` types, where invalid is zero. Times are seconds since 1989-12-31 00:00 UTC.

Usage::

    w = FitWriter()
    w.message(0, FILE_ID, [(0, ENUM, 4), (1, UINT16, 1), (3, UINT32Z, 1234), (4, UINT32, fit_time(dt))])
    w.message(1, HRV, [(0, UINT16, [812, 790, 0xFFFF, 0xFFFF, 0xFFFF])])
    path.write_bytes(w.to_bytes())
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from datetime import UTC, datetime

# Base types: (code, struct format of one value, size in bytes).
ENUM = (0x00, "B", 1)
UINT8 = (0x02, "B", 1)
UINT16 = (0x84, "H", 2)
UINT32 = (0x86, "I", 4)
UINT32Z = (0x8C, "I", 4)

# Global message numbers from the FIT profile.
FILE_ID = 0
RECORD = 20
EVENT = 21
HRV = 78

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)

_CRC_TABLE = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)

BaseType = tuple[int, str, int]
Field = tuple[int, BaseType, int | Sequence[int]]


def fit_crc(data: bytes, crc: int = 0) -> int:
    """The FIT CRC-16 of ``data``, four bits at a time as the protocol describes it."""
    for byte in data:
        for nibble in (byte & 0x0F, byte >> 4):
            tmp = _CRC_TABLE[crc & 0x0F]
            crc = (crc >> 4) & 0x0FFF
            crc = crc ^ tmp ^ _CRC_TABLE[nibble]
    return crc


def fit_time(when: datetime) -> int:
    """A datetime as FIT seconds since 1989-12-31 00:00 UTC."""
    return int((when - FIT_EPOCH).total_seconds())


class FitWriter:
    """Collects messages and writes a FIT file with correct header and file CRCs."""

    def __init__(self, *, profile_version: int = 2132) -> None:
        self.profile_version = profile_version
        self._body = bytearray()
        self._layouts: dict[int, tuple[int, tuple[tuple[int, int, int], ...]]] = {}

    def message(self, local: int, global_num: int, fields: Sequence[Field]) -> None:
        """Write a data message, preceded by its definition when the layout is new for ``local``."""
        layout = tuple((num, base[0], base[2] * (len(v) if isinstance(v, Sequence) else 1)) for num, base, v in fields)
        if self._layouts.get(local) != (global_num, layout):
            self._layouts[local] = (global_num, layout)
            self._body += bytes([0x40 | local, 0, 0]) + struct.pack("<HB", global_num, len(layout))
            for num, code, size in layout:
                self._body += bytes([num, size, code])
        self._body += bytes([local])
        for _num, base, value in fields:
            values = list(value) if isinstance(value, Sequence) else [value]
            self._body += struct.pack(f"<{len(values)}{base[1]}", *values)

    def raw(self, data: bytes) -> None:
        """Append bytes as they are (to write damaged files on purpose)."""
        self._body += data

    def to_bytes(self) -> bytes:
        """The whole file: header with its CRC, the records, and the file CRC."""
        header = struct.pack("<BBHI4s", 14, 0x20, self.profile_version, len(self._body), b".FIT")
        header += struct.pack("<H", fit_crc(header))
        data = header + bytes(self._body)
        return data + struct.pack("<H", fit_crc(data))
