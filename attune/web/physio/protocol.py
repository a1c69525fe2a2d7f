"""Validation of client messages for the live websocket and its HTTP fallback (docs/live-protocol.md).

Pure functions: a raw text frame (or an HTTP upload's body) in, typed messages or a
:class:`ProtocolError` out. The websocket (``attune.web.live.consumers``) and the HTTP beats upload
(``attune.web.physio.views.beats``) both check ``beats`` messages with :func:`parse_beats`, so the
two ways in accept exactly the same beats. Each refusal's sentence is in the active language: a
request's (LocaleMiddleware), or the socket's, which the consumer activates around parsing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

MAX_MESSAGE_BYTES = 8 * 1024
MAX_RR_PER_MESSAGE = 16
RR_MIN_MS = 200.0
RR_MAX_MS = 3000.0
MAX_SEQ = 2_147_483_647  # what a PositiveIntegerField holds on every database
# The HTTP upload of a browser's unacknowledged buffer (POST /physio/recordings/<id>/beats/).
MAX_UPLOAD_MESSAGES = 600
MAX_UPLOAD_BYTES = 256 * 1024


class ProtocolError(Exception):
    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra

    def payload(self) -> dict[str, Any]:
        return {"type": "error", "code": self.code, "message": self.message, **self.extra}


def refusal(status: str, *, expected_seq: int, seq: int | None = None) -> ProtocolError:
    """Why a ``beats`` message was not stored, as the websocket and the HTTP upload both say it.

    ``status`` is an append's outcome (``physio.actions.AppendResult.status``): ``closed``,
    ``out_of_order``, ``full`` or ``missing``; ``expected_seq`` is the next message the server can store.
    """
    extra: dict[str, Any] = {} if seq is None else {"seq": seq}
    if status == "out_of_order":
        return ProtocolError(
            "out_of_order",
            gettext("Expected message %(n)s; resend from there.") % {"n": expected_seq},
            expected_seq=expected_seq,
            **extra,
        )
    if status == "missing":
        return ProtocolError("closed", gettext("This recording is gone."), **extra)
    if status == "full":
        return ProtocolError(
            "full",
            gettext("This recording is as long as one recording can be; finish it and start a new one to keep going."),
            expected_seq=expected_seq,
            **extra,
        )
    if status == "closed":
        return ProtocolError("closed", gettext("This recording is finished; start a new one to keep going."), **extra)
    raise ValueError(f"{status!r} is not a refusal")


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
    """A JSON number that fits a float: an int of hundreds of digits is not one (float() overflows)."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return False
    return isinstance(x, float) or abs(x) <= _LARGEST_INT


_LARGEST_INT = 2**53  # beyond this an int is not a plausible millisecond count, and far below float's range


def _optional_ms(obj: dict[str, Any], field: str) -> float | None:
    value = obj.get(field)
    if value is None:
        return None
    if not _is_number(value) or not math.isfinite(value):
        raise ProtocolError(
            "malformed", gettext("'%(field)s' must be a finite number of milliseconds.") % {"field": field}
        )
    return float(value)


def decode_json(raw: str | bytes) -> Any:
    """JSON text (or UTF-8 bytes) to Python; NaN, Infinity and invalid JSON are ``malformed``."""
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise ProtocolError(
            "malformed", gettext("That was not valid JSON (NaN and Infinity are not allowed).")
        ) from None


def parse(text: str | None, binary: bytes | None = None) -> Message:
    """Check one frame against the protocol; raise :class:`ProtocolError` with a clear reason."""
    if text is None:
        size = len(binary or b"")
        if size > MAX_MESSAGE_BYTES:
            raise ProtocolError(
                "too_large",
                gettext("Messages are at most %(n)s bytes; this one had %(size)s.")
                % {"n": MAX_MESSAGE_BYTES, "size": size},
            )
        raise ProtocolError("malformed", gettext("Send JSON text frames, not binary ones."))
    # Cheap bound first (a character is at least one byte), then the exact UTF-8 size.
    if len(text) > MAX_MESSAGE_BYTES or len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise ProtocolError(
            "too_large", gettext("Messages are at most %(n)s bytes of JSON.") % {"n": MAX_MESSAGE_BYTES}
        )
    obj = decode_json(text)
    if not isinstance(obj, dict):
        raise ProtocolError("malformed", gettext("Each message is one JSON object with a 'type'."))
    kind = obj.get("type")
    if kind == "beats":
        return parse_beats(obj)
    if kind == "finish":
        return Finish()
    if kind == "ping":
        return Ping(sent_ms=_optional_ms(obj, "sent_ms"))
    raise ProtocolError("malformed", gettext("'type' must be one of beats, finish or ping."))


