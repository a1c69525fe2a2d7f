"""Fuzzing every websocket route with generated conversations: never a raise, never a silent drop.

Each route in attune/web/routing.py has a frame generator here (and the first test fails for a
route that has none). A conversation, built by hypothesis with a fixed seed: a persona connects
(the owner, a partner in the room, an outsider or an anonymous visitor), sometimes with a second
member watching, sends a few frames of every known message type with hostile values (400-digit
integers, NaN and Infinity, wrong types, unknown types, deep nesting, oversized text, binary
frames) and sometimes a flood, then hangs up. The ASGI application must finish without an
exception, every frame it sends must be JSON a browser can parse (no NaN), every close must carry
a code, nobody may be closed with 1011 (an unexpected error), and anyone not in the room or not
owning the recording is closed with 4404 and told nothing.
"""

from __future__ import annotations

import asyncio
import json
import os
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from channels.layers import channel_layers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from live_helpers import ORIGIN, WebsocketClient, session_cookie

from attune.web import routing
from attune.web.physio import actions as physio_actions
from attune.web.physio.models import Recording
from attune.web.rooms import actions as rooms_actions
from attune.web.rooms.models import Participant
from attune.web.rooms.protocol import ANSWERS, CONTROL_ACTIONS
from tests.web import room_helpers

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    from attune.web.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

#: Conversations per route. ATTUNE_FUZZ_EXAMPLES=200 runs a deeper, randomised search.
CONVERSATIONS = int(os.environ.get("ATTUNE_FUZZ_EXAMPLES", "40"))
DERANDOMIZE = "ATTUNE_FUZZ_EXAMPLES" not in os.environ

# Frames -----------------------------------------------------------------------------------------

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
numbers = st.one_of(
    st.integers(),
    st.sampled_from([10**400, -(10**400), 2**31, 2**53 + 1, 2**63, 0, -1, 1]),
    st.floats(),  # NaN and the infinities go out as JSON's NaN and Infinity
    texts,
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(texts, st.integers(), max_size=2),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, texts),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=10,
)
raw_text = st.one_of(
    st.integers(1, 5).map(lambda k: "[" * 10**k + "]" * 10**k),
    st.integers(1, 4).map(lambda k: '{"type": "ping", "sent_ms": ' + "[" * 10**k + "]" * 10**k + "}"),
    st.sampled_from(['{"type": "ping", "sent_ms": NaN}', "{", "", "\x00", "null", "[]", '"ping"', "x" * 9000]),
    st.sampled_from(['{"type": "ping", "sent_ms": 1, "pad": "%s"}' % ("é" * 5000)]),
    texts,
)
binary = st.one_of(st.binary(max_size=64), st.sampled_from([b"\x00" * 10_000, b'{"type": "ping"}']))


def _frames(objects: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[str, Any]]:
    """Text frames of the given JSON objects (mostly), or of any JSON, raw text or binary."""
    return st.one_of(
        objects.map(lambda o: ("json", o)),
        objects.map(lambda o: ("json", o)),
        objects.map(lambda o: ("json", o)),
        json_values.map(lambda o: ("json", o)),
        raw_text.map(lambda t: ("text", t)),
        binary.map(lambda b: ("bytes", b)),
    )


