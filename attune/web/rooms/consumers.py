"""A room's websocket: a thin adapter between docs/rooms.md and ``rooms.actions``.

On connect it checks that the member is in the room (anyone else is closed with 4404, whether or
not the room exists), joins the room's group on the channel layer and sends ``welcome`` with the
timeline and the server's clock. Every message is checked (size, JSON, type, fields), rate-limited,
and either answered, handed to an action, or refused with an ``error``; the socket stays open.
Broadcasts from the actions arrive as ``room.event`` and go out as they are.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from attune.web.common.rate import TokenBucket
from attune.web.rooms import actions
from attune.web.rooms.models import Participant, Room, Status
from attune.web.rooms.protocol import MAX_MESSAGE_BYTES, Consent, Control, Ping, Refused, Remove, Swap, parse

NODE = secrets.token_hex(4)
CLOSE_NOT_FOUND = 4404
CLOSE_REMOVED = 4403
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


def _dispatch(room_id: int, participant_id: int, message: Control | Consent | Swap | Remove) -> dict[str, Any] | None:
    """Run one message's action; what to send back to this connection only (if anything)."""
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


class RoomConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]  # channels ships no type hints
    room_id: int
    participant_id: int
    group: str | None = None

    async def connect(self) -> None:
        await self.accept()
        user = self.scope.get("user")
        room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        loaded = None
        if user is not None and user.is_authenticated:
            loaded = await database_sync_to_async(_load)(room_id, user.pk)
        if loaded is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        room, me = loaded
        self.room_id, self.participant_id = room.pk, me.pk
        self.bucket = TokenBucket(RATE_PER_S, RATE_BURST)
        self.group = room.group_name
        await self.channel_layer.group_add(self.group, self.channel_name)
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

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def _send(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(payload, separators=(",", ":"), allow_nan=False))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.group is None:
            return  # refused on connect; the close is on its way
        received_ms = time.time() * 1000.0
        if not self.bucket.allow():
            await self._send(
                Refused(
                    "rate_limited",
                    f"That was a lot at once: at most {RATE_PER_S:g} messages a second. Nothing changed.",
                ).payload()
            )
            return
        try:
            message = parse(text_data, bytes_data)
            if isinstance(message, Ping):
                sent = time.time() * 1000.0
                await self._send({"type": "pong", "sent_ms": message.sent_ms, "recv_ms": received_ms, "send_ms": sent})
                return
            reply = await database_sync_to_async(_dispatch)(self.room_id, self.participant_id, message)
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

    async def room_event(self, event: dict[str, Any]) -> None:
        payload = event["payload"]
        if payload.get("type") == "removed" and payload.get("participant") == self.participant_id:
            await self._send({"type": "removed", "message": "The guide has closed this room for you. Take care."})
            await self.close(code=CLOSE_REMOVED)
            return
        await self._send(payload)
