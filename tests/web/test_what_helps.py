"""What helps me: the personal map page, through HTTP, with every persona."""

from __future__ import annotations

import re
from typing import Any

import pytest
from daily_factories import make_sessions
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "today:what_helps"


def _practice_rows(html: str, state: str) -> list[str]:
    section = html.split(f'id="from-{state}"', 1)[1].split("By condition", 1)[0]
    return re.findall(r'<th scope="row" class="c-name">([^<]+)<', section)


@pytest.fixture
def owner_map(owner: Any) -> None:
    """From activated: a longer breath out +3 over 6 times, walking slowly +1 over 5, a hug +4 twice."""
    breath = {"practice_slug": "a-longer-breath-out", "practice_title": "A longer breath out"}
    make_sessions(owner, 6, **breath, before_safety=3, after_safety=6)
    walk = {"practice_slug": "walking-slowly", "practice_title": "Walking slowly"}
    make_sessions(owner, 5, days_ago=20, **walk, before_safety=4, after_safety=5, after_state="activated")
    make_sessions(owner, 2, days_ago=10, practice_slug="long-hug", practice_title="A long, easy hug",
                  before_safety=2, after_safety=6)


@pytest.mark.parametrize("name", [URL, "today:reflection"])
def test_an_anonymous_visitor_is_sent_to_sign_in_from_either_insight_page(anon_client: Client, name: str) -> None:
    response = anon_client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_an_empty_map_is_calm_and_says_how_it_fills_in(owner_client: Client) -> None:
    html = owner_client.get(reverse(URL)).content.decode()
    assert "Nothing here yet" in html and "No sessions began activated yet" in html
    assert '<table class="map">' not in html


@pytest.mark.usefixtures("owner_map")
def test_practices_are_sorted_by_what_helped_most_and_few_sessions_read_not_enough_yet(owner_client: Client) -> None:
    html = owner_client.get(reverse(URL)).content.decode()
    assert _practice_rows(html, "activated") == ["A longer breath out", "Walking slowly", "A long, easy hug"]
    hug_row = html.split("A long, easy hug<", 1)[1].split("</tr>", 1)[0]
    assert "not enough yet" in hug_row and "<svg" not in hug_row
    assert "in your sessions so far" in html.lower() and " works" not in html


@pytest.mark.usefixtures("owner_map")
def test_each_row_with_enough_sessions_draws_its_interval_and_says_it_in_words(owner_client: Client) -> None:
    html = owner_client.get(reverse(URL)).content.decode()
    row = html.split("A longer breath out<", 1)[1].split("</tr>", 1)[0]
    low, high = (float(x) for x in re.search(r'class="iv-range" x1="([\d.]+)" x2="([\d.]+)"', row).groups())
    mean = float(re.search(r'class="iv-mean" x1="([\d.]+)"', row).group(1))
    assert 0 <= low < mean < high <= 1000
    change = re.search(r"<strong>\+(\d\.\d)</strong> <span[^>]*>\+(\d\.\d) to \+(\d\.\d)</span>", row)
    assert change is not None and float(change[2]) < float(change[1]) < float(change[3])
    assert "6 of 6" in row  # ended settled every time, in plain counts


@pytest.mark.usefixtures("owner_map")
def test_every_block_of_numbers_has_its_what_is_this(owner_client: Client) -> None:
    html = owner_client.get(reverse(URL)).content.decode()
    assert html.count("What is this?") == 2  # the page's, and one for the only state with sessions
    assert "90 % interval" in html and "not enough yet" in html.lower()


@pytest.mark.usefixtures("owner_map")
def test_conditions_are_on_the_map_too(owner_client: Client) -> None:
    section = owner_client.get(reverse(URL)).content.decode().split("By condition", 1)[1]
    assert "Slowing down" in section and "Gentle physical connection" in section


@pytest.mark.usefixtures("owner_map")
@pytest.mark.parametrize("persona", ["other_client", "guide_client"])
def test_nobody_else_sees_anything_of_a_members_map(persona: str, request: pytest.FixtureRequest) -> None:
    client: Client = request.getfixturevalue(persona)
    response = client.get(reverse(URL))
    html = response.content.decode()
    assert response.status_code == 200 and "Nothing here yet" in html
    assert "A longer breath out" not in html and "Walking slowly" not in html


def test_today_and_history_link_to_the_map(owner_client: Client) -> None:
    for name in ("today:today", "today:history"):
        assert reverse(URL) in owner_client.get(reverse(name)).content.decode()
