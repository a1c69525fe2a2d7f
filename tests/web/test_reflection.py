"""The weekly reflection: this week and earlier weeks, printable, with no streaks, scores or guilt."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from daily_factories import make_checkin, make_session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

URL = "today:reflection"
GUILT = re.compile(r"streak|missed|score|behind|catch up|failed|should have|in a row", re.I)


def _monday() -> dt.date:
    today = timezone.now().astimezone(dt.UTC).date()
    return today - dt.timedelta(days=today.weekday())


def _at(day: dt.date, hour: int) -> dt.datetime:
    import zoneinfo

    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture
def last_week(owner: Any) -> dt.date:
    """Last week: three check-ins on two days and a longer breath out twice from activated, 3 → 6."""
    monday = _monday() - dt.timedelta(days=7)
    for day, hour in ((0, 8), (0, 19), (2, 8)):
        make_checkin(owner, when=_at(monday + dt.timedelta(days=day), hour))
    for day in (0, 2):
        make_session(owner, when=_at(monday + dt.timedelta(days=day), 9), practice_slug="a-longer-breath-out",
                     practice_title="A longer breath out", before_safety=3, after_safety=6)
    return monday


def test_an_empty_week_is_fine_and_says_so(owner_client: Client) -> None:
    html = owner_client.get(reverse(URL)).content.decode()
    assert "This week so far" in html and "Nothing was recorded this week, and that is fine." in html
    assert not GUILT.search(html.split("<main", 1)[1])


def test_an_earlier_week_shows_its_counts_what_helped_and_an_observation(
    owner_client: Client, last_week: dt.date
) -> None:
    html = owner_client.get(reverse(URL), {"week": last_week.isoformat()}).content.decode()
    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))
    assert counts == {
        "Check-ins": "3",
        "Days with a check-in": "2",
        "Practices with readings": "2",
        "Ended settled": "2",
    }
    assert "A longer breath out" in html and "felt safety 3.0 → 6.0" in html
    assert "From activated, a longer breath out lifted your felt safety by +3.0 on average over 2 sessions" in html
    assert html.count("What is this?") == 2
    assert not GUILT.search(html.split("<main", 1)[1])


def test_any_day_of_a_week_shows_that_week_and_it_pages_between_weeks(owner_client: Client, last_week: dt.date) -> None:
    html = owner_client.get(reverse(URL), {"week": (last_week + dt.timedelta(days=3)).isoformat()}).content.decode()
    assert f'href="?week={(last_week + dt.timedelta(days=7)).isoformat()}"' in html  # later: this week
    assert "Earlier week" not in html  # nothing before it
    this_week = owner_client.get(reverse(URL)).content.decode()
    assert f'href="?week={last_week.isoformat()}"' in this_week and "Later week" not in this_week


@pytest.mark.parametrize("week", ["next-tuesday", "1999-01-04", "2999-01-04"])
def test_a_week_we_cannot_show_gets_a_clear_message_and_this_week(owner_client: Client, week: str) -> None:
    response = owner_client.get(reverse(URL), {"week": week})
    assert response.status_code == 400
    assert "That week isn&#x27;t one we can show" in response.content.decode()


def test_it_is_laid_out_for_print(owner_client: Client) -> None:
    html = owner_client.get(reverse(URL)).content.decode()
    assert 'href="/static/css/print.css" media="print"' in html and 'class="row week-nav no-print"' in html


@pytest.mark.parametrize("persona", ["other_client", "guide_client"])
def test_nobody_else_sees_anything_of_a_members_week(
    persona: str, request: pytest.FixtureRequest, last_week: dt.date
) -> None:
    client: Client = request.getfixturevalue(persona)
    html = client.get(reverse(URL), {"week": last_week.isoformat()}).content.decode()
    assert "Nothing was recorded this week" in html and "A longer breath out" not in html