def parse_beats(obj: object) -> Beats:
    """Check one ``beats`` message, already decoded from JSON: ``seq``, ``rr_ms``, optional ``sent_ms``.

    ``type`` may be left out (the HTTP upload's messages need none); if given it must be ``beats``.
    """
    if not isinstance(obj, dict):
        raise ProtocolError("malformed", gettext("Each message is one JSON object."))
    if obj.get("type", "beats") != "beats":
        raise ProtocolError("malformed", gettext("Only 'beats' messages carry RR intervals."))
    seq = obj.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= MAX_SEQ:
        raise ProtocolError("malformed", gettext("'seq' must be a whole number from 1 up."))
    rr = obj.get("rr_ms")
    if not isinstance(rr, list) or not 1 <= len(rr) <= MAX_RR_PER_MESSAGE:
        raise ProtocolError(
            "malformed", gettext("'rr_ms' must be a list of 1 to %(n)s numbers.") % {"n": MAX_RR_PER_MESSAGE}, seq=seq
        )
    values: list[float] = []
    for v in rr:
        if not _is_number(v) or not math.isfinite(v) or not RR_MIN_MS <= v <= RR_MAX_MS:
            raise ProtocolError(
                "malformed",
                gettext("Each RR interval must be a number from %(low)s to %(high)s ms.")
                % {"low": f"{RR_MIN_MS:g}", "high": f"{RR_MAX_MS:g}"},
                seq=seq,
            )
        values.append(float(v))
    return Beats(seq=seq, rr_ms=tuple(values), sent_ms=_optional_ms(obj, "sent_ms"))


def parse_upload(body: bytes) -> tuple[Beats, ...]:
    """Check the body of an HTTP beats upload: ``{"messages": [{"seq": n, "rr_ms": [...]}, ...]}``.

    At most :data:`MAX_UPLOAD_BYTES` bytes and :data:`MAX_UPLOAD_MESSAGES` messages, each checked by
    :func:`parse_beats` exactly as the websocket checks it. The whole body is checked before
    anything is stored, so a bad message anywhere means nothing is stored. Whether the ``seq``
    values fit what is stored is for the caller (``physio.actions.append_in_order``).
    """
    if len(body) > MAX_UPLOAD_BYTES:
        raise ProtocolError(
            "too_large",
            gettext("An upload is at most %(n)s bytes of JSON; this one had %(size)s.")
            % {"n": MAX_UPLOAD_BYTES, "size": len(body)},
        )
    obj = decode_json(body)
    if not isinstance(obj, dict) or not isinstance(obj.get("messages"), list):
        raise ProtocolError("malformed", gettext("Send one JSON object with a list of 'messages'."))
    raw = obj["messages"]
    if len(raw) > MAX_UPLOAD_MESSAGES:
        raise ProtocolError(
            "too_large",
            gettext("An upload carries at most %(n)s messages; this one had %(size)s.")
            % {"n": MAX_UPLOAD_MESSAGES, "size": len(raw)},
        )
    if not raw:
        raise ProtocolError(
            "malformed", gettext("'messages' must hold 1 to %(n)s messages.") % {"n": MAX_UPLOAD_MESSAGES}
        )
    out: list[Beats] = []
    for i, item in enumerate(raw):
        try:
            out.append(parse_beats(item))
        except ProtocolError as exc:
            message = gettext("Message %(n)s: %(why)s") % {"n": i + 1, "why": exc.message}
            raise ProtocolError(exc.code, message, index=i, **exc.extra) from None
    return tuple(out)
