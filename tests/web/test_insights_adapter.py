"""The pure adapter from attune's rows to the insights' inputs (attune/web/today/insights.py)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from attune.content.practices import Library, load_library
from attune.web.today import insights
from tests.web.daily_factories import REPO

LONDON = zoneinfo.ZoneInfo("Europe/London")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(REPO / "content" / "practices")


def _utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, minute, tzinfo=dt.UTC)


def _session(slug: str, at: dt.datetime, before: int | None = 4, after: int | None = 6, state: str = "activated"):
    return (slug, at, before, state, after, "settled")


def _checkin(at: dt.datetime, context: str = "", consent: bool = False, state: str = "activated"):
    return (at, state, 5, context, consent)


@pytest.mark.parametrize(
    ("context", "consent", "expected"),
    [
        ("with_someone", False, "with_someone"),
        ("", True, "with_someone"),
        ("alone", False, "alone"),
        ("outdoors", False, "alone"),
        ("with_animal", False, "alone"),
        ("at_work", False, "alone"),
        ("", False, "alone"),
    ],
)
def test_only_someone_there_or_a_yes_to_consent_counts_as_company(context: str, consent: bool, expected: str) -> None:
    assert insights.company(context, consent) == expected


def test_company_comes_from_that_days_latest_check_in_before_the_session(library: Library) -> None:
    checkins = [
        _checkin(_utc(3, 8), "with_someone"),
        _checkin(_utc(3, 12), "alone"),
        _checkin(_utc(4, 20), "with_someone"),  # the evening before: a new day by the session's morning
    ]
    sessions = [
        _session("hand-on-heart", _utc(3, 9)),  # after the 08:00 check-in: with someone
        _session("hand-on-heart", _utc(3, 13)),  # after the 12:00 one: alone
        _session("hand-on-heart", _utc(3, 7)),  # before any check-in that day: alone
        _session("hand-on-heart", _utc(5, 7)),  # yesterday's check-in does not count
    ]
    out = insights.outcomes(sessions, checkins, library.practices, LONDON)
    assert [o.company for o in out] == ["with_someone", "alone", "alone", "alone"]


def test_the_day_is_the_members_own_day() -> None:
    # 23:30 UTC on the 3rd is 08:30 on the 4th in Tokyo, like the 00:30 UTC session: the same local day.
    checkins = [_checkin(_utc(3, 23, 30), "with_someone")]
    out = insights.outcomes([_session("pacer", _utc(4, 0, 30))], checkins, insights.with_pacer([]), TOKYO)
    assert out[0].company == "with_someone" and out[0].at.hour == 9 and out[0].at.utcoffset() == dt.timedelta(hours=9)
    assert insights.outcomes([_session("pacer", _utc(4, 0, 30))], checkins, [], TOKYO) == []  # unknown: left out


def test_sessions_without_readings_or_a_known_practice_are_left_out(library: Library) -> None:
    sessions = [
        _session("a-longer-breath-out", _utc(3, 9)),
        _session("a-longer-breath-out", _utc(3, 10), before=None),
        _session("a-longer-breath-out", _utc(3, 11), after=None),
        _session("a-longer-breath-out", _utc(3, 12), state=""),
        _session("a-retired-practice", _utc(3, 13)),
        _session("pacer", _utc(3, 14)),
    ]
    out = insights.outcomes(sessions, [], insights.with_pacer(library.practices), LONDON)
    assert [(o.practice, o.condition) for o in out] == [
        ("a-longer-breath-out", "slowing-down"),
        ("pacer", "slowing-down"),
    ]
    assert out[0].change == 2.0 and out[0].state_after == "settled"


def test_the_pacer_is_on_the_map_but_never_suggested() -> None:
    from attune.core.insights import Moment, screen

    moment = Moment(state="activated", felt_safety=4, at=_utc(3, 9))
    assert screen(insights.PACER, moment) is not None


def test_a_moment_has_consent_only_when_someone_is_there_and_both_said_yes() -> None:
    assert insights.moment(_checkin(_utc(3, 9), "with_someone", True), LONDON).consent is True
    assert insights.moment(_checkin(_utc(3, 9), "with_someone", False), LONDON).consent is False
    m = insights.moment(_checkin(_utc(3, 9), "", True), LONDON)
    assert (m.company, m.consent) == ("with_someone", True)
    m = insights.moment(_checkin(_utc(3, 9), "outdoors", False), LONDON)
    assert (m.company, m.consent) == ("alone", False)


def test_check_in_records_are_in_local_time() -> None:
    records = insights.checkin_records([_checkin(_utc(3, 23, 30), "with_someone")], TOKYO)
    assert records[0].at.date() == dt.date(2025, 3, 4) and records[0].company == "with_someone"


def test_the_same_member_day_and_check_in_draw_the_same_and_others_do_not() -> None:
    day = dt.date(2025, 3, 3)
    first = insights.suggestion_rng(1, day, 10).random(4)
    assert (insights.suggestion_rng(1, day, 10).random(4) == first).all()
    for other in (insights.suggestion_rng(2, day, 10), insights.suggestion_rng(1, day + dt.timedelta(1), 10),
                  insights.suggestion_rng(1, day, 11)):
        assert (other.random(4) != first).all()
