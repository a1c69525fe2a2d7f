"""Reminders: none by default, at most one a day, never in quiet hours, in the member's own time zone;
a Web Push reminder is received and decrypted by a push service on this machine."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import stat
import threading
import zoneinfo
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core import mail
from django.test import Client
from django.urls import reverse

from attune.web.checkins.models import CheckIn
from attune.web.reminders import actions, vapid
from attune.web.reminders.models import Channel, PushSubscription, ReminderPreference

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
SETTINGS = reverse("reminders:settings")
ADD = reverse("reminders:add_device")
CHOICE = {"channel": "push", "at": "09:00", "quiet_from": "21:00", "quiet_until": "08:00"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushService:
    """A push service on the loopback interface: it keeps each message it is sent and answers 201
    (410 Gone for an address ending in /gone, as for a browser that unsubscribed)."""

    def __init__(self) -> None:
        received = self.received = []  # type: list[dict[str, Any]]

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                received.append({"path": self.path, "headers": headers, "body": body})
                self.send_response(410 if self.path.endswith("/gone") else 201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def push_service(settings: Any, tmp_path: Any) -> Any:
    settings.DATA_DIR = tmp_path
    settings.ATTUNE_PUSH_ALLOW_HTTP = True
    settings.ATTUNE_PUSH_HOSTS = ["127.0.0.1"]
    service = PushService()
    yield service
    service.close()


@pytest.fixture
def device(owner_client: Client, push_service: Any) -> dict[str, Any]:
    """A browser's subscription, made the way a browser makes one (RFC 8291 keys), given to attune."""
    receiver = ec.generate_private_key(ec.SECP256R1())
    public = receiver.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    auth = os.urandom(16)
    sub = {"endpoint": push_service.url + "/push/device-1", "keys": {"p256dh": b64url(public), "auth": b64url(auth)}}
    response = owner_client.post(ADD, json.dumps(sub), content_type="application/json")
    assert response.status_code == 200, response.content
    return {"private": receiver, "auth": auth, "subscription": sub}


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def _choose(client: Client, owner: Any, **choice: str) -> None:
    owner.timezone = "America/New_York"
    owner.save(update_fields=["timezone"])
    response = client.post(SETTINGS, {**CHOICE, **choice})
    assert response.status_code == 302, response.content.decode()


def test_there_are_no_reminders_unless_a_member_chooses_one(
    owner_client: Client, owner: Any, push_service: Any
) -> None:
    page = owner_client.get(SETTINGS).content.decode()
    assert 'value="none" checked' in page
    assert actions.send_due(_at(2026, 3, 2, 9, 5)) == []
    assert not ReminderPreference.objects.exists()


def test_a_push_reminder_arrives_encrypted_and_decrypts_to_an_invitation(
    owner_client: Client, owner: Any, device: dict[str, Any], push_service: PushService
) -> None:
    _choose(owner_client, owner)
    sent = actions.send_due(_at(2026, 3, 2, 9, 5))
    assert [(s.user_id, s.channel) for s in sent] == [(owner.pk, "push")]
    [message] = push_service.received
    assert message["path"] == "/push/device-1"
    assert message["headers"]["content-encoding"] == "aes128gcm"
    assert int(message["headers"]["ttl"]) == actions.PUSH_TTL_S
    plain = http_ece.decrypt(
        message["body"], private_key=device["private"], auth_secret=device["auth"], version="aes128gcm"
    )
    payload = json.loads(plain)
    assert payload == {"title": actions.TITLE, "body": actions.BODY, "url": "/"}
    words = (payload["title"] + payload["body"]).lower()
    assert "might" in words and not any(w in words for w in ("streak", "missed", "don't forget", "should", "must"))
    # Signed with attune's own VAPID key, for this push service.
    scheme, _, params = message["headers"]["authorization"].partition(" ")
    fields = dict(p.strip().split("=", 1) for p in params.split(","))
    assert scheme == "vapid" and fields["k"] == vapid.public_key_b64()
    claims = json.loads(unb64url(fields["t"].split(".")[1]))
    assert claims["aud"] == push_service.url and claims["sub"].startswith("mailto:")


def test_the_vapid_key_is_made_once_and_readable_by_its_owner_only(push_service: Any) -> None:
    first = vapid.public_key_b64()
    assert stat.S_IMODE(vapid.key_path().stat().st_mode) == 0o600
    assert vapid.public_key_b64() == first
    assert len(unb64url(first)) == 65


