"""Checking what a browser sends to a room's websocket (docs/rooms.md). Pure: text in, a message out.

Every refusal is a :class:`Refused` with a code and a sentence a person can read; the consumer
sends it back as an ``error`` and the socket stays open. The sentence is in the active language:
the consumer parses inside ``translation.override`` of the socket's language.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

MAX_MESSAGE_BYTES = 2048
CONTROL_ACTIONS = ("start", "pause", "resume", "next", "previous", "extend", "stop")
EXTEND_SECONDS = (15, 600)
ANSWERS = ("yes", "not_now")
MAX_RR_PER_MESSAGE = 16
RR_MS = (250.0, 2500.0)  # the live meter's plausible range (docs/hrv.md)


class Refused(Exception):
    """A message (or an action) that changed nothing, with the reason in words."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def payload(self) -> dict[str, Any]:
        return {"type": "error", "code": self.code, "message": self.message}


@dataclass(frozen=True)
class Ping:
    sent_ms: float


@dataclass(frozen=True)
class Control:
    action: str
    seconds: int | None = None


@dataclass(frozen=True)
class Consent:
    item: int
    answer: str


@dataclass(frozen=True)
class Swap:
    pass


@dataclass(frozen=True)
class Remove:
    participant: int


@dataclass(frozen=True)
class Beats:
    """RR intervals from this person's strap (or the demo strap), oldest first."""

    rr_ms: tuple[float, ...]
    demo: bool
    share: bool  # pairs: show my heart rate to my partner


Message = Ping | Control | Consent | Swap | Remove | Beats


def encode(payload: dict[str, Any]) -> str:
    """A message to a screen as the JSON text it is sent as (compact, no NaN or infinity)."""
    return json.dumps(payload, separators=(",", ":"), allow_nan=False)


def group_event(payload: dict[str, Any]) -> dict[str, Any]:
    """A broadcast to a room's group: its text encoded once for every screen, and the two fields
    a screen's consumer looks at before sending it (whose heart it is; who was removed). A
    calibrating ``synchrony`` adds ``reason_kind`` and ``reason_participant``, for each screen to
    word its reason (``consumers.RoomConsumer.room_event``)."""
    return {
        "type": "room.event",
        "text": encode(payload),
        "kind": payload["type"],
        "participant": payload.get("participant"),
    }


def _no_constants(name: str) -> Any:
    raise ValueError(name)


_LARGEST_INT = 2**53  # beyond this an int is no plausible millisecond count, and float() may overflow


def _milliseconds(value: object) -> float | None:
    """A JSON number that is a finite float (an int of hundreds of digits is not one), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) and abs(value) > _LARGEST_INT:
        return None
    return float(value) if math.isfinite(value) else None


def _whole(obj: dict[str, Any], field: str, low: int, high: int) -> int:
    value = obj.get(field)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise Refused(
            "malformed",
            gettext("'%(field)s' must be a whole number from %(low)s to %(high)s.")
            % {"field": field, "low": low, "high": high},
        )
    return value


def parse(text: str | None, binary: bytes | None = None) -> Message:
    if text is None:
        if len(binary or b"") > MAX_MESSAGE_BYTES:
            raise Refused("too_large", gettext("Messages are at most %(n)s bytes.") % {"n": MAX_MESSAGE_BYTES})
        raise Refused("malformed", gettext("Send JSON text frames, not binary ones."))
    if len(text) > MAX_MESSAGE_BYTES or len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise Refused("too_large", gettext("Messages are at most %(n)s bytes of JSON.") % {"n": MAX_MESSAGE_BYTES})
    try:
        obj = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise Refused("malformed", gettext("That was not valid JSON.")) from None
    if not isinstance(obj, dict):
        raise Refused("malformed", gettext("Each message is one JSON object with a 'type'."))
    kind = obj.get("type")
    if kind == "ping":
        sent = _milliseconds(obj.get("sent_ms"))
        if sent is None:
            words = gettext("'%(field)s' must be a finite number of milliseconds.")
            raise Refused("malformed", words % {"field": "sent_ms"})
        return Ping(sent)
    if kind == "control":
        action = obj.get("action")
        if action not in CONTROL_ACTIONS:
            raise Refused(
                "malformed", gettext("'action' must be one of %(actions)s.") % {"actions": ", ".join(CONTROL_ACTIONS)}
            )
        seconds = _whole(obj, "seconds", *EXTEND_SECONDS) if action == "extend" else None
        return Control(str(action), seconds)
    if kind == "consent":
        answer = obj.get("answer")
        if answer not in ANSWERS:
            raise Refused("malformed", gettext("'answer' is 'yes' or 'not_now'."))
        return Consent(_whole(obj, "item", 0, 1000), str(answer))
    if kind == "swap":
        return Swap()
    if kind == "remove":
        return Remove(_whole(obj, "participant", 1, 2**62))
    if kind == "beats":
        rr = obj.get("rr_ms")
        if not isinstance(rr, list) or not 1 <= len(rr) <= MAX_RR_PER_MESSAGE:
            raise Refused(
                "malformed", gettext("'rr_ms' is a list of 1 to %(n)s intervals.") % {"n": MAX_RR_PER_MESSAGE}
            )
        low, high = RR_MS
        for value in rr:
            if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
                raise Refused(
                    "malformed",
                    gettext("Each interval is a number of milliseconds from %(low)s to %(high)s.")
                    % {"low": f"{low:g}", "high": f"{high:g}"},
                )
        demo, share = obj.get("demo", False), obj.get("share", False)
        if not isinstance(demo, bool) or not isinstance(share, bool):
            raise Refused("malformed", gettext("'demo' and 'share' are true or false."))
        return Beats(tuple(float(v) for v in rr), demo, share)
    raise Refused("malformed", gettext("'type' must be one of ping, control, consent, swap, remove or beats."))
