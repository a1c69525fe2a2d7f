"""Recordings are bounded: beats and duration per recording, and open recordings per member.

The caps are made small here (they are module constants read on every append) so the tests stay quick.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from live_helpers import ORIGIN, WebsocketClient, session_cookie

from attune.web.physio import actions
from attune.web.physio.models import Recording

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    from attune.web.asgi import application


@pytest.fixture(autouse=True)
def _small_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions, "MAX_RECORDING_BEATS", 20)
    monkeypatch.setattr(actions, "MAX_RECORDING_S", 60)
    monkeypatch.setattr(actions, "MAX_OPEN_RECORDINGS", 2)


def _upload(client: Client, rec: Recording, messages: list[dict[str, Any]]) -> Any:
    body = json.dumps({"messages": messages})
    return client.post(reverse("physio:beats", args=[rec.pk]), body, content_type="application/json")


def _beats(first_seq: int, count: int, rr: float = 800.0, per: int = 4) -> list[dict[str, Any]]:
    return [{"seq": first_seq + i, "rr_ms": [rr] * per} for i in range(count)]


@pytest.mark.django_db
def test_an_upload_past_the_beat_cap_stores_up_to_it_then_refuses_clearly(owner_client: Client, owner: Any) -> None:
    rec = actions.start_recording(owner)
    response = _upload(owner_client, rec, _beats(1, 6))  # 24 beats against a cap of 20
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "full" and body["acked_seq"] == 5 and body["stored"] == 5
    assert "finish it and start a new one" in body["error"]
    rec.refresh_from_db()
    assert rec.beats == 20


@pytest.mark.django_db
def test_an_upload_past_the_duration_cap_is_refused(
    owner_client: Client, owner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actions, "MAX_RECORDING_BEATS", 1000)
    rec = actions.start_recording(owner)
    response = _upload(owner_client, rec, _beats(1, 8, rr=2500.0, per=4))  # 10 s a message, cap 60 s
    assert response.status_code == 409 and response.json()["code"] == "full"
    rec.refresh_from_db()
    assert rec.beats == 24 and rec.acked_seq == 6


@pytest.mark.django_db
def test_a_member_can_have_only_so_many_open_recordings(owner_client: Client, owner: Any, other: Any) -> None:
    url = reverse("live:start_recording")
    assert owner_client.post(url, {"kind": "free"}).status_code == 201
    assert owner_client.post(url, {"kind": "free"}).status_code == 201
    refused = owner_client.post(url, {"kind": "free"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "too_many_open"
    assert "finish" in refused.json()["error"]
    assert Recording.objects.filter(user=owner).count() == 2
    # Someone else is not affected, and a finished or abandoned recording frees a place.
    assert actions.start_recording(other) is not None
    first = Recording.objects.filter(user=owner).first()
    assert first is not None
    actions.finish_recording(first)
    assert owner_client.post(url, {"kind": "free"}).status_code == 201
    Recording.objects.filter(user=owner).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    assert owner_client.post(url, {"kind": "free"}).status_code == 201


@pytest.mark.django_db(transaction=True)
async def test_the_websocket_says_a_recording_is_full_and_stays_open(owner: Any) -> None:
    rec = await sync_to_async(actions.start_recording)(owner)
    cookie = await sync_to_async(session_cookie)(owner)
    comm = WebsocketClient(application, f"/ws/live/{rec.pk}/", [ORIGIN, (b"cookie", cookie)])
    assert (await comm.connect())[0]
    await comm.receive_json_from()  # welcome
    for seq in range(1, 6):
        await comm.send_json_to({"type": "beats", "seq": seq, "rr_ms": [800.0] * 4})
        assert (await comm.receive_json_from())["type"] == "ack"
        await comm.receive_json_from()  # reading
    await comm.send_json_to({"type": "beats", "seq": 6, "rr_ms": [800.0] * 4})
    error = await comm.receive_json_from()
    assert error["type"] == "error" and error["code"] == "full" and error["expected_seq"] == 6
    await comm.send_json_to({"type": "ping"})
    assert (await comm.receive_json_from())["type"] == "pong"
    await comm.disconnect()
