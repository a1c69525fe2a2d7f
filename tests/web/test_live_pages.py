"""The live practice page and the resonance wizard page: what the server renders for the browser."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client
from django.urls import reverse

from attune.web.practices.models import PracticeSession


def _config(html: str) -> dict[str, Any]:
    m = re.search(r'<script id="live-config" type="application/json">(.*?)</script>', html, re.S)
    assert m, "the page hands its settings to live.js through json_script"
    return json.loads(m.group(1))


def test_the_live_page_explains_every_reading_with_its_method_and_window(owner_client: Client) -> None:
    html = owner_client.get(reverse("live:practice")).content.decode()
    assert html.count("What is this?") == 5  # four readings and the summary at the end
    assert "over the last 60 seconds" in html and "over the last 64 seconds" in html
    assert "calibrating" in html


def test_the_live_page_says_plainly_when_a_browser_has_no_web_bluetooth(owner_client: Client) -> None:
    html = owner_client.get(reverse("live:practice")).content.decode()
    assert "This browser can't connect to a Bluetooth heart-rate strap." in html
    assert "No browser on an iPhone or iPad has it, and neither does Firefox." in html
    assert reverse("practices:pacer") in html  # the practice without a sensor
    assert "simulated" in html


def test_the_live_page_offers_a_felt_safety_reading_before_and_after(owner_client: Client) -> None:
    html = owner_client.get(reverse("live:practice")).content.decode()
    assert 'name="before-safety"' in html and 'name="after-safety"' in html
    assert 'name="before-state"' in html and 'name="after-state"' in html
    config = _config(html)
    assert config["session_start_url"] == reverse("practices:session_start")
    assert config["session_practice"] == "pacer"


def test_a_practice_session_started_the_way_the_live_page_does_carries_the_before_reading(
    owner_client: Client, owner: Any
) -> None:
    config = _config(owner_client.get(reverse("live:practice")).content.decode())
    # What live.js sends (a 6-a-minute rhythm); then the recording links to the session.
    out = owner_client.post(
        config["session_start_url"],
        {"practice": config["session_practice"], "safety": "4", "state": "activated",
         "inhale": "4.500", "hold_in": "0", "exhale": "5.500", "hold_out": "0"},
        HTTP_ACCEPT="application/json",
    ).json()
    rec = owner_client.post(
        config["start_url"], {"kind": "practice", "pacer_bpm": "6", "practice_session": str(out["id"])}
    ).json()
    session = PracticeSession.objects.get(pk=out["id"], user=owner)
    assert session.before_safety == 4 and session.recordings.get().pk == rec["id"]


def test_the_wizard_page_lists_the_five_rates_and_the_quick_mode(owner_client: Client) -> None:
    html = owner_client.get(reverse("live:resonance")).content.decode()
    assert "6.5, 6, 5.5, 5, 4.5 breaths a minute" in html
    assert "two minutes each, with a minute's rest between" in html
    assert 'id="rz-quick"' in html and "one minute at each pace" in html
    assert _config(html)["rates_bpm"] == [6.5, 6.0, 5.5, 5.0, 4.5]


def test_anonymous_visitors_are_sent_to_sign_in(anon_client: Client) -> None:
    for name in ("live:practice", "live:resonance"):
        response = anon_client.get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"]
