"""A room's websocket: a thin adapter between docs/rooms.md and ``rooms.actions``.

On connect it checks that the member is in the room (anyone else is closed with 4404, whether or
not the room exists), joins the room's group on the channel layer and sends ``welcome`` with the
timeline and the server's clock. Every message is checked (size, JSON, type, fields), rate-limited,
and either answered, handed to an action, or refused with an ``error``; the socket stays open.
What it says in words (refusals, ``removed``, ``signed_out``, why synchrony is calibrating) is in
the member's language, taken from the socket's scope as ``LocaleMiddleware`` takes a request's
(``common.i18n.language_from_scope``).
Broadcasts from the actions arrive as ``room.event`` carrying their JSON text, encoded once for
every screen (``protocol.group_event``), and go out as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import secrets
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext

from attune.core import StreamingMeter
from attune.web.accounts import sessions
from attune.web.common.i18n import language_from_scope
from attune.web.common.rate import TokenBucket
from attune.web.rooms import actions, straps, synchrony
from attune.web.rooms.models import Participant, Role, Room, Status
from attune.web.rooms.protocol import (
    MAX_MESSAGE_BYTES,
    Beats,
    Consent,
    Control,
    Ping,
    Refused,
    Remove,
    Swap,
    encode,
    group_event,
    parse,
)

NODE = secrets.token_hex(4)
CLOSE_NOT_FOUND = 4404
CLOSE_REMOVED = 4403
CLOSE_SIGNED_OUT = 4401  # the session that opened the socket has ended (signed out, everywhere or here)
CLOSE_SERVER_ERROR = 1011  # RFC 6455: the server met a condition it did not expect
logger = logging.getLogger(__name__)
RATE_PER_S = 4.0
RATE_BURST = 12.0


def _load(room_id: int, user_id: int) -> tuple[Room, Participant] | None:
    me = (
        Participant.objects.select_related("room")
        .filter(room_id=room_id, user_id=user_id, status=Status.IN, room__ended_at=None)
        .first()
    )
    return None if me is None else (me.room, me)


def _you(me: Participant) -> dict[str, Any]:
    return {"participant": me.pk, "role": me.role, "can_control": me.can_control, "consent": me.consent}


def _dispatch(
    room_id: int, participant_id: int, message: Control | Consent | Swap | Remove, language: str
) -> dict[str, Any] | None:
    """Run one message's action; what to send back to this connection only (if anything).

    Runs in the database thread, so the socket's ``language`` is activated here, for the words of
    an action's refusal.
    """
    with translation.override(language):
        return _act(room_id, participant_id, message)


def _act(room_id: int, participant_id: int, message: Control | Consent | Swap | Remove) -> dict[str, Any] | None:
    if isinstance(message, Control):
        actions.control(room_id, participant_id, message.action, message.seconds)
    elif isinstance(message, Consent):
        outcome = actions.answer_consent(room_id, participant_id, message.item, message.answer)
        return {"type": "consent", "item": message.item, "answer": message.answer, "outcome": outcome}
    elif isinstance(message, Swap):
        actions.swap_lead(room_id, participant_id)
    else:
        actions.remove_participant(room_id, participant_id, message.participant)
    return None


def _participant_ids(room_id: int) -> list[int]:
    places = Participant.objects.filter(room_id=room_id, status=Status.IN, role=Role.PARTICIPANT)
    return list(places.values_list("pk", flat=True))


def _partner_of(room_id: int, participant_id: int) -> int | None:
    places = Participant.objects.filter(room_id=room_id, status=Status.IN).exclude(pk=participant_id)
    return places.values_list("pk", flat=True).first()


def _num(x: float | None, digits: int = 2) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), digits)


class RoomConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]  # channels ships no type hints
    room_id: int
    participant_id: int
    group: str | None = None
    is_pair: bool = False
    meter: StreamingMeter | None = None
    summary_task: asyncio.Task[None] | None = None
    partner_id: int | None = None
    synchrony_at: int = 0
    session_group: str | None = None
    language: str = "en"

    async def connect(self) -> None:
        await self.accept()
        self.language = language_from_scope(self.scope)
        user = self.scope.get("user")
        room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        loaded = None
        if user is not None and user.is_authenticated:
            loaded = await database_sync_to_async(_load)(room_id, user.pk)
        if loaded is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        room, me = loaded
        self.room_id, self.participant_id, self.is_pair = room.pk, me.pk, room.is_pair
        self.bucket = TokenBucket(RATE_PER_S, RATE_BURST)
        self.group = room.group_name
        await self.channel_layer.group_add(self.group, self.channel_name)
        session_key = getattr(self.scope.get("session"), "session_key", None)
        if session_key:
            self.session_group = sessions.session_group(session_key)
            await self.channel_layer.group_add(self.session_group, self.channel_name)
        await self._send(
            {
                "type": "welcome",
                "room": room.pk,
                "state": room.state(),
                "server_ms": actions.now_ms(),
                "you": _you(me),
                "node": NODE,
                "limits": {"max_message_bytes": MAX_MESSAGE_BYTES, "messages_per_s": RATE_PER_S, "burst": RATE_BURST},
            }
        )
        if me.attended_at is None:  # after the welcome: a join never waits for this write
            await database_sync_to_async(actions.attend)(me.pk)
        if me.role == Role.HOST and not room.is_pair:
            self.summary_task = asyncio.create_task(self._send_strap_summaries())

    async def disconnect(self, code: int) -> None:
        if self.summary_task is not None:
            self.summary_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.summary_task
        if self.session_group is not None:
            await self.channel_layer.group_discard(self.session_group, self.channel_name)
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            if self.meter is not None:
                await straps.forget(self.room_id, self.participant_id)
                await straps.stop_sharing(self.room_id, self.participant_id)

    async def _send_strap_summaries(self) -> None:
        """The guide's console: every few seconds, how many straps are in and the room's median."""
        while True:  # the page starts at "no straps"; the first summary comes after one period
            await asyncio.sleep(straps.SUMMARY_EVERY_S)
            ids = await database_sync_to_async(_participant_ids)(self.room_id)
            await self._send({"type": "straps", **(await straps.room_summary(self.room_id, ids))})

    async def _synchrony(self, now: int) -> None:
        """Pairs, both sharing: the two hearts' synchrony, every 2 s, to both screens."""
        if now - self.synchrony_at < straps.SYNCHRONY_EVERY_MS:
            return
        if self.partner_id is None:
            self.partner_id = await database_sync_to_async(_partner_of)(self.room_id, self.participant_id)
            if self.partner_id is None:
                return
        both = await straps.shared_pair(self.room_id, self.participant_id, self.partner_id)
        if both is None:
            return
        self.synchrony_at = now
        reading = await asyncio.to_thread(straps.pair_synchrony, *both)
        event = group_event(straps.synchrony_payload(reading))
        if reading.reason_kind:  # each screen words it for its own member (room_event)
            whose = dict(reading.reason_values).get("person")
            event["reason_kind"] = reading.reason_kind
            event["reason_participant"] = {"a": self.participant_id, "b": self.partner_id}.get(str(whose))
        await self.channel_layer.group_send(self.group, event)

    async def on_beats(self, beats: Beats) -> None:
        """One person's RR intervals: into their own meter; to their partner only if they share."""
        if self.meter is None:
            self.meter = StreamingMeter()
        reading = None
        for rr in beats.rr_ms:
            reading = self.meter.update(rr)
        assert reading is not None
        if self.is_pair:
            now = actions.now_ms()
            if not beats.share:
                await straps.stop_sharing(self.room_id, self.participant_id)
                return
            await straps.add_shared_beats(self.room_id, self.participant_id, beats.rr_ms, now)
            heart = {
                "type": "heart",
                "participant": self.participant_id,
                "server_ms": now,
                "rr_ms": list(beats.rr_ms),
                "demo": beats.demo,
            }
            await self.channel_layer.group_send(self.group, group_event(heart))
            await self._synchrony(now)
            return
        await straps.remember(self.room_id, self.participant_id, _num(reading.coherence), beats.demo)

    async def _send(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=encode(payload))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.group is None:
            return  # refused on connect; the close is on its way
        received_ms = time.time() * 1000.0
        with translation.override(self.language):
            await self._receive(text_data, bytes_data, received_ms)

    async def _receive(self, text_data: str | None, bytes_data: bytes | None, received_ms: float) -> None:
        """One message, with the socket's language active (for refusals built here and in parse)."""
        if not self.bucket.allow():
            words = gettext("That was a lot at once: at most %(n)s messages a second. Nothing changed.")
            await self._send(Refused("rate_limited", words % {"n": f"{RATE_PER_S:g}"}).payload())
            return
        try:
            message = parse(text_data, bytes_data)
            if isinstance(message, Ping):
                sent = time.time() * 1000.0
                await self._send({"type": "pong", "sent_ms": message.sent_ms, "recv_ms": received_ms, "send_ms": sent})
                return
            if isinstance(message, Beats):
                await self.on_beats(message)
                return
            reply = await database_sync_to_async(_dispatch)(self.room_id, self.participant_id, message, self.language)
            if reply is not None:
                await self._send(reply)
        except Refused as exc:
            await self._send(exc.payload())
        except OSError:
            return  # the browser has gone (a send after a disconnect): nothing to answer
        except Exception:
            # A bug, not the member's fault: say so with a close code rather than dropping the socket.
            logger.exception("room socket: unexpected error in room %s", self.room_id)
            await self.close(code=CLOSE_SERVER_ERROR)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its thread hop to close stale database connections per message.

        Channels runs ``close_old_connections`` in the database thread before every handler, so a
        broadcast to 300 screens queued 300 hops through that one thread, most of a step change's
        time on one process. Every database use here goes through ``database_sync_to_async``,
        which closes stale connections itself, before and after, in that thread.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def session_ended(self, event: dict[str, Any]) -> None:
        """The session that opened this socket has ended (``accounts.sessions.close_sockets``)."""
        with translation.override(self.language):
            words = gettext("You are signed out. Sign in again to come back.")
        await self._send({"type": "signed_out", "message": words})
        await self.close(code=CLOSE_SIGNED_OUT)

    async def room_event(self, event: dict[str, Any]) -> None:
        """A broadcast (docs/rooms.md): sent on as the text it was encoded to, once for all screens."""
        mine = event["participant"] == self.participant_id
        if event["kind"] == "heart" and mine:
            return  # one's own heart is drawn from one's own strap
        if event["kind"] == "removed" and mine:
            with translation.override(self.language):
                words = gettext("The guide has closed this room for you. Take care.")
            await self._send({"type": "removed", "message": words})
            await self.close(code=CLOSE_REMOVED)
            return
        if event["kind"] == "synchrony" and event.get("reason_kind"):
            await self.send(text_data=self._worded_synchrony(event))
            return
        await self.send(text_data=event["text"])

    def _worded_synchrony(self, event: dict[str, Any]) -> str:
        """A calibrating synchrony figure with its reason in this member's language, from their side."""
        mine = event.get("reason_participant") == self.participant_id
        with translation.override(self.language):
            reason = synchrony.reason_text(str(event["reason_kind"]), mine=mine)
        if reason is None:
            return str(event["text"])
        return encode({**json.loads(event["text"]), "reason": reason})
