"""Validation of client messages for the live websocket (docs/live-protocol.md).

Pure functions: a raw text frame in, a typed message or a :class:`ProtocolError` out.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

MAX_MESSAGE_BYTES = 8 * 1024
MAX_RR_PER_MESSAGE = 16
RR_MIN_MS = 200.0
RR_MAX_MS = 3000.0
MAX_SEQ = 2_147_483_647  # what a PositiveIntegerField holds on every database


class ProtocolError(Exception):
    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra

    def payload(self) -> dict[str, Any]:
        return {"type": "error", "code": self.code, "message": self.message, **self.extra}


@dataclass(frozen=True)
class Beats:
    seq: int
    rr_ms: tuple[float, ...]
    sent_ms: float | None


@dataclass(frozen=True)
class Finish:
    pass


@dataclass(frozen=True)
class Ping:
    sent_ms: float | None


Message = Beats | Finish | Ping


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _optional_ms(obj: dict[str, Any], field: str) -> float | None:
    value = obj.get(field)
    if value is None:
        return None
    if not _is_number(value) or not math.isfinite(value):
        raise ProtocolError("malformed", f"'{field}' must be a finite number of milliseconds.")
    return float(value)


def parse(text: str | None, binary: bytes | None = None) -> Message:
    """Check one frame against the protocol; raise :class:`ProtocolError` with a clear reason."""
    if text is None:
        size = len(binary or b"")
        if size > MAX_MESSAGE_BYTES:
            raise ProtocolError("too_large", f"Messages are at most {MAX_MESSAGE_BYTES} bytes; this one had {size}.")
        raise ProtocolError("malformed", "Send JSON text frames, not binary ones.")
    # Cheap bound first (a character is at least one byte), then the exact UTF-8 size.
    if len(text) > MAX_MESSAGE_BYTES or len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise ProtocolError("too_large", f"Messages are at most {MAX_MESSAGE_BYTES} bytes of JSON.")
    try:
        obj = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise ProtocolError("malformed", "That was not valid JSON (NaN and Infinity are not allowed).") from None
    if not isinstance(obj, dict):
        raise ProtocolError("malformed", "Each message is one JSON object with a 'type'.")
    kind = obj.get("type")
    if kind == "beats":
        return _beats(obj)
    if kind == "finish":
        return Finish()
    if kind == "ping":
        return Ping(sent_ms=_optional_ms(obj, "sent_ms"))
    raise ProtocolError("malformed", "'type' must be one of beats, finish or ping.")


def _beats(obj: dict[str, Any]) -> Beats:
    seq = obj.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= MAX_SEQ:
        raise ProtocolError("malformed", "'seq' must be a whole number from 1 up.")
    rr = obj.get("rr_ms")
    if not isinstance(rr, list) or not 1 <= len(rr) <= MAX_RR_PER_MESSAGE:
        raise ProtocolError("malformed", f"'rr_ms' must be a list of 1 to {MAX_RR_PER_MESSAGE} numbers.", seq=seq)
    values: list[float] = []
    for v in rr:
        if not _is_number(v) or not math.isfinite(v) or not RR_MIN_MS <= v <= RR_MAX_MS:
            raise ProtocolError(
                "malformed", f"Each RR interval must be a number from {RR_MIN_MS:g} to {RR_MAX_MS:g} ms.", seq=seq
            )
        values.append(float(v))
    return Beats(seq=seq, rr_ms=tuple(values), sent_ms=_optional_ms(obj, "sent_ms"))