def _with_extra(base: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(base, optional={"extra": json_values, "type2": texts})


rr = st.one_of(st.floats(200, 3000), numbers)
LIVE_MESSAGES = st.one_of(
    _with_extra(
        {
            "type": st.just("beats"),
            "seq": st.one_of(st.integers(1, 4), numbers),
            "rr_ms": st.one_of(st.lists(rr, max_size=20), numbers),
        }
    ),
    _with_extra(
        {
            "type": st.just("beats"),
            "seq": st.integers(1, 4),
            "rr_ms": st.lists(st.floats(200, 3000), max_size=16),
            "sent_ms": numbers,
        }
    ),
    _with_extra({"type": st.just("ping"), "sent_ms": numbers}),
    _with_extra({"type": st.just("ping")}),
    _with_extra({"type": st.just("finish")}),
    _with_extra({"type": st.one_of(texts, numbers)}),
)
# "$self" and "$partner" stand for the participant ids of the room in hand.
participant = st.one_of(st.sampled_from(["$self", "$partner", "$partner"]), numbers)
ROOM_MESSAGES = st.one_of(
    _with_extra({"type": st.just("ping"), "sent_ms": numbers}),
    _with_extra(
        {"type": st.just("control"), "action": st.one_of(st.sampled_from(CONTROL_ACTIONS), numbers, texts)}
    ),
    _with_extra(
        {"type": st.just("control"), "action": st.just("extend"), "seconds": st.one_of(st.integers(0, 700), numbers)}
    ),
    _with_extra(
        {
            "type": st.just("consent"),
            "item": st.one_of(st.integers(0, 3), numbers),
            "answer": st.one_of(st.sampled_from(ANSWERS), numbers, texts),
        }
    ),
    _with_extra({"type": st.just("swap")}),
    _with_extra({"type": st.just("remove"), "participant": participant}),
    _with_extra({"type": st.one_of(texts, numbers)}),
)


@st.composite
def conversations(draw: st.DrawFn, messages: st.SearchStrategy[Any], personas: list[str]) -> dict[str, Any]:
    return {
        "persona": draw(st.sampled_from(personas)),
        "frames": draw(st.lists(_frames(messages), min_size=1, max_size=8)),
        "flood": draw(st.sampled_from([0, 0, 0, 0, 0, 0, 40, 200])),
        "watcher": draw(st.booleans()),
        "workshop": draw(st.booleans()),
    }


# Talking -----------------------------------------------------------------------------------------


def _encode(kind: str, value: Any, ids: dict[str, int]) -> dict[str, Any]:
    if kind == "bytes":
        return {"type": "websocket.receive", "bytes": value}
    if kind == "text":
        return {"type": "websocket.receive", "text": value}

    def resolve(v: Any) -> Any:
        if isinstance(v, str) and v in ids:
            return ids[v]
        if isinstance(v, dict):
            return {k: resolve(x) for k, x in v.items()}
        return v

    return {"type": "websocket.receive", "text": json.dumps(resolve(value))}


def _strict_json(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise AssertionError(f"the server sent {name}, which a browser's JSON.parse refuses")

    return json.loads(text, parse_constant=refuse)


async def _talk(path: str, cookie: bytes | None, frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Connect, send ``frames``, hang up; every ASGI message the app sent. Raises what the app raised."""
    headers = [ORIGIN] + ([(b"cookie", cookie)] if cookie else [])
    comm = WebsocketClient(application, path, headers)
    await comm.send_input({"type": "websocket.connect"})
    for frame in frames:
        await comm.send_input(frame)
    await comm.send_input({"type": "websocket.disconnect", "code": 1000})
    await comm.wait(20)  # re-raises anything the consumer raised
    out = []
    while not comm.output_queue.empty():
        out.append(comm.output_queue.get_nowait())
    return out


def _check(out: list[dict[str, Any]], *, allowed: bool, who: str) -> None:
    assert out and out[0]["type"] == "websocket.accept", (who, out[:1])
    closes = [m for m in out if m["type"] == "websocket.close"]
    for m in out[1:]:
        assert m["type"] in {"websocket.send", "websocket.close"}, (who, m)
        if m["type"] == "websocket.send":
            assert "text" in m and isinstance(_strict_json(m["text"]), dict), (who, m)
    for m in closes:
        assert isinstance(m.get("code"), int), f"{who}: a close without a code: {m}"
        assert m["code"] != 1011, f"{who}: closed with 1011, an unexpected error on the server"
    if not allowed:
        assert [m["type"] for m in out] == ["websocket.accept", "websocket.close"], (who, out)
        assert closes[0]["code"] == 4404


async def _both(watcher: tuple[str, bytes] | None, talker: tuple[str, bytes | None], frames: list[Any]) -> Any:
    """The talker's conversation, with a watcher connected (and hanging up after) if there is one."""
    if watcher is None:
        return await _talk(talker[0], talker[1], frames), None
    headers = [ORIGIN, (b"cookie", watcher[1])]
    watch = WebsocketClient(application, watcher[0], headers)
    await watch.send_input({"type": "websocket.connect"})
    assert (await watch.receive_output(5))["type"] == "websocket.accept"
    said = await _talk(talker[0], talker[1], frames)
    await watch.send_input({"type": "websocket.disconnect", "code": 1000})
    await watch.wait(20)
    heard = [{"type": "websocket.accept"}]
    while not watch.output_queue.empty():
        heard.append(watch.output_queue.get_nowait())
    return said, heard


def _run(coro_fn: Callable[[], Any]) -> Any:
    channel_layers.backends.clear()  # a layer is bound to the event loop that first used it
    try:
        return asyncio.run(coro_fn())
    finally:
        channel_layers.backends.clear()


FUZZ_SETTINGS = settings(
    max_examples=CONVERSATIONS,
    derandomize=DERANDOMIZE,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def cookies(owner: Any, other: Any, guide: Any) -> dict[str, bytes | None]:
    return {"owner": session_cookie(owner), "partner": session_cookie(other), "guide": session_cookie(guide),
            "anonymous": None}


def _frames_of(conv: dict[str, Any], ids: dict[str, int]) -> list[dict[str, Any]]:
    frames = [_encode(kind, value, ids) for kind, value in conv["frames"]]
    return frames + [frames[-1]] * conv["flood"]


def test_every_websocket_route_has_a_fuzzer() -> None:
    assert {str(p.pattern) for p in routing.websocket_urlpatterns} == set(ROUTES)


def test_the_live_socket_survives_generated_conversations(
    owner: Any, cookies: dict[str, bytes | None], request: pytest.FixtureRequest
) -> None:
    count = [0]

    @FUZZ_SETTINGS
    @given(conv=conversations(LIVE_MESSAGES, ["owner"] * 5 + ["guide", "anonymous"]))
    def fuzz(conv: dict[str, Any]) -> None:
        rec = physio_actions.start_recording(owner)
        path = f"/ws/live/{rec.pk}/"
        allowed = conv["persona"] == "owner"
        watcher = (path, cookies["owner"]) if conv["watcher"] and allowed else None
        said, heard = _run(lambda: _both(watcher, (path, cookies[conv["persona"]]), _frames_of(conv, {})))
        count[0] += 1 + (heard is not None)
        _check(said, allowed=allowed, who=conv["persona"])
        if heard is not None:
            _check(heard, allowed=True, who="the owner's other tab")
        Recording.objects.filter(pk=rec.pk).delete()

    fuzz()
    record_conversations(request, count[0])


def test_a_room_socket_survives_generated_conversations(
    owner: Any, other: Any, guide: Any, cookies: dict[str, bytes | None], request: pytest.FixtureRequest
) -> None:
    count = [0]

    @FUZZ_SETTINGS
    @given(conv=conversations(ROOM_MESSAGES, ["host"] * 3 + ["member"] * 3 + ["outsider", "anonymous"]))
    def fuzz(conv: dict[str, Any]) -> None:
        if conv["workshop"]:
            room_id = room_helpers.workshop(guide).room_id
            rooms_actions.enrol(owner, rooms_actions.Workshop.objects.get(room_id=room_id))
            host, member, outsider = "guide", "owner", "partner"
        else:
            room_id = room_helpers.pair_room(owner, other, with_hug=True).pk
            host, member, outsider = "owner", "partner", "guide"
        people = {"host": host, "member": member, "outsider": outsider, "anonymous": "anonymous"}
        ids = dict(Participant.objects.filter(room_id=room_id).values_list("user__username", "pk"))
        talker = people[conv["persona"]]
        partner = member if talker == host else host
        names = {"owner": "olive", "partner": "oscar", "guide": "gwen"}
        refs = {"$self": ids.get(names.get(talker, ""), 0), "$partner": ids.get(names[partner], 0)}
        allowed = conv["persona"] in {"host", "member"}
        path = f"/ws/rooms/{room_id}/"
        watcher = (path, cookies[partner]) if conv["watcher"] and allowed else None
        said, heard = _run(lambda: _both(watcher, (path, cookies[talker]), _frames_of(conv, refs)))
        count[0] += 1 + (heard is not None)
        _check(said, allowed=allowed, who=talker)
        if heard is not None:
            _check(heard, allowed=True, who=f"{partner}, watching")

    fuzz()
    record_conversations(request, count[0])


def test_the_fuzzer_notices_a_consumer_that_raises(
    owner: Any, cookies: dict[str, bytes | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from attune.web.rooms.consumers import RoomConsumer

    async def broken(self: Any, text_data: Any = None, bytes_data: Any = None) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(RoomConsumer, "receive", broken)
    room_id = room_helpers.pair_room(owner).pk
    frames = [_encode("json", {"type": "ping", "sent_ms": 1}, {})]
    with pytest.raises(RuntimeError, match="a bug"):
        _run(lambda: _talk(f"/ws/rooms/{room_id}/", cookies["owner"], frames))


def test_the_fuzzer_notices_a_close_with_1011_or_without_a_code() -> None:
    accept, hello = {"type": "websocket.accept"}, {"type": "websocket.send", "text": "{}"}
    with pytest.raises(AssertionError, match="1011"):
        _check([accept, hello, {"type": "websocket.close", "code": 1011}], allowed=True, who="owner")
    with pytest.raises(AssertionError, match="without a code"):
        _check([accept, {"type": "websocket.close"}], allowed=True, who="owner")
    with pytest.raises(AssertionError, match="NaN"):
        _check([accept, {"type": "websocket.send", "text": '{"a": NaN}'}], allowed=True, who="owner")
    _check([accept, hello, {"type": "websocket.close", "code": 4403}], allowed=True, who="owner")


def record_conversations(request: pytest.FixtureRequest, n: int) -> None:
    from fuzz_helpers import record_cases

    record_cases(request, "websocket conversations", n)


ROUTES = {"ws/live/<int:recording_id>/": "live", "ws/rooms/<int:room_id>/": "rooms"}
