"""Draw attune's home-screen icons (static/img/icon-*.png) from the same three circles as icon.svg.

Pure standard library (zlib + struct), so anyone can run it again: `python3 scripts/make-icons.py`.
The maskable icon fills its square with the page colour and keeps the mark inside the centre 80 %
(the safe zone a launcher's mask never cuts).
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "attune" / "web" / "static" / "img"
TEAL = (0x2F, 0x6F, 0x6A)
CREAM = (0xF6, 0xF1, 0xEA)
CLAY = (0xE8, 0xB8, 0x9A)
SAMPLES = 4  # per axis, for smooth edges


def colour_at(x: float, y: float, scale: float) -> tuple[int, int, int, int]:
    """The colour at (x, y) in the 64-unit design space of icon.svg, as RGBA; transparent outside."""
    r = math.hypot(x - 32, y - 32) / scale
    if r <= 6:
        return (*CLAY, 255)
    if 16 <= r <= 20:
        return (*CREAM, 255)
    if r <= 30:
        return (*TEAL, 255)
    return (0, 0, 0, 0)


def draw(size: int, *, maskable: bool) -> bytes:
    scale = 0.8 if maskable else 1.0  # maskable: the mark inside the safe zone
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (px + (sx + 0.5) / SAMPLES) * 64 / size
                    y = (py + (sy + 0.5) / SAMPLES) * 64 / size
                    c = colour_at(x, y, scale)
                    if maskable and c[3] == 0:
                        c = (*CREAM, 255)
                    for i in range(4):
                        acc[i] += c[i]
            n = SAMPLES * SAMPLES
            row.extend(round(v / n) for v in acc)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


if __name__ == "__main__":
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
        ("apple-touch-icon.png", 180, True),
    ):
        (OUT / name).write_bytes(draw(size, maskable=maskable))
        print(OUT / name)
