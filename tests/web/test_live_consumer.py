"""The live websocket (docs/live-protocol.md), through the real ASGI app with its auth middleware."""

from __future__ import annotations

import json
import warnings
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
import pytest
from asgiref.sync import sync_to_async
from live_helpers import ORIGIN, WebsocketClient, chunks, paced_rr, session_cookie
from numpy.testing import assert_allclose

from attune.core import StreamingMeter
from attune.web.physio import actions
from attune.web.physio.models import LiveBeatBatch, Recording

with warnings.catch_warnings():
    # WhiteNoise warns when collectstatic has not run; the websocket side does not care.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    from attune.web.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def recording(owner: Any) -> Recording:
    return actions.start_recording(owner, kind="free")


@pytest.fixture
def owner_cookie(owner: Any) -> bytes:
    return session_cookie(owner)


@pytest.fixture
def other_cookie(other: Any) -> bytes:
    return session_cookie(other)


def _communicator(recording_id: int, cookie: bytes | None) -> WebsocketClient:
    headers = [ORIGIN] + ([(b"cookie", cookie)] if cookie else [])
    return WebsocketClient(application, f"/ws/live/{recording_id}/", headers)


async def _open(recording_id: int, cookie: bytes | None) -> tuple[WebsocketClient, dict[str, Any]]:
    comm = _communicator(recording_id, cookie)
    connected, _ = await comm.connect()
    assert connected
    welcome = await comm.receive_json_from()
    assert welcome["type"] == "welcome", welcome
    return comm, welcome


@pytest.fixture
async def live(recording: Recording, owner_cookie: bytes) -> AsyncIterator[WebsocketClient]:
    comm, _ = await _open(recording.pk, owner_cookie)
    yield comm
    await comm.disconnect()


async def _beats(comm: WebsocketClient, seq: int, rr: list[float], **extra: Any) -> list[dict[str, Any]]:
    """Send one beats message; return the replies (ack then reading, or one error)."""
    await comm.send_json_to({"type": "beats", "seq": seq, "rr_ms": rr, **extra})
    first = await comm.receive_json_from()
    if first["type"] != "ack" or first.get("duplicate"):
        return [first]
    return [first, await comm.receive_json_from()]


def _state(recording_id: int) -> tuple[int, int, int]:
    rec = Recording.objects.get(pk=recording_id)
    return rec.acked_seq, rec.beats, LiveBeatBatch.objects.filter(recording_id=recording_id).count()


state = sync_to_async(_state)


async def test_the_owner_streams_beats_and_gets_a_reading_for_each_message(live: WebsocketClient,
                                                                           recording: Recording) -> None:
    ack, reading = await _beats(live, 1, [800.0, 812.5], sent_ms=123.5)
    assert ack == {"type": "ack", "seq": 1}
    assert reading["type"] == "reading"
    assert reading["seq"] == 1 and reading["beat"] == 2 and reading["sent_ms"] == 123.5
    assert_allclose(reading["hr_bpm"], 60000 / 812.5, atol=0.05)
    assert reading["calibrating"] is True and reading["rmssd_ms"] is None and reading["coherence"] is None
    assert isinstance(reading["status"], str) and reading["status"]
    ack, reading = await _beats(live, 2, [820.0])
    assert ack["seq"] == 2 and reading["beat"] == 3
    assert await state(recording.pk) == (2, 3, 2)


async def test_readings_are_what_attune_core_says_for_the_same_beats(live: WebsocketClient) -> None:
    rr = paced_rr(90, seed=1)
    meter = StreamingMeter(window_s=64.0, rmssd_window_s=60.0)
    last: dict[str, Any] = {}
    for seq, group in enumerate(chunks(rr, 3), start=1):
        for v in group:
            expected = meter.update(v)
        _, last = await _beats(live, seq, group)
    assert last["calibrating"] is False
    assert_allclose(last["rmssd_ms"], expected.rmssd_ms, atol=0.051)
    assert_allclose(last["coherence"], expected.coherence, atol=0.0051)
    assert_allclose(last["breathing_rate_bpm"], expected.breathing_rate_bpm, atol=0.051)
    assert_allclose(last["beat_time_s"], float(np.sum(rr)) / 1000, atol=0.001)


async def test_a_repeated_seq_is_acked_again_and_never_counted_twice(live: WebsocketClient,
                                                                     recording: Recording) -> None:
    await _beats(live, 1, [800.0, 810.0])
    replies = await _beats(live, 1, [800.0, 810.0])
    assert replies == [{"type": "ack", "seq": 1, "duplicate": True}]
    assert await state(recording.pk) == (1, 2, 1)


