"""The HTTP beats upload (POST /physio/recordings/<id>/beats/): the websocket's fallback.

It must store exactly what the websocket would, once, in order; and refuse anything hostile
without a 500 and without changing anything.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from live_helpers import chunks, paced_rr
from numpy.testing import assert_array_equal

from attune.web.accounts import throttle
from attune.web.physio import actions, views
from attune.web.physio.models import LiveBeatBatch, Recording
from attune.web.physio.protocol import MAX_UPLOAD_BYTES, MAX_UPLOAD_MESSAGES, ProtocolError, parse


def _messages(rr: np.ndarray, size: int = 5, first_seq: int = 1) -> list[dict[str, Any]]:
    return [{"seq": seq, "rr_ms": group} for seq, group in enumerate(chunks(rr, size), start=first_seq)]


def _upload(client: Client, rec: Recording, body: Any, *, raw: bool = False) -> Any:
    data = body if raw else json.dumps({"messages": body})
    return client.post(reverse("physio:beats", args=[rec.pk]), data, content_type="application/json")


def _state(rec: Recording) -> tuple[int, int, int, Any]:
    rec.refresh_from_db()
    return rec.acked_seq, rec.beats, LiveBeatBatch.objects.filter(recording=rec).count(), rec.ended_at


@pytest.fixture
def rec(owner: Any) -> Recording:
    return actions.start_recording(owner, kind="practice", pacer_bpm=6.0)


@pytest.fixture
def rr() -> np.ndarray:
    return paced_rr(60, seed=3)


def test_starting_a_recording_names_its_beats_upload_url(owner_client: Client) -> None:
    body = owner_client.post(reverse("live:start_recording"), {"kind": "free"}).json()
    assert body["beats_url"] == f"/physio/recordings/{body['id']}/beats/"


def test_an_upload_stores_every_beat_once_and_in_order(owner_client: Client, rec: Recording, rr: np.ndarray) -> None:
    messages = _messages(rr)
    response = _upload(owner_client, rec, messages)
    assert response.status_code == 200
    assert response.json() == {"acked_seq": len(messages), "stored": len(messages), "duplicates": 0}
    assert _state(rec)[:3] == (len(messages), rr.size, len(messages))
    assert_array_equal(Recording.objects.get(pk=rec.pk).rr_ms(), rr)
    done = actions.finish_recording(rec)
    assert done.beats == rr.size
    assert_array_equal(done.rr_ms(), rr)


def test_uploading_the_same_messages_again_changes_nothing(
    owner_client: Client, rec: Recording, rr: np.ndarray
) -> None:
    messages = _messages(rr)
    assert _upload(owner_client, rec, messages).status_code == 200
    before = _state(rec)
    again = _upload(owner_client, rec, messages)
    assert again.status_code == 200
    assert again.json() == {"acked_seq": len(messages), "stored": 0, "duplicates": len(messages)}
    assert _state(rec) == before
    assert_array_equal(Recording.objects.get(pk=rec.pk).rr_ms(), rr)


def test_an_upload_continues_after_what_the_websocket_already_stored(
    owner_client: Client, rec: Recording, rr: np.ndarray
) -> None:
    messages = _messages(rr)
    for m in messages[:4]:  # these reached the server over the websocket before it went
        assert actions.append_beats(rec, m["seq"], m["rr_ms"]).stored
    response = _upload(owner_client, rec, messages)  # the browser resends its whole buffer
    assert response.status_code == 200
    assert response.json() == {"acked_seq": len(messages), "stored": len(messages) - 4, "duplicates": 4}
    assert_array_equal(Recording.objects.get(pk=rec.pk).rr_ms(), rr)


def test_a_gap_is_refused_with_the_expected_seq_and_nothing_after_it_is_stored(
    owner_client: Client, rec: Recording, rr: np.ndarray
) -> None:
    messages = _messages(rr)
    # 1 and 2 fit; 4 leaves a gap; 3 would fit after the refusal but must not be stored.
    response = _upload(owner_client, rec, [messages[0], messages[1], messages[3], messages[2]])
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "out_of_order" and body["error"]
    assert (body["acked_seq"], body["expected_seq"], body["seq"], body["stored"]) == (2, 3, 4, 2)
    acked, beats, batches, _ = _state(rec)
    assert (acked, batches) == (2, 2)
    assert beats == len(messages[0]["rr_ms"]) + len(messages[1]["rr_ms"])


def test_a_closed_recording_refuses_new_beats_clearly_but_still_acks_stored_ones(
    owner_client: Client, rec: Recording, rr: np.ndarray
) -> None:
    messages = _messages(rr)
    assert _upload(owner_client, rec, messages[:3]).status_code == 200
    actions.finish_recording(rec)
    before = _state(rec)
    response = _upload(owner_client, rec, messages[:5])
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "closed" and "finished" in body["error"]
    assert (body["acked_seq"], body["seq"], body["duplicates"], body["stored"]) == (3, 4, 3, 0)
    assert _state(rec) == before
    # A retry of what was stored before the recording closed is simply acknowledged.
    assert _upload(owner_client, rec, messages[:3]).json()["acked_seq"] == 3


def test_the_largest_upload_allowed_is_stored(owner_client: Client, rec: Recording) -> None:
    rr = paced_rr(600, seed=5)[:MAX_UPLOAD_MESSAGES]
    messages = _messages(rr, size=1)
    assert len(messages) == MAX_UPLOAD_MESSAGES
    response = _upload(owner_client, rec, messages)
    assert response.status_code == 200 and response.json()["acked_seq"] == MAX_UPLOAD_MESSAGES
    assert_array_equal(Recording.objects.get(pk=rec.pk).rr_ms(), rr)


GOOD = {"seq": 1, "rr_ms": [900.0, 910.0]}
# Messages the websocket refuses: the upload must refuse each with the same code.
BAD_MESSAGES: list[Any] = [
    {"seq": "1", "rr_ms": [900]},
    {"seq": True, "rr_ms": [900]},
    {"seq": 0, "rr_ms": [900]},
    {"seq": 1.0, "rr_ms": [900]},
    {"seq": 2**31, "rr_ms": [900]},
    {"rr_ms": [900]},
    {"seq": 1},
    {"seq": 1, "rr_ms": []},
    {"seq": 1, "rr_ms": "900"},
    {"seq": 1, "rr_ms": [900] * 17},
    {"seq": 1, "rr_ms": [199.9]},
    {"seq": 1, "rr_ms": [3000.1]},
    {"seq": 1, "rr_ms": ["900"]},
    {"seq": 1, "rr_ms": [True]},
    {"seq": 1, "rr_ms": [None]},
    {"seq": 1, "rr_ms": [[900]]},
    {"seq": 1, "rr_ms": [900], "sent_ms": "now"},
]


@pytest.mark.parametrize("message", BAD_MESSAGES, ids=[json.dumps(m) for m in BAD_MESSAGES])
def test_a_message_the_websocket_refuses_is_refused_the_same_way_and_nothing_is_stored(
    owner_client: Client, rec: Recording, message: dict[str, Any]
) -> None:
    with pytest.raises(ProtocolError) as ws:
        parse(json.dumps({"type": "beats", **message}))
    response = _upload(owner_client, rec, [GOOD, message])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == ws.value.code == "malformed"
    assert body["error"].startswith("Message 2: ") and body["index"] == 1
    assert _state(rec) == (0, 0, 0, None)  # not even the good first message


HOSTILE_BODIES: list[tuple[str, str, int]] = [
    ("not json", "this is not json", 400),
    ("empty", "", 400),
    ("nan", '{"messages": [{"seq": 1, "rr_ms": [NaN]}]}', 400),
    ("infinity", '{"messages": [{"seq": 1, "rr_ms": [Infinity]}]}', 400),
    ("nan seq", '{"messages": [{"seq": NaN, "rr_ms": [900]}]}', 400),
    ("a list", "[1, 2]", 400),
    ("a number", "5", 400),
    ("no messages", '{"beats": []}', 400),
    ("messages not a list", '{"messages": {"seq": 1}}', 400),
    ("empty messages", '{"messages": []}', 400),
    ("message not an object", '{"messages": [[1, [900]]]}', 400),
    ("another type", '{"messages": [{"type": "finish", "seq": 1, "rr_ms": [900]}]}', 400),
    ("deep nesting", "[" * 100_000 + "]" * 100_000, 400),
    ("deep nesting, small", '{"messages": ' + "[" * 5000 + "]" * 5000 + "}", 400),
    ("messages a string", '{"messages": "[1, 2]"}', 400),
    (
        "too many messages",
        json.dumps({"messages": [{"seq": i, "rr_ms": [900]} for i in range(1, MAX_UPLOAD_MESSAGES + 2)]}),
        413,
    ),
    ("too large", json.dumps({"messages": [GOOD], "pad": "x" * MAX_UPLOAD_BYTES}), 413),
]


@pytest.mark.parametrize(
    ("body", "status"), [(b, s) for _, b, s in HOSTILE_BODIES], ids=[i for i, _, _ in HOSTILE_BODIES]
)
def test_a_hostile_body_is_refused_without_changing_anything(
    owner_client: Client, rec: Recording, body: str, status: int
) -> None:
    response = _upload(owner_client, rec, body, raw=True)
    assert response.status_code == status
    payload = response.json()
    assert payload["code"] == ("too_large" if status == 413 else "malformed") and payload["error"]
    assert _state(rec) == (0, 0, 0, None)


def test_a_body_that_is_not_utf8_is_refused(owner_client: Client, rec: Recording) -> None:
    response = owner_client.post(
        reverse("physio:beats", args=[rec.pk]), b'{"messages": [\xff]}', content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "malformed"
    assert _state(rec) == (0, 0, 0, None)


def test_another_member_gets_404_and_changes_nothing(other_client: Client, rec: Recording, rr: np.ndarray) -> None:
    response = _upload(other_client, rec, _messages(rr))
    assert response.status_code == 404
    assert _state(rec) == (0, 0, 0, None)


def test_a_recording_that_does_not_exist_is_404(owner_client: Client, rec: Recording, rr: np.ndarray) -> None:
    response = owner_client.post(
        reverse("physio:beats", args=[rec.pk + 1000]), json.dumps({"messages": _messages(rr)}), "application/json"
    )
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_and_changes_nothing(
    anon_client: Client, rec: Recording, rr: np.ndarray
) -> None:
    response = _upload(anon_client, rec, _messages(rr))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert _state(rec) == (0, 0, 0, None)


def test_an_upload_without_the_csrf_token_is_refused(owner: Any, rec: Recording, rr: np.ndarray) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    token = "A" * 32
    client.cookies["csrftoken"] = token
    url = reverse("physio:beats", args=[rec.pk])
    body = json.dumps({"messages": _messages(rr)})
    assert client.post(url, body, content_type="application/json").status_code == 403
    assert _state(rec) == (0, 0, 0, None)
    ok = client.post(url, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and ok.json()["acked_seq"] == len(_messages(rr))


def test_only_post_is_allowed(owner_client: Client, rec: Recording) -> None:
    assert owner_client.get(reverse("physio:beats", args=[rec.pk])).status_code == 405


def test_append_in_order_stops_at_the_first_refusal(rec: Recording) -> None:
    results = actions.append_in_order(rec, [(1, [900.0]), (1, [900.0]), (3, [900.0]), (2, [900.0])])
    assert [r.status for r in results] == ["stored", "duplicate", "out_of_order"]
    assert results[-1].expected_seq == 2
    assert _state(rec)[:3] == (1, 1, 1)


def test_the_31st_upload_for_a_recording_in_a_minute_is_refused_and_stores_nothing(
    owner_client: Client, rec: Recording, rr: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (views.BEATS_UPLOAD_LIMIT, views.BEATS_UPLOAD_WINDOW_SECONDS) == (30, 60)
    messages = _messages(rr, size=1)[:31]
    start = throttle._now()
    monkeypatch.setattr(throttle, "_now", lambda: start)
    for message in messages[:30]:
        assert _upload(owner_client, rec, [message]).status_code == 200
    before = _state(rec)
    assert before[:3] == (30, 30, 30)

    monkeypatch.setattr(throttle, "_now", lambda: start + 10.5)
    refused = _upload(owner_client, rec, [messages[30]])
    assert refused.status_code == 429
    payload = refused.json()
    assert payload["type"] == "error" and payload["code"] == "rate_limited"
    assert payload["message"] and payload["error"] == payload["message"]
    assert payload["retry_after_ms"] == 49_500
    assert refused["Retry-After"] == "50"
    assert _state(rec) == before

    monkeypatch.setattr(throttle, "_now", lambda: start + 59.9)
    assert _upload(owner_client, rec, [messages[30]]).status_code == 429
    assert _state(rec) == before

    monkeypatch.setattr(throttle, "_now", lambda: start + 60)
    again = _upload(owner_client, rec, [messages[30]])
    assert again.status_code == 200 and again.json()["acked_seq"] == 31
    assert _state(rec)[:3] == (31, 31, 31)


def test_the_upload_limit_counts_each_recording_on_its_own(
    owner: Any, owner_client: Client, rec: Recording, rr: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = throttle._now()
    monkeypatch.setattr(throttle, "_now", lambda: start)
    for _ in range(views.BEATS_UPLOAD_LIMIT):
        assert _upload(owner_client, rec, []).status_code != 429
    assert _upload(owner_client, rec, _messages(rr)).status_code == 429
    second = actions.start_recording(owner, kind="practice", pacer_bpm=6.0)
    response = _upload(owner_client, second, _messages(rr))
    assert response.status_code == 200 and response.json()["acked_seq"] == len(_messages(rr))


def test_another_members_uploads_do_not_use_up_the_owners_limit(
    other_client: Client, owner_client: Client, rec: Recording, rr: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = throttle._now()
    monkeypatch.setattr(throttle, "_now", lambda: start)
    for _ in range(views.BEATS_UPLOAD_LIMIT + 5):
        assert _upload(other_client, rec, _messages(rr)).status_code == 404
    assert _upload(owner_client, rec, _messages(rr)).status_code == 200
