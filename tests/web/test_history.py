"""History: by day in the member's time zone, the felt-safety chart's data, before/after per practice."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from typing import Any

import pytest
from daily_factories import make_checkin, make_session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.common.stats import safety_change

pytestmark = pytest.mark.django_db
URL = reverse("today:history")


def chart(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="safety-data" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_an_anonymous_visitor_is_sent_to_sign_in(anon_client: Client) -> None:
    response = anon_client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_an_empty_history_is_calm(owner_client: Client) -> None:
    response = owner_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing here yet" in html and "streak" not in html.lower()


def test_days_are_the_members_own_days(owner_client: Client, owner: Any) -> None:
    # Olive lives in London; 23:30 London time on 1 July (BST) is 22:30 UTC on 1 July,
    # and 00:30 on 2 July London is 23:30 UTC on 1 July.
    london = zoneinfo.ZoneInfo("Europe/London")
    now = timezone.now().astimezone(london)
    day = (now - dt.timedelta(days=3)).date()
    late = dt.datetime.combine(day, dt.time(23, 30), tzinfo=london)
    early = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 30), tzinfo=london)
    make_checkin(owner, when=late, felt_safety=2)
    make_checkin(owner, when=early, felt_safety=8)
    html = owner_client.get(URL, {"range": "30"}).content.decode()
    points = dict(map(tuple, chart(html)["points"]))
    assert points[day.isoformat()] == 2
    assert points[(day + dt.timedelta(days=1)).isoformat()] == 8


def test_the_chart_holds_the_daily_mean_and_the_table_the_same_numbers(owner_client: Client, owner: Any) -> None:
    now = timezone.now()
    make_checkin(owner, when=now - dt.timedelta(minutes=5), felt_safety=3)
    make_checkin(owner, when=now - dt.timedelta(minutes=1), felt_safety=6)
    html = owner_client.get(URL).content.decode()
    data = chart(html)
    assert data["weekly"] is False
    assert data["points"][-1][1] == pytest.approx(4.5, abs=1e-9)
    assert "<td>4.5</td><td>2</td>" in html


def test_long_ranges_are_weekly(owner_client: Client, owner: Any) -> None:
    make_checkin(owner, felt_safety=5)
    data = chart(owner_client.get(URL, {"range": "all"}).content.decode())
    assert data["weekly"] is True
    assert dt.date.fromisoformat(data["points"][0][0]).weekday() == 0


def test_the_day_list_shows_check_ins_and_sessions_and_pages_back(owner_client: Client, owner: Any) -> None:
    make_checkin(owner, note="today's note")
    make_session(owner, practice_title="One slow minute", before_safety=3, after_safety=5)
    old = make_checkin(owner, when=timezone.now() - dt.timedelta(days=40))
    html = owner_client.get(URL).content.decode()
    assert "One slow minute" in html and "felt safety 3 → 5" in html
    assert reverse("checkins:detail", args=[old.pk]) not in html
    assert "Earlier days" in html
    earlier = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    html = owner_client.get(URL, {"until": earlier}).content.decode()
    assert reverse("checkins:detail", args=[old.pk]) in html


def test_it_shows_only_the_members_own_history(other_client: Client, owner: Any) -> None:
    checkin = make_checkin(owner)
    make_session(owner, practice_title="Owner's practice")
    html = other_client.get(URL).content.decode()
    assert reverse("checkins:detail", args=[checkin.pk]) not in html
    assert "Owner" not in html


def test_before_and_after_reads_calibrating_until_three_sessions(owner_client: Client, owner: Any) -> None:
    for before, after in ((3, 5), (4, 7)):
        make_session(
            owner, practice_slug="a-nature-sit", practice_title="A nature sit", before_safety=before, after_safety=after
        )
    html = owner_client.get(URL).content.decode()
    assert "calibrating (2&nbsp;of&nbsp;3)" in html
    make_session(owner, practice_slug="a-nature-sit", practice_title="A nature sit", before_safety=5, after_safety=6)
    html = owner_client.get(URL).content.decode()
    # changes 2, 3, 1: mean 2.0, sample sd 1.0, standard error 1/sqrt(3) = 0.577
    row = re.search(r"A nature sit</th>\s*<td>3</td>\s*<td>(.*?)</td>", html, re.S)
    assert row is not None and "+2.0" in row.group(1) and "± 0.6" in row.group(1)
    assert "4.0 → 6.0" in row.group(1)  # mean before (3, 4, 5) and after (5, 7, 6), read at a glance
    assert "after minus before" not in html
    assert "What is this?" in html and "standard error" in html


def test_sessions_without_both_readings_do_not_count(owner_client: Client, owner: Any) -> None:
    make_session(owner, before_safety=None)
    make_session(owner, after_safety=None)
    html = owner_client.get(URL).content.decode()
    assert "calibrating (" not in html and '<table class="changes">' not in html


@pytest.mark.parametrize(
    "query", [{"range": "forever"}, {"until": "yesterday"}, {"until": "2999-01-01"}, {"until": "1900-01-01"}]
)
def test_bad_parameters_get_a_clear_message_and_sensible_defaults(owner_client: Client, query: dict[str, str]) -> None:
    response = owner_client.get(URL, query)
    assert response.status_code == 400
    assert "isn&#x27;t" in response.content.decode()


def test_safety_change_summary_matches_a_hand_computation() -> None:
    changes = [2.0, -1.0, 3.0, 0.0]
    s = safety_change("x", "X", len(changes), sum(changes), sum(c * c for c in changes))
    mean = 1.0
    sd = (sum((c - mean) ** 2 for c in changes) / 3) ** 0.5
    assert s.mean == pytest.approx(mean, rel=1e-12)
    assert s.standard_error == pytest.approx(sd / 2, rel=1e-12)
    assert not s.calibrating
    assert safety_change("x", "X", 0, 0, 0).mean is None
    assert safety_change("x", "X", 1, 2, 4).standard_error is None


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_days_follow_a_far_time_zone_where_the_utc_date_differs(owner_client: Client, owner: Any, zone: str) -> None:
    owner.timezone = zone
    owner.save(update_fields=["timezone"])
    tz = zoneinfo.ZoneInfo(zone)
    day = (timezone.now().astimezone(tz) - dt.timedelta(days=3)).date()
    # 23:50 on ``day`` and 00:10 the next day: twenty minutes apart, two of the member's days,
    # yet on the same UTC date (UTC+14 and UTC-11 both put these two moments on one UTC date).
    late = dt.datetime.combine(day, dt.time(23, 50), tzinfo=tz)
    early = late + dt.timedelta(minutes=20)
    assert late.astimezone(dt.UTC).date() == early.astimezone(dt.UTC).date()
    make_checkin(owner, when=late, felt_safety=2)
    make_checkin(owner, when=early, felt_safety=8)
    make_session(owner, when=early + dt.timedelta(minutes=1))
    response = owner_client.get(URL, {"range": "30"})
    html = response.content.decode()
    points = dict(map(tuple, chart(html)["points"]))
    assert points[day.isoformat()] == 2 and points[(day + dt.timedelta(days=1)).isoformat()] == 8
    next_day = day + dt.timedelta(days=1)
    heading = f"{next_day:%A}, {next_day.day} {next_day:%B %Y}"
    assert heading in html and "23:50" in html and "00:10" in html and "00:11" in html


def test_within_a_day_check_ins_and_sessions_interleave_latest_first(owner_client: Client, owner: Any) -> None:
    london = zoneinfo.ZoneInfo("Europe/London")
    day = (timezone.now().astimezone(london) - dt.timedelta(days=2)).date()
    at = lambda h, m: dt.datetime.combine(day, dt.time(h, m), tzinfo=london)  # noqa: E731
    make_checkin(owner, when=at(7, 1))
    make_session(owner, when=at(8, 2), practice_title="Morning practice")
    make_checkin(owner, when=at(20, 3))
    html = owner_client.get(URL).content.decode()
    article = html[html.index(f"{day:%A}, {day.day} {day:%B %Y}") :]
    article = article[: article.index("</article>")]
    assert article.index("20:03") < article.index("08:02") < article.index("07:01")


def test_history_shows_a_finished_heart_recording_with_its_summary(
    owner_client: Client, owner: Any, other: Any
) -> None:
    from live_helpers import chunks, paced_rr

    from attune.web.physio import actions

    def record(user: Any) -> Any:
        rec = actions.start_recording(user)
        for seq, group in enumerate(chunks(paced_rr(150, seed=3), 5), start=1):
            assert actions.append_beats(rec, seq, group).stored
        return actions.finish_recording(rec)

    mine, theirs = record(owner), record(other)
    html = owner_client.get(reverse("today:history")).content.decode()
    assert reverse("physio:recording", args=[mine.pk]) in html
    assert reverse("physio:recording", args=[theirs.pk]) not in html
    assert "RMSSD" in html


def test_a_new_members_chart_spans_their_days_not_ninety_empty_ones(owner_client: Client, owner: Any) -> None:
    make_checkin(owner, felt_safety=5)
    html = owner_client.get(URL).content.decode()
    today = timezone.localdate()
    data = chart(html)
    assert data["first"] == (today - dt.timedelta(days=6)).isoformat()  # a week, the shortest axis
    assert '<a class="chip-link" href="?range=30" aria-current="true">' in html


@pytest.mark.parametrize(("days_ago", "key"), [(20, "30"), (60, "90"), (200, "365"), (500, "all")])
def test_with_no_range_asked_for_it_picks_the_shortest_that_holds_the_data(
    owner_client: Client, owner: Any, days_ago: int, key: str
) -> None:
    first = timezone.now() - dt.timedelta(days=days_ago)
    make_checkin(owner, when=first, felt_safety=3)
    make_checkin(owner, felt_safety=6)
    html = owner_client.get(URL).content.decode()
    assert f'href="?range={key}" aria-current="true"' in html
    data = chart(html)
    first_day = timezone.localtime(first).date()
    if data["weekly"]:  # a year or more is drawn by week, from the Monday of the first one
        first_day -= dt.timedelta(days=first_day.weekday())
    assert data["first"] == first_day.isoformat()
    assert len(data["points"]) == 2


def test_an_asked_for_range_still_wins(owner_client: Client, owner: Any) -> None:
    make_checkin(owner, felt_safety=5)
    html = owner_client.get(URL, {"range": "365"}).content.decode()
    assert 'href="?range=365" aria-current="true"' in html