async def test_a_gap_is_refused_with_the_expected_seq_and_nothing_is_stored(live: WebsocketClient,
                                                                            recording: Recording) -> None:
    await _beats(live, 1, [800.0])
    (error,) = await _beats(live, 3, [810.0])
    assert error["type"] == "error" and error["code"] == "out_of_order" and error["expected_seq"] == 2
    assert error["message"]
    assert await state(recording.pk) == (1, 1, 1)
    ack, _ = await _beats(live, 2, [805.0])
    assert ack["seq"] == 2


BAD_FRAMES = [
    ("not json", "{type: beats", "malformed"),
    ("a list", "[1, 2]", "malformed"),
    ("an unknown type", '{"type": "hello"}', "malformed"),
    ("no type", '{"seq": 1, "rr_ms": [800]}', "malformed"),
    ("seq as text", '{"type": "beats", "seq": "1", "rr_ms": [800]}', "malformed"),
    ("seq as a boolean", '{"type": "beats", "seq": true, "rr_ms": [800]}', "malformed"),
    ("seq as a float", '{"type": "beats", "seq": 1.0, "rr_ms": [800]}', "malformed"),
    ("seq zero", '{"type": "beats", "seq": 0, "rr_ms": [800]}', "malformed"),
    ("no rr", '{"type": "beats", "seq": 1}', "malformed"),
    ("empty rr", '{"type": "beats", "seq": 1, "rr_ms": []}', "malformed"),
    ("seventeen rr", json.dumps({"type": "beats", "seq": 1, "rr_ms": [800] * 17}), "malformed"),
    ("rr as text", '{"type": "beats", "seq": 1, "rr_ms": ["800"]}', "malformed"),
    ("rr as boolean", '{"type": "beats", "seq": 1, "rr_ms": [true]}', "malformed"),
    ("rr too short", '{"type": "beats", "seq": 1, "rr_ms": [800, 150]}', "malformed"),
    ("rr too long", '{"type": "beats", "seq": 1, "rr_ms": [3001]}', "malformed"),
    ("NaN", '{"type": "beats", "seq": 1, "rr_ms": [NaN]}', "malformed"),
    ("Infinity", '{"type": "beats", "seq": 1, "rr_ms": [Infinity]}', "malformed"),
    ("an overflowing number", '{"type": "beats", "seq": 1, "rr_ms": [1e999]}', "malformed"),
    ("sent_ms as text", '{"type": "beats", "seq": 1, "rr_ms": [800], "sent_ms": "now"}', "malformed"),
    ("over 8 KiB", json.dumps({"type": "beats", "seq": 1, "rr_ms": [800], "pad": "x" * 8200}), "too_large"),
    ("over 8 KiB in UTF-8", json.dumps({"type": "ping", "pad": "é" * 4200}, ensure_ascii=False), "too_large"),
]


@pytest.mark.parametrize(("frame", "code"), [(f, c) for _, f, c in BAD_FRAMES], ids=[n for n, _, _ in BAD_FRAMES])
async def test_it_refuses_a_bad_message_clearly_and_changes_nothing(live: WebsocketClient, recording: Recording,
                                                                   frame: str, code: str) -> None:
    await live.send_to(text_data=frame)
    error = await live.receive_json_from()
    assert error["type"] == "error" and error["code"] == code and len(error["message"]) > 10
    assert await state(recording.pk) == (0, 0, 0)
    ack, _ = await _beats(live, 1, [800.0])  # the connection is still usable
    assert ack["seq"] == 1


async def test_it_refuses_a_binary_frame(live: WebsocketClient, recording: Recording) -> None:
    await live.send_to(bytes_data=b'{"type": "ping"}')
    error = await live.receive_json_from()
    assert error["code"] == "malformed"
    assert await state(recording.pk) == (0, 0, 0)


async def test_someone_elses_recording_is_closed_with_4404(recording: Recording, other_cookie: bytes) -> None:
    comm = _communicator(recording.pk, other_cookie)
    connected, _ = await comm.connect()
    assert connected
    assert await comm.receive_output() == {"type": "websocket.close", "code": 4404}
    await comm.disconnect()


async def test_an_anonymous_visitor_is_closed_with_4404(recording: Recording) -> None:
    comm = _communicator(recording.pk, None)
    await comm.connect()
    assert await comm.receive_output() == {"type": "websocket.close", "code": 4404}
    await comm.disconnect()


async def test_a_recording_that_does_not_exist_is_closed_with_4404(recording: Recording, owner_cookie: bytes) -> None:
    comm = _communicator(recording.pk + 1000, owner_cookie)
    await comm.connect()
    assert await comm.receive_output() == {"type": "websocket.close", "code": 4404}
    await comm.disconnect()


