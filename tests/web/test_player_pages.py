"""The player and pacer pages: strict-CSP friendly markup, data for the scripts, safety words."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.web.practices.library import current_library

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("today:today"),
    reverse("today:history"),
    reverse("checkins:new"),
    reverse("practices:library"),
    reverse("practices:detail", args=["long-hug"]),
    reverse("practices:player", args=["six-breaths-a-minute"]),
    reverse("practices:pacer"),
]


def json_script(html: str, element_id: str) -> Any:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None, element_id
    return json.loads(found.group(1))


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_inline_script_or_style(owner_client: Client, url: str) -> None:
    html = owner_client.get(url).content.decode()
    assert " style=" not in html and "<style" not in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", html), "inline event handler"


def test_the_player_hands_its_steps_and_pacer_to_the_script(owner_client: Client) -> None:
    practice = current_library()["six-breaths-a-minute"]
    html = owner_client.get(reverse("practices:player", args=[practice.slug])).content.decode()
    data = json_script(html, "player-data")
    assert data["slug"] == practice.slug and data["calming"] is True
    assert [s["seconds"] for s in data["steps"]] == [s.seconds for s in practice.steps]
    paced = [s for s in data["steps"] if s["pacer"]]
    assert paced and paced[0]["pacer"]["inhale"] == pytest.approx(4.5) and paced[0]["pacer"]["holdIn"] == 0
    assert data["startUrl"] == reverse("practices:session_start")
    assert 'type="module" src="/static/js/player.js"' in html


def test_the_player_offers_pause_stop_and_skippable_readings(owner_client: Client) -> None:
    html = owner_client.get(reverse("practices:player", args=["six-breaths-a-minute"])).content.decode()
    for words in (
        'id="btn-pause"',
        'id="btn-stop"',
        'id="btn-skip"',
        "Skip and begin",
        "Before you begin",
        "How are you now?",
    ):
        assert words in html
    assert "If you feel dizzy" in html
    assert 'name="before-safety"' in html and 'name="after-state"' in html
    assert "<progress" in html


def test_the_pacer_defaults_to_the_members_own_rate(owner_client: Client, owner: Any) -> None:
    owner.default_pacer_bpm = 5.5
    owner.save(update_fields=["default_pacer_bpm"])
    html = owner_client.get(reverse("practices:pacer")).content.decode()
    data = json_script(html, "pacer-data")
    assert data["defaultBpm"] == 5.5 and data["ownRate"] is True
    assert 'value="own" checked' in html
    assert "stop and breathe normally" in html


def test_the_pacer_ignores_an_out_of_range_stored_rate(owner_client: Client, owner: Any) -> None:
    owner.default_pacer_bpm = 14
    owner.save(update_fields=["default_pacer_bpm"])
    data = json_script(owner_client.get(reverse("practices:pacer")).content.decode(), "pacer-data")
    assert data["defaultBpm"] == 6.0 and data["ownRate"] is False


def test_the_pacer_offers_the_presets_and_custom_timing(owner_client: Client) -> None:
    html = owner_client.get(reverse("practices:pacer")).content.decode()
    assert "4.5 s in, 5.5 s out" in html and "4 s in, 6 s out" in html
    for field in ("c-inhale", "c-hold-in", "c-exhale", "c-hold-out"):
        assert f'for="{field}"' in html
    assert 'value="six-a-minute" checked' in html


def test_the_scripts_the_pages_load_exist(owner_client: Client) -> None:
    from django.contrib.staticfiles import finders

    for url in PAGES:
        html = owner_client.get(url).content.decode()
        for src in re.findall(r'<script[^>]*src="/static/([^"]+)"', html):
            assert finders.find(src) or _in_package(src), src


def _in_package(rel: str) -> bool:
    from pathlib import Path

    import attune.web

    return (Path(attune.web.__file__).parent / "static" / rel).is_file()


def test_the_player_leads_back_to_a_workbook_day_when_sent_from_one(owner_client: Any) -> None:
    url = reverse("practices:player", args=["six-breaths-a-minute"])
    html = owner_client.get(url + "?next=/workbooks/1/day/3/").content.decode()
    assert 'href="/workbooks/1/day/3/"' in html and "Back to your workbook" in html


def test_the_player_ignores_a_next_link_to_another_site(owner_client: Any) -> None:
    url = reverse("practices:player", args=["six-breaths-a-minute"])
    html = owner_client.get(url + "?next=https://elsewhere.example/steal").content.decode()
    assert "elsewhere.example" not in html and "Back to today" in html
