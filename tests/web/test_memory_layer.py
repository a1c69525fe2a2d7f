"""attune's in-memory channel layer (the one-process set-up): channels' behaviour, O(1) per message."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as ChannelsLayer

from attune.web.common import memory_layer
from attune.web.common.memory_layer import InMemoryChannelLayer


@pytest.fixture
def sweeps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many full sweeps for expired messages and memberships the layer makes."""
    made: list[int] = []
    original = ChannelsLayer._clean_expired

    def counted(self: Any) -> None:
        made.append(1)
        original(self)

    monkeypatch.setattr(ChannelsLayer, "_clean_expired", counted)
    return made


async def _group(layer: InMemoryChannelLayer, size: int) -> list[str]:
    names = [await layer.new_channel() for _ in range(size)]
    for name in names:
        await layer.group_add("room.1", name)
    return names


async def test_a_broadcast_to_300_screens_sweeps_once_not_once_a_screen(sweeps: list[int]) -> None:
    layer = InMemoryChannelLayer()
    names = await _group(layer, 300)
    await layer.group_send("room.1", {"type": "room.event", "text": "{}"})
    for name in names:
        assert (await layer.receive(name))["text"] == "{}"
    assert len(sweeps) == 1  # channels' own layer sweeps 301 times, each over every channel


async def test_every_screen_gets_its_own_copy_of_a_nested_message() -> None:
    layer = InMemoryChannelLayer()
    a, b = await _group(layer, 2)
    message = {"type": "room.event", "payload": {"state": {"version": 1}}}
    await layer.group_send("room.1", message)
    first, second = await layer.receive(a), await layer.receive(b)
    first["payload"]["state"]["version"] = 99
    assert second["payload"]["state"]["version"] == 1 and message["payload"]["state"]["version"] == 1


async def test_a_flat_message_is_copied_too() -> None:
    layer = InMemoryChannelLayer()
    (a,) = await _group(layer, 1)
    message = {"type": "room.event", "text": "{}", "participant": None}
    await layer.group_send("room.1", message)
    got = await layer.receive(a)
    assert got == message and got is not message


async def test_messages_still_expire_and_take_their_channel_out_of_the_group(monkeypatch: pytest.MonkeyPatch) -> None:
    layer = InMemoryChannelLayer(expiry=60)
    stale, fresh = await _group(layer, 2)
    await layer.send(stale, {"type": "room.event", "text": "old"})
    later = memory_layer.time.time() + 120
    monkeypatch.setattr(memory_layer.time, "time", lambda: later)
    layer.swept_at = 0.0  # the last sweep was long ago
    await layer.group_send("room.1", {"type": "room.event", "text": "new"})
    assert list(layer.groups["room.1"]) == [fresh]
    assert (await layer.receive(fresh))["text"] == "new"


async def test_a_full_channel_misses_a_group_message_but_refuses_a_direct_one() -> None:
    layer = InMemoryChannelLayer(capacity=1)
    slow, quick = await _group(layer, 2)
    await layer.send(slow, {"type": "room.event", "text": "1"})
    await layer.group_send("room.1", {"type": "room.event", "text": "2"})
    assert (await layer.receive(quick))["text"] == "2"
    with pytest.raises(ChannelFull):
        await layer.send(slow, {"type": "room.event", "text": "3"})
    assert (await layer.receive(slow))["text"] == "1"
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(slow), 0.05)
