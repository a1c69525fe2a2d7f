"""Two `attune serve` processes on PostgreSQL and Redis: a pair on different processes share one timeline.

Needs the local PostgreSQL and Redis (make services); fails, never skips, without them.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from typing import Any

import pytest
from service_helpers import REDIS_URL, require_redis
from test_live_scaleout import PASSWORD, Browser, two_processes  # noqa: F401  (a fixture)

pytestmark = pytest.mark.services


async def _open_on_node(ws_url: str, cookie: str, avoid: str | None) -> tuple[Any, dict[str, Any]]:
    """A room websocket served by a process other than ``avoid`` (uvicorn's kernel decides; keep trying)."""
    from websockets.asyncio.client import connect

    origin = ws_url.replace("ws://", "http://").split("/ws/")[0]
    for _ in range(60):
        ws = await connect(ws_url, origin=origin, additional_headers={"Cookie": f"sessionid={cookie}"}, proxy=None)
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome", welcome
        if avoid is None or welcome["node"] != avoid:
            return ws, welcome
        await ws.close()
    raise AssertionError("every connection landed on the same server process")


async def _next_of(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message["type"] == kind:
            return dict(message)


async def _pair_across_processes(ws_url: str, host_cookie: str, partner_cookie: str) -> None:
    host, host_welcome = await _open_on_node(ws_url, host_cookie, None)
    partner, partner_welcome = await _open_on_node(ws_url, partner_cookie, host_welcome["node"])
    assert host_welcome["node"] != partner_welcome["node"]
    assert host_welcome["state"] == partner_welcome["state"]
    await host.send(json.dumps({"type": "control", "action": "start"}))
    started_here, started_there = await _next_of(host, "timeline"), await _next_of(partner, "timeline")
    assert started_here["state"] == started_there["state"] and started_there["state"]["status"] == "running"
    await partner.send(json.dumps({"type": "control", "action": "next"}))  # from the other process
    moved_there, moved_here = await _next_of(partner, "timeline"), await _next_of(host, "timeline")
    assert moved_here["state"] == moved_there["state"] and moved_here["state"]["anchor_step"] == 1
    await host.close()
    # A reconnect, on whichever process answers, finds the room where it is (the database holds it).
    again, welcome = await _open_on_node(ws_url, host_cookie, None)
    assert welcome["state"] == moved_here["state"]
    await again.close()
    await partner.close()


def test_a_pair_on_two_processes_shares_one_room_and_one_timeline(two_processes: Any) -> None:  # noqa: F811
    server = two_processes
    server.manage("shell", "-c", (
        "from django.contrib.auth import get_user_model as g; "
        f"[g().objects.create_user(n, n + '@example.test', '{PASSWORD}') for n in ('hana', 'ravi')]"
    ))
    host, partner = Browser(server.url), Browser(server.url)
    host.sign_in("hana")
    partner.sign_in("ravi")
    host.get("/rooms/")
    status, page = host.post("/rooms/pair/", {"first": "breathing-together", "minutes": "3"})
    assert status == 200, page[:300]
    room_id = re.search(r"/ws/rooms/(\d+)/", page)
    code = re.search(r'class="join-code"[^>]*>([A-Z0-9]{6})<', page)
    assert room_id and code, page[:500]
    partner.get("/rooms/join/")
    status, body = partner.post("/rooms/join/", {"code": code.group(1)})
    assert status == 200 and f"/ws/rooms/{room_id.group(1)}/" in body
    ws_url = f"ws://127.0.0.1:{server.port}/ws/rooms/{room_id.group(1)}/"
    asyncio.run(_pair_across_processes(ws_url, host.cookie("sessionid"), partner.cookie("sessionid")))


async def test_a_quiet_room_keeps_its_websocket_past_the_layers_blocking_wait() -> None:
    """channels-redis blocks 5 s for a message; a read that gave up first closed the socket."""
    from channels_redis.core import RedisChannelLayer

    from attune.web.settings import redis_channel_layer

    require_redis()
    layer = RedisChannelLayer(**redis_channel_layer(REDIS_URL, f"attune-test-{secrets.token_hex(4)}")["CONFIG"])
    channel = await layer.new_channel()
    started = time.monotonic()
    try:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(layer.receive(channel), 7.0)
    finally:
        await layer.flush()
    assert time.monotonic() - started >= 6.5  # the wait ran out, not the Redis read


async def test_a_whole_workshop_can_leave_at_once() -> None:
    """300 screens closing together each take a pooled Redis connection to leave the room's group."""
    from channels_redis.core import RedisChannelLayer

    from attune.web.settings import redis_channel_layer

    require_redis()
    layer = RedisChannelLayer(**redis_channel_layer(REDIS_URL, f"attune-test-{secrets.token_hex(4)}")["CONFIG"])
    channels = [await layer.new_channel() for _ in range(300)]
    try:
        await asyncio.gather(*(layer.group_add("room.1", c) for c in channels))
        await asyncio.gather(*(layer.group_discard("room.1", c) for c in channels))
    finally:
        await layer.flush()
