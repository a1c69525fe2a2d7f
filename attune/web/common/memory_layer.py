"""The in-memory channel layer of the one-process set-up, with O(1) work per message delivered.

Channels' ``InMemoryChannelLayer`` sweeps every channel and every group membership for expired
entries on each ``receive``, so a broadcast to a room of N screens costs O(N) sweeps of O(N)
entries each, and it deep-copies the message once for each screen. A workshop of 300 on one
process spent most of a step change there (docs/rooms.md, "Load"). This layer behaves the same
to its users (messages expire after ``expiry`` seconds, memberships after ``group_expiry``, a
full channel drops the message in a group send) but sweeps at most once every ``SWEEP_EVERY_S``,
copies a flat message of strings and numbers with ``dict`` (a deep copy of it is the same), and
puts a group's messages on its channels' queues directly instead of one task per channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from copy import deepcopy
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as ChannelsInMemoryLayer

SWEEP_EVERY_S = 1.0  # expiry is in tens of seconds (60 by default), so a second late is harmless
_IMMUTABLE = (str, int, float, bool, bytes, type(None))


def _copy(message: dict[str, Any]) -> dict[str, Any]:
    """What the receiver gets: its own copy, so neither side can change the other's."""
    if all(isinstance(v, _IMMUTABLE) for v in message.values()):
        return dict(message)
    return deepcopy(message)


class InMemoryChannelLayer(ChannelsInMemoryLayer):  # type: ignore[misc]  # channels ships no type hints
    """Channels' in-memory layer (one process only; checks.py says so), swept at most once a second."""

    swept_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self.swept_at < SWEEP_EVERY_S:
            return
        self.swept_at = now
        super()._clean_expired()

    def _put(self, channel: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        queue = self.channels.setdefault(channel, asyncio.Queue(maxsize=self.get_capacity(channel)))
        try:
            queue.put_nowait((time.time() + self.expiry, _copy(message)))
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        self._put(channel, message)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        for channel in list(self.groups.get(group, {})):
            # As channels does: a screen that has stopped reading misses this one.
            with contextlib.suppress(ChannelFull):
                self._put(channel, message)
