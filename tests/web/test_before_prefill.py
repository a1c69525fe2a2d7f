"""Right after a check-in, the "before" questions of a practice are filled in from it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.common.recent import SESSION_KEY

pytestmark = pytest.mark.django_db

CHECKIN = {
    "state": "activated", "felt_safety": "4", "breath": "2", "muscles": "3", "attention": "2", "felt_connection": "5"
}
PAGES = [
    reverse("practices:player", args=["a-longer-breath-out"]),
    reverse("practices:pacer"),
    reverse("live:practice"),
]


def _checked(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)" checked', html)


@pytest.mark.parametrize("url", PAGES)
def test_a_practice_right_after_a_check_in_starts_from_its_answers(owner_client: Client, url: str) -> None:
    assert owner_client.post(reverse("checkins:new"), CHECKIN).status_code == 302
    html = owner_client.get(url).content.decode()
    assert _checked(html, "before-safety") == ["4"]
    assert _checked(html, "before-state") == ["activated"]
    assert "from your check-in just now" in html.lower()
    assert _checked(html, "after-safety") == []  # the after-reading is always the member's own


@pytest.mark.parametrize("url", PAGES)
def test_without_a_recent_check_in_nothing_is_chosen_for_them(owner_client: Client, url: str) -> None:
    html = owner_client.get(url).content.decode()
    assert _checked(html, "before-safety") == [] and _checked(html, "before-state") == []


def test_a_check_in_from_an_hour_ago_is_not_used(owner_client: Client, owner: Any) -> None:
    owner_client.post(reverse("checkins:new"), CHECKIN)
    session = owner_client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "at": (timezone.now() - dt.timedelta(hours=1)).isoformat()}
    session.save()
    html = owner_client.get(PAGES[0]).content.decode()
    assert _checked(html, "before-safety") == []
