"""Nothing a signed-in member is shown may be kept by a browser's or a proxy's cache."""

from __future__ import annotations

from typing import Any

import pytest
from daily_factories import make_checkin
from django.test import Client
from django.urls import reverse

from attune.web.journal import actions as journal_actions
from attune.web.physio import actions as physio_actions
from tests.web.journal_helpers import journal_keys  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("journal_keys")


def _private_urls(owner: Any) -> list[str]:
    checkin = make_checkin(owner, note="a private note")
    entry = journal_actions.write_entry(owner, body="A quiet morning.")
    recording = physio_actions.start_recording(owner)
    physio_actions.append_beats(recording, 1, [800.0, 810.0, 790.0])
    physio_actions.finish_recording(recording)
    return [
        reverse("today:today"),
        reverse("today:history"),
        reverse("journal:list"),
        reverse("journal:detail", args=[entry.pk]),
        reverse("checkins:detail", args=[checkin.pk]),
        reverse("checkins:edit", args=[checkin.pk]),
        reverse("physio:recording", args=[recording.pk]),
        reverse("physio:rr", args=[recording.pk]),
        reverse("accounts:settings"),
        reverse("accounts:export"),
        reverse("audit:activity"),
        reverse("workbooks:list"),
    ]


def test_every_page_behind_login_says_no_store(owner_client: Client, owner: Any) -> None:
    for url in _private_urls(owner):
        response = owner_client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.get("Cache-Control", ""), url
        assert "private" in response["Cache-Control"], url


def test_an_answer_to_a_signed_in_post_says_no_store_too(owner_client: Client) -> None:
    response = owner_client.post(reverse("live:start_recording"), {"kind": "free"})
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]


def test_a_public_page_for_a_visitor_is_left_to_the_usual_rules(anon_client: Client) -> None:
    response = anon_client.get(reverse("today:about"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
