"""A room's websocket (docs/rooms.md) through the real ASGI app: who may connect, what is refused, what is shared."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from room_helpers import client_for, opened, pair_room, workshop

from attune.web.rooms import actions
from attune.web.rooms.models import Participant, Room, Status

pytestmark = pytest.mark.django_db(transaction=True)


async def _room(*args: Any, **kwargs: Any) -> Room:
    return await sync_to_async(pair_room)(*args, **kwargs)


async def _fresh(room_id: int) -> Room:
    return await Room.objects.aget(pk=room_id)


async def _refused_on_connect(room_id: int, user: Any) -> int:
    comm = await client_for(room_id, user)
    connected, _ = await comm.connect()
    assert connected  # accepted first, so the close code reaches the browser
    closed = await comm.receive_output(3)
    assert closed["type"] == "websocket.close"
    return int(closed["code"])


async def test_an_outsider_and_a_visitor_are_closed_with_4404_room_or_no_room(
    owner: Any, other: Any, guide: Any
) -> None:
    room = await _room(owner, other)
    assert await _refused_on_connect(room.pk, guide) == 4404
    assert await _refused_on_connect(room.pk, None) == 4404
    assert await _refused_on_connect(room.pk + 1000, owner) == 4404


async def test_both_partners_get_the_same_timeline_when_one_begins(owner: Any, other: Any) -> None:
    room = await _room(owner, other)
    host, welcome = await opened(room.pk, owner)
    partner, _ = await opened(room.pk, other)
    assert welcome["state"]["status"] == "lobby" and welcome["you"]["can_control"] is True
    await partner.send_json_to({"type": "control", "action": "start"})  # a pair are equals: either may begin
    to_partner = await partner.receive_json_from()
    to_host = await host.receive_json_from()
    assert to_partner == to_host
    assert to_host["type"] == "timeline" and to_host["state"]["status"] == "running"
    assert to_host["state"]["version"] == welcome["state"]["version"] + 1
    await host.disconnect()
    await partner.disconnect()


async def test_a_reconnecting_screen_gets_the_current_step_from_the_database(owner: Any, other: Any) -> None:
    room = await _room(owner, other)
    host, _ = await opened(room.pk, owner)
    await host.send_json_to({"type": "control", "action": "start"})
    started = await host.receive_json_from()
    await host.send_json_to({"type": "control", "action": "next"})
    moved = await host.receive_json_from()
    await host.disconnect()
    again, welcome = await opened(room.pk, owner)
    assert welcome["state"] == moved["state"]
    assert welcome["state"]["anchor_step"] == 1 and welcome["state"]["anchor_ms"] >= started["state"]["anchor_ms"]
    await again.disconnect()


async def test_the_pong_carries_the_server_clock_for_the_shared_clock(owner: Any) -> None:
    room = await _room(owner)
    host, _ = await opened(room.pk, owner)
    await host.send_json_to({"type": "ping", "sent_ms": 123.5})
    pong = await host.receive_json_from()
    assert pong["type"] == "pong" and pong["sent_ms"] == 123.5
    assert pong["recv_ms"] <= pong["send_ms"] and pong["recv_ms"] > 1.7e12
    await host.disconnect()


BAD = [
    ("not json", "malformed"),
    ("[1, 2]", "malformed"),
    (json.dumps({"type": "dance"}), "malformed"),
    (json.dumps({"type": "control", "action": "explode"}), "malformed"),
    (json.dumps({"type": "control", "action": "extend", "seconds": 99999}), "malformed"),
    (json.dumps({"type": "consent", "item": "zero", "answer": "yes"}), "malformed"),
    (json.dumps({"type": "ping", "sent_ms": "soon"}), "malformed"),
    ('{"type": "ping", "sent_ms": NaN}', "malformed"),
    (json.dumps({"type": "control", "action": "start", "pad": "x" * 3000}), "too_large"),
    (json.dumps({"type": "control", "action": "pause"}), "conflict"),  # nothing to pause in the lobby
]


@pytest.mark.parametrize(("text", "code"), BAD, ids=[c for _, c in BAD])
async def test_bad_messages_are_refused_with_a_reason_and_change_nothing(
    owner: Any, other: Any, text: str, code: str
) -> None:
    room = await _room(owner, other)
    host, _ = await opened(room.pk, owner)
    await host.send_to(text_data=text)
    error = await host.receive_json_from()
    assert error["type"] == "error" and error["code"] == code and error["message"], error
    after = await _fresh(room.pk)
    assert after.version == room.version and after.timeline == room.timeline
    await host.send_json_to({"type": "ping", "sent_ms": 1})  # still open
    assert (await host.receive_json_from())["type"] == "pong"
    await host.disconnect()


async def test_a_binary_frame_is_refused_not_dropped(owner: Any) -> None:
    room = await _room(owner)
    host, _ = await opened(room.pk, owner)
    await host.send_to(bytes_data=b"\x00\x01")
    assert (await host.receive_json_from())["code"] == "malformed"
    await host.disconnect()


async def test_a_participant_cannot_lead_a_workshop(guide: Any, owner: Any) -> None:
    w = await sync_to_async(workshop)(guide)
    await sync_to_async(actions.enrol)(owner, w)
    room = await _fresh(w.room_id)
    member, welcome = await opened(room.pk, owner)
    assert welcome["you"]["can_control"] is False
    for action in ("start", "next", "stop"):
        await member.send_json_to({"type": "control", "action": action})
        error = await member.receive_json_from()
        assert error["code"] == "not_allowed", error
    await member.send_json_to({"type": "remove", "participant": welcome["you"]["participant"]})
    assert (await member.receive_json_from())["code"] == "not_allowed"
    after = await _fresh(room.pk)
    assert after.timeline == room.timeline and after.version == room.version
    await member.disconnect()


async def test_a_flood_is_rate_limited_with_an_error_and_the_socket_stays_open(owner: Any) -> None:
    room = await _room(owner)
    host, welcome = await opened(room.pk, owner)
    burst = int(welcome["limits"]["burst"])
    for _ in range(burst + 10):
        await host.send_json_to({"type": "ping", "sent_ms": 1})
    replies = [await host.receive_json_from() for _ in range(burst + 10)]
    limited = [r for r in replies if r["type"] == "error"]
    assert limited and all(r["code"] == "rate_limited" for r in limited)
    assert sum(r["type"] == "pong" for r in replies) <= burst + 1
    await host.disconnect()


async def _start_hug(room_id: int, host: Any) -> dict[str, Any]:
    """Begin, then move on to the hug: the room waits at its consent question."""
    await host.send_json_to({"type": "control", "action": "start"})
    await host.receive_json_from()
    state: dict[str, Any] = {}
    room = await _fresh(room_id)
    gate = next(i for i, s in enumerate(room.plan["steps"]) if s.get("gate"))
    for _ in range(gate):
        await host.send_json_to({"type": "control", "action": "next"})
        state = (await host.receive_json_from())["state"]
    assert state["anchor_step"] == gate
    return {"gate": gate, "item": room.plan["steps"][gate]["item"]}


async def _both_at_the_hug(owner: Any, other: Any) -> tuple[Room, Any, Any, dict[str, Any]]:
    room = await _room(owner, other, with_hug=True)
    host, _ = await opened(room.pk, owner)
    partner, _ = await opened(room.pk, other)
    where = await _start_hug(room.pk, host)
    for _ in range(where["gate"] + 1):
        await partner.receive_json_from()  # the partner saw the same moves
    return room, host, partner, where


async def test_the_touch_step_waits_for_both_yeses(owner: Any, other: Any) -> None:
    room, host, partner, where = await _both_at_the_hug(owner, other)
    await host.send_json_to({"type": "consent", "item": where["item"], "answer": "yes"})
    assert (await host.receive_json_from()) == {"type": "consent", "item": where["item"], "answer": "yes",
                                                "outcome": "waiting"}
    waiting = await _fresh(room.pk)
    assert str(where["item"]) not in waiting.timeline["gates"]
    assert await partner.receive_nothing(0.2)  # one yes tells the other nothing
    await partner.send_json_to({"type": "consent", "item": where["item"], "answer": "yes"})
    replies = [await partner.receive_json_from(), await partner.receive_json_from()]
    timeline = next(r for r in replies if r["type"] == "timeline")
    assert timeline["event"] == "agreed" and timeline["state"]["gates"] == {str(where["item"]): "passed"}
    await host.disconnect()
    await partner.disconnect()


async def test_one_not_now_skips_the_step_for_both_without_saying_who(owner: Any, other: Any) -> None:
    room, host, partner, where = await _both_at_the_hug(owner, other)
    await partner.send_json_to({"type": "consent", "item": where["item"], "answer": "not_now"})
    to_host = await host.receive_json_from()
    assert to_host["event"] == "skipped" and to_host["state"]["gates"] == {str(where["item"]): "declined"}
    assert "participant" not in json.dumps(to_host) and "not_now" not in json.dumps(to_host)
    after = await _fresh(room.pk)
    solo = after.plan["steps"][after.timeline["anchor_step"]]
    assert solo["solo"] is True and solo["item"] == where["item"]  # the solo alternative runs instead
    await host.disconnect()
    await partner.disconnect()


async def test_the_guide_can_remove_a_participant_who_is_then_closed_out(guide: Any, owner: Any) -> None:
    w = await sync_to_async(workshop)(guide)
    place = await sync_to_async(actions.enrol)(owner, w)
    console, _ = await opened(w.room_id, guide)
    member, _ = await opened(w.room_id, owner)
    await console.send_json_to({"type": "remove", "participant": place.pk})
    removed = await member.receive_json_from()
    assert removed["type"] == "removed"
    closed = await member.receive_output(3)
    assert closed == {"type": "websocket.close", "code": 4403}
    assert (await Participant.objects.aget(pk=place.pk)).status == Status.REMOVED
    assert await _refused_on_connect(w.room_id, owner) == 4404
    await console.disconnect()


async def test_an_unexpected_error_closes_the_room_socket_with_1011_never_a_silent_drop(
    owner: Any, other: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from attune.web.rooms import consumers

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(consumers, "_dispatch", broken)
    room = await _room(owner, other)
    comm, _ = await opened(room.pk, owner)
    await comm.send_json_to({"type": "control", "action": "start"})
    closed = await comm.receive_output(3)
    assert closed["type"] == "websocket.close" and closed["code"] == 1011
    await comm.disconnect()


async def test_a_400_digit_number_in_a_ping_is_refused_and_the_socket_stays_open(owner: Any) -> None:
    # Found by tests/web/test_fuzz_sockets.py: float() of such an int overflows.
    room = await _room(owner)
    host, _ = await opened(room.pk, owner)
    for huge in (10**400, -(10**400)):
        await host.send_json_to({"type": "ping", "sent_ms": huge})
        error = await host.receive_json_from()
        assert error["type"] == "error" and error["code"] == "malformed", error
    await host.send_json_to({"type": "ping", "sent_ms": 1})
    assert (await host.receive_json_from())["type"] == "pong"
    await host.disconnect()


async def test_a_broadcast_reaches_every_screen_as_one_text_without_a_trip_to_the_database_thread(
    guide: Any, owner: Any, other: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import channels.db

    w = await sync_to_async(workshop)(guide)
    for member in (owner, other):
        await sync_to_async(actions.enrol)(member, w)
    screens = [(await opened(w.room_id, user))[0] for user in (guide, owner, other)]
    room = await _fresh(w.room_id)
    hops: list[int] = []
    monkeypatch.setattr(channels.db, "close_old_connections", lambda: hops.append(1))
    payload = {"type": "timeline", "state": room.state(), "server_ms": 1.5, "note": "Ünïcode"}
    await sync_to_async(actions.broadcast)(room, payload)
    texts = [(await screen.receive_output(3))["text"] for screen in screens]
    assert texts == [json.dumps(payload, separators=(",", ":"), allow_nan=False)] * 3
    assert hops == []  # channels' dispatch hopped to the database thread once a screen for this
    for screen in screens:
        await screen.disconnect()
