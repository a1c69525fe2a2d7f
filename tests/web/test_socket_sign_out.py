"""Ending a session closes the websockets it opened: sign out everywhere, sign out, delete the account.

A socket outlives the page request that opened it; without this, a browser signed out "everywhere"
kept receiving a room's broadcasts (who is there, the steps, partners' hearts) until it closed the
tab. Room sockets are told through the channel layer at once; the live socket has no channel layer
and checks its session as beats arrive (docs/security.md, "Sessions").
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from live_helpers import ORIGIN, WebsocketClient
from room_helpers import application, pair_room

from attune.web.accounts import sessions
from attune.web.accounts.actions import delete_account
from attune.web.live import consumers as live_consumers
from attune.web.physio import actions as physio_actions
from attune.web.physio.models import Recording

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(user: Any) -> tuple[Client, bytes]:
    client = Client()
    client.force_login(user)
    return client, f"sessionid={client.cookies['sessionid'].value}".encode()


async def _socket(path: str, cookie: bytes) -> WebsocketClient:
    comm = WebsocketClient(application, path, [ORIGIN, (b"cookie", cookie)])
    connected, _ = await comm.connect()
    assert connected
    welcome = await comm.receive_json_from()
    assert welcome["type"] == "welcome", welcome
    return comm


async def _signed_out_and_closed(comm: WebsocketClient) -> None:
    told = await comm.receive_json_from()
    assert told["type"] == "signed_out", told
    closed = await comm.receive_output(3)
    assert closed == {"type": "websocket.close", "code": 4401}


async def _still_open(comm: WebsocketClient) -> None:
    """The socket answers a ping (room broadcasts such as someone arriving may come first)."""
    await comm.send_json_to({"type": "ping", "sent_ms": 1})
    for _ in range(10):
        message = await comm.receive_json_from()
        assert message["type"] != "signed_out", message
        if message["type"] == "pong":
            return
    raise AssertionError("no pong")


async def _room_sockets(owner: Any, other: Any) -> tuple[Client, WebsocketClient, WebsocketClient]:
    room = await sync_to_async(pair_room)(owner, other)
    owner_client, owner_cookie = await sync_to_async(_signed_in)(owner)
    _, other_cookie = await sync_to_async(_signed_in)(other)
    mine = await _socket(f"/ws/rooms/{room.pk}/", owner_cookie)
    partner = await _socket(f"/ws/rooms/{room.pk}/", other_cookie)
    return owner_client, mine, partner


async def test_signing_out_everywhere_closes_a_room_socket_of_that_account_only(owner: Any, other: Any) -> None:
    _, mine, partner = await _room_sockets(owner, other)
    here, _ = await sync_to_async(_signed_in)(owner)  # the browser that asks to sign out everywhere else
    response = await sync_to_async(here.post)("/accounts/settings/sign-out-everywhere/")
    assert response.status_code == 302
    await _signed_out_and_closed(mine)
    # The partner is in the same room on their own session: nothing happens to them.
    await _still_open(partner)
    await partner.disconnect()


async def test_signing_out_in_one_tab_closes_that_sessions_room_socket_in_another(owner: Any, other: Any) -> None:
    owner_client, mine, partner = await _room_sockets(owner, other)
    response = await sync_to_async(owner_client.post)("/accounts/logout/")
    assert response.status_code in (200, 302)
    await _signed_out_and_closed(mine)
    await _still_open(partner)
    await partner.disconnect()


async def test_deleting_the_account_closes_its_room_sockets(owner: Any, other: Any) -> None:
    _, mine, partner = await _room_sockets(owner, other)
    await sync_to_async(delete_account)(owner)
    await _signed_out_and_closed(mine)
    await partner.disconnect()


async def test_the_live_socket_closes_on_its_next_message_once_its_session_has_ended(
    owner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_consumers, "SESSION_CHECK_S", 0.0)
    recording = await sync_to_async(physio_actions.start_recording)(owner, kind="free")
    _, cookie = await sync_to_async(_signed_in)(owner)
    live = await _socket(f"/ws/live/{recording.pk}/", cookie)
    await live.send_json_to({"type": "beats", "seq": 1, "rr_ms": [800.0, 810.0]})
    assert (await live.receive_json_from())["type"] == "ack"  # signed in: beats are taken
    await live.receive_json_from()  # the reading that follows the ack

    await sync_to_async(sessions.end_all_sessions)(owner)
    await live.send_json_to({"type": "beats", "seq": 2, "rr_ms": [820.0]})
    await _signed_out_and_closed(live)
    stored = await Recording.objects.aget(pk=recording.pk)
    assert (stored.acked_seq, stored.beats) == (1, 2)  # the message after signing out was not stored
