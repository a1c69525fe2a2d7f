"""The live biofeedback websocket: a thin adapter between docs/live-protocol.md and physio.actions.

One connection per recording. Each ``beats`` message is stored (idempotent by ``seq``) before the
meter sees it; the reading goes back at once. The meter lives with the connection and is rebuilt
from the stored beats when a member reconnects. Refusals and ``signed_out`` are worded in the
member's language, taken from the socket's scope (``common.i18n.language_from_scope``).
"""

from __future__ import annotations

import json
import logging
import math
import secrets
import time
from typing import Any

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from attune.core import MeterReading, StreamingMeter
from attune.web.accounts.sessions import session_alive
from attune.web.common.i18n import language_from_scope
from attune.web.common.rate import TokenBucket
from attune.web.live.writer import run_db, writer
from attune.web.physio import actions, codec
from attune.web.physio.meter import resume_meter
from attune.web.physio.models import Recording
from attune.web.physio.protocol import (
    MAX_MESSAGE_BYTES,
    MAX_RR_PER_MESSAGE,
    RR_MAX_MS,
    RR_MIN_MS,
    Beats,
    Finish,
    Ping,
    ProtocolError,
    parse,
    refusal,
)

# A short random name for this server process, sent in `welcome` (lets a scale-out test see
# which process served a connection; it says nothing about the machine).
NODE = secrets.token_hex(4)
CLOSE_NOT_FOUND = 4404
CLOSE_SIGNED_OUT = 4401  # the session that opened the socket has ended
#: How often, at most, a socket asks whether its session is still signed in (on a message).
SESSION_CHECK_S = 15.0
CLOSE_SERVER_ERROR = 1011  # RFC 6455: the server met a condition it did not expect
logger = logging.getLogger(__name__)
RATE_PER_S = 20.0
# A browser that was offline resends its buffer at once: allow two minutes of messages in a burst.
RATE_BURST = 120.0
# One encoder for every message (json.dumps with options builds a new one per call).
_encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def _num(x: float | None, digits: int = 2) -> float | None:
    """Round for the wire; None for a missing or non-finite value (JSON has no NaN or Infinity)."""
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), digits)


def _load(recording_id: int, user_id: int) -> tuple[Recording, codec.FloatArray] | None:
    rec = Recording.objects.filter(pk=recording_id, user_id=user_id).first()
    if rec is None:
        return None
    return rec, (rec.rr_ms() if rec.is_open else codec.decode_rr(b""))


def _stored_rr(recording_id: int) -> codec.FloatArray:
    return Recording.objects.get(pk=recording_id).rr_ms()


# CPU-only work runs in a worker thread so the database thread keeps writing others' beats.
_resume = sync_to_async(resume_meter, thread_sensitive=False)


def _finish_in_worker(recording_id: int) -> Recording:
    """:func:`physio.actions.finish_recording` in a worker thread, which then gives back its connection.

    Finishing summarises the whole recording (CPU-bound), so it runs away from the database thread
    that stores everyone's beats; the worker thread's own connection is closed when it is done.
    """
    try:
        return actions.finish_recording(recording_id)
    finally:
        connection.close()


_finish = sync_to_async(_finish_in_worker, thread_sensitive=False)


class LiveConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]  # channels ships no type hints, so its base is Any
    # No channel layer: a connection talks only to its own browser, and the database is what the
    # server processes share. (With Redis, a channel per connection would mean one blocking Redis
    # read per connection; under load those time out and drop connections.)
    channel_layer_alias = None

    recording_id: int
    meter: StreamingMeter
    acked_seq: int
    beats: int
    pacer_bpm: float | None
    closed_recording: bool
    session_key: str | None = None
    session_checked: float = 0.0
    language: str = "en"

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Hand a message to its handler, without Channels' per-message connection clean-up.

        Channels closes "old" database connections before every message, in the thread that the
        live writer keeps its connection in: with CONN_MAX_AGE 0 that meant a thread hop and a new
        connection for every beat. The writer keeps its one connection on purpose and reopens it
        only if it breaks (``live.writer._with_live_connection``), so the clean-up is skipped here.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        # Accept first so the close code reaches the browser; anyone but the owner gets 4404,
        # whether or not the recording exists.
        await self.accept()
        self.language = language_from_scope(self.scope)
        user = self.scope.get("user")
        self.recording_id = int(self.scope["url_route"]["kwargs"]["recording_id"])
        self.bucket = TokenBucket(RATE_PER_S, RATE_BURST)
        loaded = await run_db(_load, self.recording_id, user.pk) if user is not None and user.is_authenticated else None
        if loaded is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        rec, rr = loaded
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        self.session_checked = time.monotonic()
        self.acked_seq = rec.acked_seq
        self.beats = rec.beats
        self.pacer_bpm = rec.pacer_bpm
        self.closed_recording = not rec.is_open
        self.meter = await _resume(rr, rec.pacer_bpm)
        await self._send(
            {
                "type": "welcome",
                "recording": rec.pk,
                "acked_seq": rec.acked_seq,
                "beats": rec.beats,
                "simulated": rec.simulated,
                "closed": self.closed_recording,
                "pacer_bpm": rec.pacer_bpm,
                "node": NODE,
                "limits": {
                    "max_message_bytes": MAX_MESSAGE_BYTES,
                    "max_rr_per_message": MAX_RR_PER_MESSAGE,
                    "rr_min_ms": RR_MIN_MS,
                    "rr_max_ms": RR_MAX_MS,
                    "messages_per_s": RATE_PER_S,
                    "burst": RATE_BURST,
                    "max_recording_beats": actions.MAX_RECORDING_BEATS,
                    "max_recording_s": actions.MAX_RECORDING_S,
                },
            }
        )

    async def _still_signed_in(self) -> bool:
        """Whether the session that opened this socket is still signed in.

        Asked at most every ``SESSION_CHECK_S``: this socket has no channel layer to be told (see the
        class comment), so signing out everywhere reaches it on its next message after that.
        """
        now = time.monotonic()
        if now - self.session_checked < SESSION_CHECK_S:
            return True
        self.session_checked = now
        return await run_db(session_alive, self.session_key)

    async def _send(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=_encode(payload))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not hasattr(self, "meter"):
            return  # refused on connect; the close is on its way
        with translation.override(self.language):
            await self._receive(text_data, bytes_data)

    async def _receive(self, text_data: str | None, bytes_data: bytes | None) -> None:
        """One message, with the socket's language active (for refusals built here and in parse)."""
        if not await self._still_signed_in():
            await self._send({"type": "signed_out", "message": gettext("You are signed out. Sign in again to go on.")})
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        if not self.bucket.allow():
            await self._send(
                ProtocolError(
                    "rate_limited",
                    gettext(
                        "Too many messages: at most %(n)s a second. Nothing was stored; resend from "
                        "message %(seq)s in a moment."
                    )
                    % {"n": f"{RATE_PER_S:g}", "seq": self.acked_seq + 1},
                    expected_seq=self.acked_seq + 1,
                    retry_after_ms=int(1000 / RATE_PER_S) + 1,
                ).payload()
            )
            return
        try:
            message = parse(text_data, bytes_data)
            if isinstance(message, Beats):
                await self.on_beats(message)
            elif isinstance(message, Ping):
                await self._send({"type": "pong", "sent_ms": message.sent_ms, "server_ms": time.time() * 1000.0})
            elif isinstance(message, Finish):
                await self.on_finish()
        except ProtocolError as exc:
            await self._send(exc.payload())
        except OSError:
            # The browser has gone (ASGI servers raise an OSError subclass on a send after a
            # disconnect): nothing to answer, and nothing went wrong here.
            return
        except Exception:
            # A bug, not the client's fault: say so with a close code rather than dropping the socket.
            logger.exception("live socket: unexpected error on recording %s", self.recording_id)
            await self.close(code=CLOSE_SERVER_ERROR)

    async def on_beats(self, msg: Beats) -> None:
        if msg.seq <= self.acked_seq:
            await self._send({"type": "ack", "seq": msg.seq, "duplicate": True})
            return
        if self.closed_recording:
            raise refusal("closed", expected_seq=self.acked_seq + 1)
        if msg.seq != self.acked_seq + 1:
            raise refusal("out_of_order", expected_seq=self.acked_seq + 1, seq=msg.seq)
        rr = codec.as_stored_rr(msg.rr_ms)
        result = await writer().append(self.recording_id, msg.seq, rr)
        if result.status == "full":
            raise refusal("full", expected_seq=result.expected_seq)
        if not result.stored:
            await self._resync(result)
            if result.status == "duplicate":
                await self._send({"type": "ack", "seq": msg.seq, "duplicate": True})
                return
            raise refusal(
                result.status,
                expected_seq=result.expected_seq,
                seq=msg.seq if result.status == "out_of_order" else None,
            )
        self.acked_seq = msg.seq
        self.beats += len(rr)
        artifact = False
        reading: MeterReading | None = None
        for value in rr:
            reading = self.meter.update(float(value))
            artifact = artifact or bool(reading.artifact)
        assert reading is not None
        await self._send({"type": "ack", "seq": msg.seq})
        await self._send(
            {
                "type": "reading",
                "seq": msg.seq,
                "beat": self.beats,
                "beat_time_s": _num(reading.beat_time_s, 3),
                "hr_bpm": _num(reading.hr_bpm, 1),
                "rmssd_ms": _num(reading.rmssd_ms, 1),
                "coherence": _num(reading.coherence, 2),
                "breathing_rate_bpm": _num(reading.breathing_rate_bpm, 1),
                "artifact": artifact,
                "calibrating": bool(reading.calibrating),
                "status": reading.status,
                "sent_ms": msg.sent_ms,
            }
        )

    async def _resync(self, result: actions.AppendResult) -> None:
        """Another connection wrote to this recording: catch up with what is stored."""
        self.acked_seq = result.acked_seq
        self.closed_recording = result.status == "closed"
        if result.status == "missing":
            await self.close(code=CLOSE_NOT_FOUND)
            raise refusal("missing", expected_seq=result.expected_seq)
        rr = await run_db(_stored_rr, self.recording_id)
        self.beats = int(rr.size)
        self.meter = await _resume(rr, self.pacer_bpm)

    async def on_finish(self) -> None:
        rec = await _finish(self.recording_id)
        self.closed_recording = True
        self.acked_seq = rec.acked_seq
        payload = {"type": "finished", "summary": actions.summary_payload(rec)}
        await self._send(payload)
