"""Bodies no client of attune sends: odd charsets on every endpoint, deep JSON, huge integers, multipart.

Each gets a clear 4xx (or, over the websocket, an error message on a socket that stays open), never
a 500 or a dropped socket.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from fuzz_helpers import asgi_request, requests_in_this_thread  # noqa: F401  (fixture)
from live_helpers import ORIGIN, WebsocketClient, session_cookie

from attune.web.physio import actions

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    from attune.web.asgi import application

HUGE = int("9" * 400)


def _placeholder(converter: Any) -> Any:
    if isinstance(converter, IntConverter):
        return 1
    if isinstance(converter, UUIDConverter):
        return "00000000-0000-0000-0000-000000000001"
    return "x"


def _post_urls(patterns: list[Any], namespace: str = "") -> list[str]:
    """Every attune URL (and the admin's login), with placeholder arguments."""
    urls: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            if (p.namespace or namespace) != "admin":
                urls += _post_urls(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            converters = getattr(p.pattern, "converters", {})
            kwargs = {k: _placeholder(c) for k, c in converters.items()}
            urls.append(reverse(f"{namespace}:{p.name}", kwargs=kwargs))
    return [*urls, reverse("admin:login")]


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["utf-16", "rot13", "zlib", "utf-32", "cp037"])
def test_a_body_in_a_charset_attune_does_not_read_is_400_everywhere(charset: str, owner: Any) -> None:
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(owner)
    anonymous = Client(raise_request_exception=False)
    body = "name=value&csrfmiddlewaretoken=x".encode("utf-16") if charset == "utf-16" else b"name=value"
    for url in _post_urls(get_resolver().url_patterns):
        for client in (anonymous, signed_in):
            for content_type in ("application/x-www-form-urlencoded", "application/json", "multipart/form-data"):
                response = client.generic("POST", url, body, content_type=f"{content_type}; charset={charset}")
                assert response.status_code == 400, (url, content_type, response.status_code)


@pytest.mark.django_db
def test_ordinary_charsets_still_work(owner_client: Client) -> None:
    for charset in ("utf-8", "UTF-8", "us-ascii"):
        body = json.dumps({"kind": "free"})
        response = owner_client.post(reverse("live:start_recording"), body, f"application/json; charset={charset}")
        assert response.status_code == 201, charset
        actions.finish_recording(response.json()["id"])


def _beats_url(owner: Any) -> str:
    return reverse("physio:beats", args=[actions.start_recording(owner).pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "message",
    [
        {"seq": 1, "rr_ms": [HUGE]},
        {"seq": 1, "rr_ms": [-HUGE]},
        {"seq": HUGE, "rr_ms": [800]},
        {"seq": 1, "rr_ms": [800], "sent_ms": HUGE},
    ],
)
def test_the_beats_upload_refuses_a_400_digit_integer(owner_client: Client, owner: Any, message: Any) -> None:
    response = owner_client.post(_beats_url(owner), json.dumps({"messages": [message]}), "application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"


@pytest.mark.django_db
def test_the_beats_upload_refuses_deeply_nested_json(owner_client: Client, owner: Any) -> None:
    deep = "[" * 50_000 + "]" * 50_000
    for body in (deep, '{"messages": ' + deep + "}"):
        response = owner_client.post(_beats_url(owner), body, "application/json")
        assert response.status_code == 400 and response.json()["code"] == "malformed"


@pytest.mark.django_db
def test_the_beats_upload_refuses_a_multipart_body(owner: Any) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(client_user := owner)
    client.get(reverse("today:today"))
    token = client.cookies["csrftoken"].value
    assert client_user.is_authenticated
    response = client.post(_beats_url(owner), {"csrfmiddlewaretoken": token, "messages": "[]"})
    assert response.status_code == 415
    assert "JSON" in response.json()["error"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "frame",
    [
        {"type": "beats", "seq": 1, "rr_ms": [HUGE]},
        {"type": "beats", "seq": HUGE, "rr_ms": [800]},
        {"type": "beats", "seq": 1, "rr_ms": [800], "sent_ms": -HUGE},
        {"type": "ping", "sent_ms": HUGE},
        "[" * 4000 + "]" * 4000,
        '{"type": "ping", "sent_ms": ' + "[" * 3000 + "]" * 3000 + "}",
    ],
)
async def test_the_websocket_answers_hostile_numbers_and_nesting_with_an_error_and_stays_open(
    owner: Any, frame: Any
) -> None:
    rec = await sync_to_async(actions.start_recording)(owner)
    cookie = await sync_to_async(session_cookie)(owner)
    comm = WebsocketClient(application, f"/ws/live/{rec.pk}/", [ORIGIN, (b"cookie", cookie)])
    assert (await comm.connect())[0]
    await comm.receive_json_from()  # welcome
    await comm.send_to(text_data=frame if isinstance(frame, str) else json.dumps(frame))
    error = await comm.receive_json_from()
    assert error["type"] == "error" and error["code"] in {"malformed", "too_large"}
    await comm.send_json_to({"type": "ping"})
    assert (await comm.receive_json_from())["type"] == "pong"
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_an_unexpected_error_closes_the_socket_with_a_code_never_a_silent_drop(
    owner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from attune.web.live import consumers

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(consumers, "parse", broken)
    rec = await sync_to_async(actions.start_recording)(owner)
    cookie = await sync_to_async(session_cookie)(owner)
    comm = WebsocketClient(application, f"/ws/live/{rec.pk}/", [ORIGIN, (b"cookie", cookie)])
    assert (await comm.connect())[0]
    await comm.receive_json_from()  # welcome
    await comm.send_json_to({"type": "ping"})
    closed = await comm.receive_output(3)
    assert closed["type"] == "websocket.close" and closed["code"] == 1011



@pytest.mark.django_db
@pytest.mark.usefixtures("requests_in_this_thread")
@pytest.mark.parametrize("charset", ["latin-1", "us-ascii", "utf8", "iso-8859-1"])
def test_a_form_body_in_any_charset_but_utf8_is_400_not_500(charset: str, owner: Any) -> None:
    # Found by tests/web/test_fuzz_http.py, through the real ASGI stack with CSRF checks. Django
    # refuses a urlencoded body in any charset but "utf-8" when CSRF reads it, then again in each
    # error page's own CSRF check: the exception escaped the handler and the server answered 500.
    req = {"method": "POST", "query": "", "body": b"a=b",
           "content_type": f"application/x-www-form-urlencoded; charset={charset}"}
    for cookie in ("", session_cookie(owner).decode()):
        for url in ("/about/", reverse("checkins:new"), reverse("accounts:login")):
            status, body = asgi_request(cookie, url, req)
            assert status == 400, (url, charset, body)
            assert b"UTF-8" in body