def test_never_more_than_one_a_day_in_the_members_own_day(
    owner_client: Client, owner: Any, device: Any, push_service: PushService
) -> None:
    _choose(owner_client, owner)
    for moment in (_at(2026, 3, 2, 9, 5), _at(2026, 3, 2, 9, 10), _at(2026, 3, 2, 11, 55)):
        actions.send_due(moment)
    assert len(push_service.received) == 1
    # 02:30 UTC on the 3rd is still the evening of the 2nd in New York (and quiet hours): nothing.
    actions.send_due(dt.datetime(2026, 3, 3, 2, 30, tzinfo=dt.UTC))
    assert len(push_service.received) == 1
    actions.send_due(_at(2026, 3, 3, 9, 0))
    assert len(push_service.received) == 2


def test_nothing_comes_before_the_chosen_time_or_long_after_it(
    owner_client: Client, owner: Any, device: Any, push_service: PushService
) -> None:
    _choose(owner_client, owner)
    actions.send_due(_at(2026, 3, 2, 8, 55))
    actions.send_due(_at(2026, 3, 2, 12, 1))
    assert push_service.received == []


def test_quiet_hours_hold_even_past_midnight(owner: Any) -> None:
    pref = ReminderPreference(user=owner, channel=Channel.PUSH, at=dt.time(23, 0),
                              quiet_from=dt.time(22, 0), quiet_until=dt.time(7, 0))
    assert pref.is_quiet(dt.time(23, 30)) and pref.is_quiet(dt.time(3, 0)) and not pref.is_quiet(dt.time(7, 0))
    pref.save()
    assert not actions.is_due(pref, dt.datetime(2026, 3, 2, 23, 10, tzinfo=dt.UTC))


def test_a_time_inside_quiet_hours_is_refused_in_plain_words(owner_client: Client, owner: Any) -> None:
    response = owner_client.post(SETTINGS, {**CHOICE, "at": "22:30"})
    assert response.status_code == 400
    assert "inside your quiet hours" in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_no_reminder_on_a_day_the_member_already_checked_in(
    owner_client: Client, owner: Any, device: Any, push_service: PushService
) -> None:
    _choose(owner_client, owner)
    CheckIn.objects.create(user=owner, created_at=_at(2026, 3, 2, 7, 30), state="settled", felt_safety=6,
                           breath=3, muscles=3, attention=3, felt_connection=5)
    assert actions.send_due(_at(2026, 3, 2, 9, 5)) == []
    assert push_service.received == []


def test_an_email_reminder_invites_and_says_how_to_stop_it(owner_client: Client, owner: Any, settings: Any) -> None:
    owner.email = "owner@example.org"
    owner.save(update_fields=["email"])
    _choose(owner_client, owner, channel="email")
    assert [s.channel for s in actions.send_due(_at(2026, 3, 2, 9, 5))] == ["email"]
    [message] = mail.outbox
    assert message.to == ["owner@example.org"] and message.subject == actions.EMAIL_SUBJECT
    assert settings.SITE_URL + SETTINGS in message.body and "might" in message.body
    assert not any(w in message.body.lower() for w in ("streak", "missed", "you haven't"))


def test_a_device_gone_from_its_push_service_is_forgotten(
    owner_client: Client, owner: Any, device: Any, push_service: PushService
) -> None:
    _choose(owner_client, owner)
    PushSubscription.objects.filter(user=owner).update(endpoint=push_service.url + "/push/gone")
    assert actions.send_due(_at(2026, 3, 2, 9, 5)) == []
    assert len(push_service.received) == 1
    assert not PushSubscription.objects.filter(user=owner).exists()


def test_a_push_service_that_cannot_be_reached_stops_nothing_else(
    owner_client: Client, owner: Any, device: Any, push_service: PushService
) -> None:
    _choose(owner_client, owner)
    PushSubscription.objects.filter(user=owner).update(endpoint="http://127.0.0.1:9/push/x")  # nothing listens
    assert actions.send_due(_at(2026, 3, 2, 9, 5)) == []
    assert ReminderPreference.objects.get(user=owner).last_sent_on == dt.date(2026, 3, 2)
    assert PushSubscription.objects.filter(user=owner).exists()


@pytest.mark.parametrize(
    "endpoint",
    ["http://169.254.169.254/latest", "https://internal.example.org/push", "ftp://fcm.googleapis.com/x", "not a url"],
)
def test_it_sends_only_to_the_browsers_push_services(owner_client: Client, endpoint: str) -> None:
    sub = {"endpoint": endpoint, "keys": {"p256dh": "B" * 87, "auth": "A" * 22}}
    response = owner_client.post(ADD, json.dumps(sub), content_type="application/json")
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_an_outsider_cannot_add_a_device(anon_client: Client) -> None:
    sub = {"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": {"p256dh": "B" * 87, "auth": "A" * 22}}
    response = anon_client.post(ADD, json.dumps(sub), content_type="application/json")
    assert response.status_code == 302
    assert not PushSubscription.objects.exists()
