"""The language of a websocket, from its scope, as LocaleMiddleware chooses a request's (docs/translating.md)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.utils import translation
from live_helpers import ORIGIN, WebsocketClient, session_cookie
from room_helpers import application, pair_room, workshop

from attune.web.accounts import sessions
from attune.web.common.i18n import language_from_scope
from attune.web.physio import actions as physio_actions
from attune.web.rooms import actions, synchrony
from attune.web.rooms.models import Participant, Role


def _scope(*headers: tuple[bytes, bytes], cookies: dict[str, str] | None = None) -> dict[str, Any]:
    scope: dict[str, Any] = {"type": "websocket", "headers": list(headers)}
    if cookies is not None:
        scope["cookies"] = cookies
    return scope


def test_without_a_cookie_or_header_it_is_the_sites_language() -> None:
    assert language_from_scope(_scope()) == "en"
    assert language_from_scope({"type": "websocket"}) == "en"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (b"de", "de"),
        (b"de-AT,de;q=0.9,en;q=0.5", "de"),
        (b"fr-FR,fr;q=0.9,de;q=0.8", "de"),  # French is not offered: the next one that is
        (b"fr,ja", "en"),
        (b"en-GB,de;q=0.5", "en"),
        (b"*", "en"),
        (b"\xff\xfe garbage;;q=x", "en"),
    ],
)
def test_the_accept_language_header_chooses_among_the_offered_languages(accept: bytes, expected: str) -> None:
    assert language_from_scope(_scope((b"accept-language", accept))) == expected


def test_the_chosen_language_cookie_wins_over_the_header() -> None:
    assert language_from_scope(_scope((b"accept-language", b"en"), cookies={"attune_language": "de"})) == "de"
    assert language_from_scope(_scope((b"accept-language", b"de"), cookies={"attune_language": "en"})) == "en"


def test_the_cookie_is_read_from_the_header_when_no_middleware_parsed_it() -> None:
    cookie = (b"cookie", b"sessionid=abc; attune_language=de")
    assert language_from_scope(_scope(cookie, (b"accept-language", b"en"))) == "de"
    two = [(b"cookie", b"sessionid=abc"), (b"cookie", b"attune_language=de")]
    assert language_from_scope(_scope(*two)) == "de"


def test_a_cookie_for_a_language_not_offered_falls_back_to_the_header() -> None:
    assert language_from_scope(_scope((b"accept-language", b"de"), cookies={"attune_language": "xx"})) == "de"
    assert language_from_scope(_scope(cookies={"attune_language": "<script>"})) == "en"


# --- Through the real ASGI app: what a room's and a recording's socket say, in the member's language.


async def _socket(path: str, user: Any, *extra: tuple[bytes, bytes], language: str | None = None) -> WebsocketClient:
    cookie = await sync_to_async(session_cookie)(user)
    if language is not None:
        cookie += f"; attune_language={language}".encode()
    comm = WebsocketClient(application, path, [ORIGIN, (b"cookie", cookie), *extra])
    connected, _ = await comm.connect()
    assert connected
    welcome = await comm.receive_json_from()
    assert welcome["type"] == "welcome", welcome
    return comm


async def _next(comm: WebsocketClient, kind: str) -> dict[str, Any]:
    for _ in range(10):
        message = await comm.receive_json_from()
        if message["type"] == kind:
            return dict(message)
    raise AssertionError(f"no {kind}")


async def _refusal(comm: WebsocketClient, message: dict[str, Any]) -> dict[str, Any]:
    await comm.send_json_to(message)
    return await _next(comm, "error")  # a broadcast (someone arriving) may come first


async def _flooded(comm: WebsocketClient, message: dict[str, Any], times: int) -> dict[str, Any]:
    for _ in range(times):
        await comm.send_json_to(message)
    replies = [await comm.receive_json_from() for _ in range(times)]
    return next(r for r in replies if r.get("code") == "rate_limited")


@pytest.mark.django_db(transaction=True)
async def test_a_room_refuses_in_german_for_a_member_who_chose_german(owner: Any, other: Any) -> None:
    room = await sync_to_async(pair_room)(owner, other)
    host = await _socket(f"/ws/rooms/{room.pk}/", owner, language="de")
    wrong = await _refusal(host, {"type": "beats", "rr_ms": [], "share": True})
    assert wrong["code"] == "malformed"  # the protocol is the same; only the sentence changes
    assert wrong["message"] == "'rr_ms' ist eine Liste von 1 bis 16 Abständen."
    assert (await _refusal(host, {"type": "dance"}))["message"].startswith("'type' muss einer dieser Werte sein:")
    # An action's refusal, worded in the database thread.
    assert (await _refusal(host, {"type": "control", "action": "resume"}))["message"] == (
        "Das geht, sobald die Übung läuft."
    )
    limited = await _flooded(host, {"type": "ping", "sent_ms": 1}, 30)
    german = "Das war viel auf einmal: höchstens 4 Nachrichten pro Sekunde. Es hat sich nichts geändert."
    assert limited["message"] == german
    await host.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_room_refuses_in_the_browsers_language_and_in_english_without_one(owner: Any, other: Any) -> None:
    room = await sync_to_async(pair_room)(owner, other)
    german = await _socket(f"/ws/rooms/{room.pk}/", owner, (b"accept-language", b"de-DE,de;q=0.9"))
    english = await _socket(f"/ws/rooms/{room.pk}/", other)
    bad = {"type": "control", "action": "extend", "seconds": 1}
    assert (await _refusal(german, bad))["message"] == "'seconds' muss eine ganze Zahl von 15 bis 600 sein."
    assert (await _refusal(english, bad))["message"] == "'seconds' must be a whole number from 15 to 600."
    limited = await _flooded(english, {"type": "ping", "sent_ms": 1}, 30)
    assert limited["message"] == "That was a lot at once: at most 4 messages a second. Nothing changed."
    await german.disconnect()
    await english.disconnect()


def _host_place(room_id: int) -> int:
    return Participant.objects.get(room_id=room_id, role=Role.HOST).pk


@pytest.mark.django_db(transaction=True)
async def test_a_room_says_removed_in_the_members_language(guide: Any, owner: Any) -> None:
    w = await sync_to_async(workshop)(guide)
    place = await sync_to_async(actions.enrol)(owner, w)
    member = await _socket(f"/ws/rooms/{w.room_id}/", owner, language="de")
    host = await sync_to_async(_host_place)(w.room_id)
    await sync_to_async(actions.remove_participant)(w.room_id, host, place.pk)
    removed = await _next(member, "removed")
    assert removed["message"] == "Die Begleitung hat diesen Raum für dich geschlossen. Pass gut auf dich auf."
    assert (await member.receive_output(3))["code"] == 4403


@pytest.mark.django_db(transaction=True)
async def test_a_room_says_signed_out_in_the_members_language(owner: Any, other: Any) -> None:
    room = await sync_to_async(pair_room)(owner, other)
    mine = await _socket(f"/ws/rooms/{room.pk}/", owner, language="de")
    await sync_to_async(sessions.end_all_sessions)(owner)
    told = await _next(mine, "signed_out")
    assert told["message"] == "Du bist abgemeldet. Melde dich wieder an, um zurückzukommen."
    assert (await mine.receive_output(3))["code"] == 4401


@pytest.mark.django_db(transaction=True)
async def test_why_synchrony_is_calibrating_is_said_to_each_partner_in_their_language_from_their_side(
    owner: Any, other: Any
) -> None:
    room = await sync_to_async(pair_room)(owner, other)
    german = await _socket(f"/ws/rooms/{room.pk}/", owner, language="de")
    english = await _socket(f"/ws/rooms/{room.pk}/", other)
    await german.send_json_to({"type": "beats", "rr_ms": [900.0] * 8, "share": True})
    await german.send_json_to({"type": "ping", "sent_ms": 1})
    await _next(german, "pong")  # its beats are handled (alone, no figure yet) before the partner's come
    await _next(english, "heart")
    await english.send_json_to({"type": "beats", "rr_ms": [900.0] * 8, "share": True})  # figured on this side
    theirs, mine = await _next(german, "synchrony"), await _next(english, "synchrony")
    assert theirs["calibrating"] and theirs["r"] is None and set(theirs) == set(mine)  # the same message
    assert theirs["reason"] == "Dein Gegenüber: noch kein volles Zeitfenster an Schlägen"
    assert mine["reason"] == "You: not yet a full window of beats"
    await german.disconnect()
    await english.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_recording_refuses_in_german_for_a_member_who_chose_german(owner: Any) -> None:
    rec = await sync_to_async(physio_actions.start_recording)(owner, kind="free")
    live = await _socket(f"/ws/live/{rec.pk}/", owner, language="de")
    wrong = await _refusal(live, {"type": "beats", "seq": 1, "rr_ms": [5.0]})
    assert wrong["code"] == "malformed" and wrong["seq"] == 1
    assert wrong["message"] == "Jeder RR-Abstand muss eine Zahl von 200 bis 3000 ms sein."
    gap = await _refusal(live, {"type": "beats", "seq": 3, "rr_ms": [800.0]})
    assert gap["code"] == "out_of_order" and gap["expected_seq"] == 1
    assert gap["message"] == "Erwartet war Nachricht 1; schick ab dort noch einmal."
    await live.disconnect()
    english = await _socket(f"/ws/live/{rec.pk}/", owner)
    assert (await _refusal(english, {"type": "beats", "seq": 3, "rr_ms": [800.0]}))["message"] == (
        "Expected message 1; resend from there."
    )
    await english.disconnect()


def test_a_reason_is_worded_for_either_side_and_an_unknown_one_is_left_to_core() -> None:
    with translation.override("de"):
        assert synchrony.reason_text("gap", mine=True) == "Du: eine Lücke in den Schlägen"
        assert synchrony.reason_text("flat", mine=False) == "Eine Herzfrequenz ganz ohne Schwankung"
        assert synchrony.reason_text("something new", mine=True) is None
    assert synchrony.reason_text("irregular", mine=False) == "Your partner: too many irregular beats"