async def test_a_reconnect_resumes_from_the_acked_seq_with_the_same_meter(recording: Recording,
                                                                          owner_cookie: bytes) -> None:
    rr = paced_rr(100, seed=2)
    groups = chunks(rr, 4)
    half = len(groups) // 2
    comm, welcome = await _open(recording.pk, owner_cookie)
    assert welcome["acked_seq"] == 0 and welcome["beats"] == 0 and welcome["simulated"] is False
    for seq, group in enumerate(groups[:half], start=1):
        await _beats(comm, seq, group)
    await comm.disconnect()

    comm, welcome = await _open(recording.pk, owner_cookie)
    assert welcome["acked_seq"] == half
    assert welcome["beats"] == sum(len(g) for g in groups[:half])
    # The browser resends the last acknowledged message (it may not have seen the ack): not counted.
    assert await _beats(comm, half, groups[half - 1]) == [{"type": "ack", "seq": half, "duplicate": True}]
    last: dict[str, Any] = {}
    for seq, group in enumerate(groups[half:], start=half + 1):
        _, last = await _beats(comm, seq, group)
    await comm.disconnect()

    meter = StreamingMeter()
    for v in rr:
        expected = meter.update(float(v))
    assert last["beat"] == rr.size
    assert_allclose(last["beat_time_s"], expected.beat_time_s, atol=0.001)
    assert_allclose(last["rmssd_ms"], expected.rmssd_ms, atol=0.051)
    assert_allclose(last["coherence"], expected.coherence, atol=0.0051)
    assert await state(recording.pk) == (len(groups), rr.size, len(groups))


async def test_finish_stores_the_summary_and_later_beats_are_refused(live: WebsocketClient,
                                                                     recording: Recording) -> None:
    rr = paced_rr(40, seed=3)
    for seq, group in enumerate(chunks(rr, 8), start=1):
        await _beats(live, seq, group)
    await live.send_json_to({"type": "finish"})
    finished = await live.receive_json_from()
    assert finished["type"] == "finished"
    assert finished["summary"]["beats"] == rr.size
    assert_allclose(finished["summary"]["duration_s"], float(np.sum(rr)) / 1000, rtol=1e-6)
    (error,) = await _beats(live, len(chunks(rr, 8)) + 1, [800.0])
    assert error["code"] == "closed"
    _, beats, batches = await state(recording.pk)
    assert (beats, batches) == (rr.size, 0)  # compacted into the recording


async def test_ping_is_answered_with_pong(live: WebsocketClient) -> None:
    await live.send_json_to({"type": "ping", "sent_ms": 42})
    pong = await live.receive_json_from()
    assert pong["type"] == "pong" and pong["sent_ms"] == 42


async def test_a_flood_of_messages_is_rate_limited_and_changes_nothing(live: WebsocketClient,
                                                                       recording: Recording) -> None:
    for _ in range(200):
        await live.send_json_to({"type": "ping", "sent_ms": 1})
    replies = [await live.receive_json_from() for _ in range(200)]
    limited = [r for r in replies if r["type"] == "error"]
    assert len(limited) >= 40 and all(r["code"] == "rate_limited" for r in limited)
    assert limited[0]["expected_seq"] == 1 and limited[0]["retry_after_ms"] > 0
    await live.send_json_to({"type": "beats", "seq": 1, "rr_ms": [800]})
    assert (await live.receive_json_from())["code"] == "rate_limited"
    assert await state(recording.pk) == (0, 0, 0)


async def test_a_stream_of_beats_keeps_its_database_connection(
    live: WebsocketClient, recording: Recording, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Channels' own dispatch closed "old" connections before every message, so each beat paid for a
    # thread hop and a new connection (a quarter of the server's time per message, profiled). The
    # live writer keeps its one connection and closes it only when it breaks.
    from django.db import connections

    closed: list[str] = []
    wrapper = type(connections["default"])
    real_close = wrapper.close

    def counting_close(self: Any) -> None:
        closed.append(self.alias)
        real_close(self)

    monkeypatch.setattr(wrapper, "close", counting_close)
    for seq in range(1, 31):
        replies = await _beats(live, seq, [800.0 + seq])
        assert replies[0]["type"] == "ack", replies
    assert closed == [], f"{len(closed)} connection closes for 30 messages"
    assert (await state(recording.pk))[0] == 30


async def test_a_browser_that_left_mid_answer_is_not_logged_as_an_error(
    live: WebsocketClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Under load, a client that closes while its reading is on the way made the server's send raise
    # (uvicorn's ClientDisconnected, an OSError, as ASGI asks); that is not a server error.
    from attune.web.live.consumers import LiveConsumer

    async def gone(self: Any, payload: dict[str, Any]) -> None:
        raise OSError("client disconnected")

    monkeypatch.setattr(LiveConsumer, "_send", gone)
    await live.send_json_to({"type": "beats", "seq": 1, "rr_ms": [800.0]})
    assert await live.receive_nothing(timeout=0.5)
    assert "unexpected error" not in caplog.text
