"""Straps in a room: the guide sees a count and, from five, the room's median coherence; a partner
sees a heart rate only when it is shared; nobody ever gets one person's numbers by another route."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from room_helpers import opened, pair_room, workshop

from attune.web.rooms import actions, straps

pytestmark = pytest.mark.django_db(transaction=True)


def _members(django_user_model: Any, n: int) -> list[Any]:
    names = [f"heron-{i}-of-the-circle" for i in range(n)]
    return [django_user_model.objects.create_user(name, f"{name}@example.test", "x" * 12) for name in names]


def _rr_series(seconds: float, breath_hz: float = 0.1, mean_ms: float = 950.0) -> list[float]:
    """RR intervals of a heart swinging with slow breathing, as a strap would send them."""
    out, t = [], 0.0
    while t < seconds:
        rr = mean_ms + 60.0 * math.sin(2 * math.pi * breath_hz * t)
        out.append(round(rr, 1))
        t += rr / 1000.0
    return out


async def _send_beats(comm: Any, rr: list[float], *, share: bool = False, demo: bool = False) -> None:
    for i in range(0, len(rr), 16):
        await comm.send_json_to({"type": "beats", "rr_ms": rr[i : i + 16], "share": share, "demo": demo})


async def _summary_with(guide: Any, connected: int, ready: int | None = None) -> dict[str, Any]:
    """The first summary counting these straps (and, if given, this many ready): beats are handled
    as they arrive, so a summary may count a strap before its last beats are in."""
    for _ in range(400):
        message = await guide.receive_json_from(timeout=5)
        counted = message["type"] == "straps" and message["connected"] == connected
        if counted and (ready is None or message["ready"] == ready):
            return dict(message)
    raise AssertionError(f"no summary with {connected} straps ({ready} ready)")


async def test_the_guide_sees_the_count_and_the_median_coherence_only_from_five_straps(
    guide: Any, django_user_model: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(straps, "SUMMARY_EVERY_S", 0.05)
    w = await sync_to_async(workshop)(guide)
    people = await sync_to_async(_members)(django_user_model, 5)
    for person in people:
        await sync_to_async(actions.enrol)(person, w)
    console, _ = await opened(w.room_id, guide)
    assert await _summary_with(console, 0) == {
        "type": "straps", "connected": 0, "demo": 0, "ready": 0, "min_straps": 5, "median_coherence": None
    }
    screens = [(await opened(w.room_id, person))[0] for person in people]
    for n, screen in enumerate(screens[:4]):
        await _send_beats(screen, _rr_series(80), demo=n == 0)
    four = await _summary_with(console, 4, ready=4)
    assert four["ready"] == 4 and four["demo"] == 1 and four["median_coherence"] is None  # four: no number
    await _send_beats(screens[4], _rr_series(80))
    five = await _summary_with(console, 5, ready=5)
    assert five["ready"] == 5 and five["median_coherence"] is not None and five["median_coherence"] > 0.5
    assert set(five) == {"type", "connected", "demo", "ready", "min_straps", "median_coherence"}  # nobody's own
    for screen in screens:  # participants get no summary and nobody's heart
        assert await screen.receive_nothing(0.2)
    await screens[4].disconnect()  # a strap that leaves is no longer counted
    assert (await _summary_with(console, 4))["median_coherence"] is None
    for comm in (console, *screens[:4]):
        await comm.disconnect()


async def test_a_strap_that_has_not_run_a_minute_is_counted_but_not_in_the_median(
    guide: Any, django_user_model: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(straps, "SUMMARY_EVERY_S", 0.05)
    w = await sync_to_async(workshop)(guide)
    people = await sync_to_async(_members)(django_user_model, 5)
    for person in people:
        await sync_to_async(actions.enrol)(person, w)
    console, _ = await opened(w.room_id, guide)
    screens = [(await opened(w.room_id, person))[0] for person in people]
    for screen in screens:
        await _send_beats(screen, _rr_series(20))  # still calibrating
    summary = await _summary_with(console, 5)
    assert summary["ready"] == 0 and summary["median_coherence"] is None
    for comm in (console, *screens):
        await comm.disconnect()


async def test_a_partner_sees_a_heart_rate_only_while_it_is_shared(owner: Any, other: Any) -> None:
    room = await sync_to_async(pair_room)(owner, other)
    host, _ = await opened(room.pk, owner)
    partner, _ = await opened(room.pk, other)
    await _send_beats(host, [900.0, 910.0], share=False)
    assert await partner.receive_nothing(0.2)
    await _send_beats(host, [900.0, 910.0], share=True, demo=True)
    heart = await partner.receive_json_from()
    assert heart["type"] == "heart" and heart["rr_ms"] == [900.0, 910.0] and heart["demo"] is True
    assert isinstance(heart["server_ms"], int)
    assert await host.receive_nothing(0.2)  # one's own heart is drawn from one's own strap
    await host.disconnect()
    await partner.disconnect()


async def test_in_a_workshop_a_heart_is_never_passed_on_even_when_asked(
    owner: Any, other: Any, guide: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(straps, "SUMMARY_EVERY_S", 60)
    w = await sync_to_async(workshop)(guide)
    for person in (owner, other):
        await sync_to_async(actions.enrol)(person, w)
    console, _ = await opened(w.room_id, guide)  # its first summary comes after a minute here
    a, _ = await opened(w.room_id, owner)
    b, _ = await opened(w.room_id, other)
    await _send_beats(a, [900.0, 910.0], share=True)
    assert await b.receive_nothing(0.2) and await console.receive_nothing(0.2)
    for comm in (console, a, b):
        await comm.disconnect()


@pytest.mark.parametrize(
    "message",
    [
        {"type": "beats", "rr_ms": []},
        {"type": "beats", "rr_ms": [900.0] * 17},
        {"type": "beats", "rr_ms": [90.0]},
        {"type": "beats", "rr_ms": [900, "910"]},
        {"type": "beats", "rr_ms": [900, True]},
        {"type": "beats", "rr_ms": [900], "share": "yes"},
        {"type": "beats", "rr_ms": "900"},
    ],
)
async def test_malformed_beats_are_refused_and_pass_nothing_on(owner: Any, other: Any, message: Any) -> None:
    room = await sync_to_async(pair_room)(owner, other)
    host, _ = await opened(room.pk, owner)
    partner, _ = await opened(room.pk, other)
    await host.send_json_to({**message, "share": message.get("share", True)})
    error = await host.receive_json_from()
    assert error["type"] == "error" and error["code"] == "malformed"
    assert await partner.receive_nothing(0.2)
    await host.disconnect()
    await partner.disconnect()


async def _next(comm: Any, kind: str) -> dict[str, Any]:
    for _ in range(50):
        message = await comm.receive_json_from(timeout=3)
        if message["type"] == kind:
            return dict(message)
    raise AssertionError(f"no {kind}")


async def test_with_both_sharing_a_pair_sees_synchrony_only_after_a_clean_minute(
    owner: Any, other: Any, monkeypatch: Any
) -> None:
    from attune.web.rooms import consumers

    clock = {"ms": 1_000_000}
    monkeypatch.setattr(consumers.actions, "now_ms", lambda: clock["ms"])
    room = await sync_to_async(pair_room)(owner, other)
    host, _ = await opened(room.pk, owner)
    partner, _ = await opened(room.pk, other)
    a, b = _rr_series(90), _rr_series(90, mean_ms=955.0)  # both on one slow breath
    seen: list[dict[str, Any]] = []
    elapsed = 0.0
    for i in range(0, min(len(a), len(b)) - 8, 8):
        elapsed += sum(a[i : i + 8])
        clock["ms"] = 1_000_000 + int(elapsed)
        await host.send_json_to({"type": "beats", "rr_ms": a[i : i + 8], "share": True})
        await _next(partner, "heart")
        await partner.send_json_to({"type": "beats", "rr_ms": b[i : i + 8], "share": True})
        await _next(host, "heart")
        message = await host.receive_json_from(timeout=0.3) if elapsed > 3000 else None
        if message and message["type"] == "synchrony":
            seen.append(message | {"elapsed": elapsed})
        await asyncio.sleep(0.01)  # the rate limit: a browser sends once a second
        if elapsed > 75_000:
            break
    assert seen, "no synchrony figure at all"
    early = [s for s in seen if s["elapsed"] < 55_000]
    assert early and all(s["calibrating"] and s["r"] is None for s in early)  # calibrating first
    late = seen[-1]
    assert not late["calibrating"] and late["r"] > 0.9 and late["window_s"] == 60.0
    assert late["null_p95"] is not None and late["p_value"] is not None
    await host.disconnect()
    await partner.disconnect()


async def test_no_synchrony_figure_while_only_one_partner_shares(owner: Any, other: Any) -> None:
    room = await sync_to_async(pair_room)(owner, other)
    host, _ = await opened(room.pk, owner)
    partner, _ = await opened(room.pk, other)
    await host.send_json_to({"type": "beats", "rr_ms": [900.0] * 8, "share": True})
    await _next(partner, "heart")
    await partner.send_json_to({"type": "beats", "rr_ms": [900.0] * 8, "share": False})
    assert await host.receive_nothing(0.3) and await partner.receive_nothing(0.3)
    await host.disconnect()
    await partner.disconnect()
