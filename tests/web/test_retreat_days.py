"""The days of a retreat and after: schedule and rooms, daily check-ins, the group's anonymous
picture, asking for a word, the calendar feed, integration, follow-ups and the arc."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.checkins.models import CheckIn
from attune.web.retreats import actions, days, emails
from attune.web.retreats.models import (
    FollowUp,
    ItemKind,
    Moment,
    RetreatCheckIn,
    ScheduleItem,
    WordRequest,
)
from attune.web.rooms.models import Participant
from attune.web.workbooks.models import Enrolment, Workbook
from tests.web.conftest import _make
from tests.web.retreat_helpers import applied, retreat_led_by

pytestmark = pytest.mark.django_db

ARRIVAL = dt.date(2030, 6, 1)
DEPARTURE = ARRIVAL + dt.timedelta(days=3)


def at(day: dt.date, hour: int = 12, zone: str = "Europe/Berlin") -> dt.datetime:
    import zoneinfo

    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo(zone))


@pytest.fixture
def retreat(guide: Any) -> Any:
    return retreat_led_by(guide, starts_on=ARRIVAL)


@pytest.fixture
def place(retreat: Any, owner: Any) -> Any:
    return actions.accept(applied(owner, retreat))


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _freeze(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _practice_item(retreat: Any, **extra: Any) -> ScheduleItem:
    fields = {
        "retreat": retreat,
        "day": ARRIVAL + dt.timedelta(days=1),
        "starts_at": dt.time(7, 30),
        "duration_min": 45,
        "kind": ItemKind.PRACTICE,
        "title": "Morning slowing down",
        "practice": days.practices_for_schedule()[0].slug,
        **extra,
    }
    return days.save_item(ScheduleItem(**fields))


# ------------------------------------------------------------------ schedule


def test_a_practice_item_runs_as_a_room_with_everyone_with_a_place_seated(retreat: Any, place: Any) -> None:
    item = _practice_item(retreat)
    assert item.workshop is not None
    assert item.workshop.starts_at == at(item.day, 7) + dt.timedelta(minutes=30)
    assert Participant.objects.filter(room=item.workshop.room, user=place.user).exists()
    late = actions.accept(applied(_make("lou"), retreat))
    assert Participant.objects.filter(room=item.workshop.room, user=late.user).exists()


def test_a_meal_is_a_plain_item_and_changing_a_practice_to_a_meal_removes_its_room(retreat: Any, place: Any) -> None:
    item = _practice_item(retreat)
    room_id = item.workshop.room_id
    item.kind, item.practice = ItemKind.MEAL, ""
    days.save_item(item)
    assert item.workshop is None
    from attune.web.rooms.models import Room

    assert not Room.objects.filter(pk=room_id).exists()


def test_an_item_must_fall_on_a_day_of_the_retreat(retreat: Any) -> None:
    with pytest.raises(days.NotNow):
        days.save_item(
            ScheduleItem(
                retreat=retreat,
                day=DEPARTURE + dt.timedelta(days=1),
                starts_at=dt.time(9),
                kind=ItemKind.MEAL,
                title="Breakfast",
            )
        )


def test_the_guide_adds_an_item_through_the_page_and_tells_everyone_once(
    retreat: Any, place: Any, guide: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = _client(guide)
    url = reverse("retreats:schedule_edit", args=[retreat.pk])
    body = {
        "day": ARRIVAL.isoformat(),
        "starts_at": "12:30",
        "duration_min": "60",
        "kind": "meal",
        "title": "Lunch together",
        "practice": "",
        "note": "",
    }
    assert c.post(url, body).status_code == 302
    assert days.changes_untold(retreat) == 1
    page = c.get(url).content.decode()
    assert "Tell everyone about the changes" in page
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("retreats:schedule_tell", args=[retreat.pk]))
    assert days.changes_untold(retreat) == 0
    sent = [m for m in mail.outbox if "schedule has changed" in m.subject]
    assert len(sent) == 1 and sent[0].to == [place.user.email]
    name, content, kind = sent[0].attachments[0]
    assert name == "schedule.ics" and kind == "text/calendar"
    event = next(iter(icalendar.Calendar.from_ical(content).walk("VEVENT")))
    assert str(event["summary"]) == "Lunch together"
    assert event.decoded("dtstart") == at(ARRIVAL, 12) + dt.timedelta(minutes=30)
    assert str(event["dtstart"].params["TZID"]) == "Europe/Berlin"


def test_wrong_schedule_values_get_clear_errors_and_save_nothing(retreat: Any, guide: Any) -> None:
    c = _client(guide)
    url = reverse("retreats:schedule_edit", args=[retreat.pk])
    cases = [
        {"day": "2031-01-01", "starts_at": "09:00", "duration_min": "60", "kind": "meal", "title": "x"},
        {"day": ARRIVAL.isoformat(), "starts_at": "25:00", "duration_min": "60", "kind": "meal", "title": "x"},
        {"day": ARRIVAL.isoformat(), "starts_at": "09:00", "duration_min": "0", "kind": "meal", "title": "x"},
        {"day": ARRIVAL.isoformat(), "starts_at": "09:00", "duration_min": "60", "kind": "practice", "title": "x"},
        {"day": "nonsense", "starts_at": "09:00", "duration_min": "60", "kind": "meal", "title": "x"},
    ]
    for body in cases:
        response = c.post(url, body)
        assert response.status_code == 400, body
        assert b"errorlist" in response.content
    assert not ScheduleItem.objects.exists()


def test_removing_an_item_removes_its_room_and_counts_as_a_change(retreat: Any, place: Any, guide: Any) -> None:
    item = _practice_item(retreat)
    days.tell_schedule(retreat)
    room_id = item.workshop.room_id
    _client(guide).post(reverse("retreats:item_remove", args=[retreat.pk, item.pk]))
    from attune.web.rooms.models import Room

    assert not Room.objects.filter(pk=room_id).exists()
    retreat.refresh_from_db()
    assert days.changes_untold(retreat) == 1


# ------------------------------------------------------------------ feed


def test_the_feed_is_private_revocable_and_in_the_venues_zone(retreat: Any, place: Any, owner: Any) -> None:
    _practice_item(retreat)
    c = _client(owner)
    c.post(reverse("retreats:feed_link", args=[retreat.pk]))
    place.refresh_from_db()
    url = reverse("retreats:feed", args=[place.feed_token])
    anonymous = Client()
    response = anonymous.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    event = next(iter(cal.walk("VEVENT")))
    assert str(event["dtstart"].params["TZID"]) == "Europe/Berlin"
    assert any(str(tz["TZID"]) == "Europe/Berlin" for tz in cal.walk("VTIMEZONE"))
    old = place.feed_token
    c.post(reverse("retreats:feed_link", args=[retreat.pk]))
    assert anonymous.get(reverse("retreats:feed", args=[old])).status_code == 404
    c.post(reverse("retreats:feed_link", args=[retreat.pk]), {"stop": "1"})
    place.refresh_from_db()
    assert place.feed_token == ""
    assert anonymous.get(reverse("retreats:feed", args=["x" * 43])).status_code == 404


def test_a_members_feed_stops_when_they_step_back(retreat: Any, place: Any) -> None:
    token = days.new_feed_link(place)
    assert Client().get(reverse("retreats:feed", args=[token])).status_code == 200
    actions.withdraw(place)
    assert Client().get(reverse("retreats:feed", args=[token])).status_code == 404


# ------------------------------------------------------------------ today, check-ins, words


def test_the_daily_check_in_is_open_only_on_the_days(retreat: Any, place: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _freeze(monkeypatch, at(ARRIVAL - dt.timedelta(days=1)))
    c = _client(place.user)  # signed in at the frozen time, so the session is fresh then
    url = reverse("retreats:checkin", args=[retreat.pk])
    c.post(url, {"state": "settled", "felt_safety": "6"})
    assert not RetreatCheckIn.objects.exists()
    _freeze(monkeypatch, at(ARRIVAL + dt.timedelta(days=1), 8))
    c.post(url, {"state": "activated", "felt_safety": "4"})
    c.post(url, {"state": "settled", "felt_safety": "7"})  # the second one of the day replaces the first
    (only,) = RetreatCheckIn.objects.all()
    assert (only.day, only.state, only.felt_safety) == (ARRIVAL + dt.timedelta(days=1), "settled", 7)
    page = c.get(reverse("retreats:today", args=[retreat.pk])).content.decode()
    assert "Day 2 of 4" in page and "felt safety 7 of 10" in page


def test_a_bad_check_in_is_a_clear_400(retreat: Any, place: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _freeze(monkeypatch, at(ARRIVAL))
    c = _client(place.user)
    for body in ({"state": "fine", "felt_safety": "5"}, {"state": "settled", "felt_safety": "11"}, {}):
        response = c.post(reverse("retreats:checkin", args=[retreat.pk]), body)
        assert response.status_code == 400 and b"errorlist" in response.content
    assert not RetreatCheckIn.objects.exists()


def test_the_guide_sees_a_day_only_from_five_answers_and_never_who(
    retreat: Any, guide: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = [_make(f"groupmember{i}") for i in range(5)]  # names no random token could contain
    places = [actions.accept(applied(m, retreat)) for m in members]
    _freeze(monkeypatch, at(ARRIVAL, 9))
    for p in places[:4]:
        days.check_in(p, "settled", 6)
    c = _client(guide)
    url = reverse("retreats:group", args=[retreat.pk])
    page = c.get(url).content.decode()
    assert "4 answered so far; shown once 5 have" in page
    days.check_in(places[4], "shut_down", 2)
    page = c.get(url).content.decode()
    assert "5 answered · median felt safety 6 of 10" in page
    for m in members:
        assert m.username not in page


def test_asking_for_a_word_reaches_only_the_guide_sealed(
    retreat: Any, place: Any, guide: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _freeze(monkeypatch, at(ARRIVAL))
    _client(place.user).post(reverse("retreats:word", args=[retreat.pk]), {"note": "the evening circle was a lot"})
    (request,) = WordRequest.objects.all()
    assert b"evening circle" not in bytes(request.ciphertext)
    page = _client(guide).get(reverse("retreats:group", args=[retreat.pk])).content.decode()
    assert "the evening circle was a lot" in page
    other_guide = _make("ogden", is_guide=True)
    assert _client(other_guide).get(reverse("retreats:group", args=[retreat.pk])).status_code == 404
    _client(guide).post(reverse("retreats:word_seen", args=[retreat.pk, request.pk]))
    request.refresh_from_db()
    assert request.seen_at is not None


def test_word_notes_are_stored_only_as_ciphertext(retreat: Any, place: Any) -> None:
    days.ask_for_a_word(place, "please-find-this-word-note")
    with connection.cursor() as cursor:
        cursor.execute("select * from retreats_wordrequest")
        row = cursor.fetchone()
    assert not any(
        b"please-find-this" in (bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode()) for v in row
    )


# ------------------------------------------------------------------ after


def test_integration_starts_the_day_after_departure(guide: Any, owner: Any, builtin_workbooks: None) -> None:
    workbook = Workbook.objects.get(slug="coming-home-to-safety")
    retreat = retreat_led_by(guide, starts_on=ARRIVAL, integration=workbook)
    actions.accept(applied(owner, retreat))
    retreat.refresh_from_db()
    enrolment = Enrolment.objects.get(user=owner, cohort=retreat.integration_cohort)
    assert enrolment.start_date == DEPARTURE + dt.timedelta(days=1)


def test_follow_ups_are_invited_once_at_1_4_and_12_weeks(
    retreat: Any, place: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert days.invitations_due(at(DEPARTURE + dt.timedelta(days=6))) == []
    first = days.invitations_due(at(DEPARTURE + dt.timedelta(weeks=1)))
    assert first == [(place.pk, 1)]
    assert days.invitations_due(at(DEPARTURE + dt.timedelta(weeks=1, days=1))) == []
    assert days.invitations_due(at(DEPARTURE + dt.timedelta(weeks=4))) == [(place.pk, 4)]
    assert days.invitations_due(at(DEPARTURE + dt.timedelta(weeks=12))) == [(place.pk, 12)]
    assert FollowUp.objects.count() == 3
    message = emails.follow_up_message(place, 1)
    assert message is not None and "There is nothing you need to do" in message.body


def test_the_follow_up_check_in_and_the_arc(retreat: Any, place: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    user = place.user
    CheckIn.objects.create(
        user=user,
        created_at=at(ARRIVAL - dt.timedelta(days=3), zone=user.timezone),
        state="activated",
        felt_safety=3,
        breath=2,
        muscles=2,
        attention=2,
        felt_connection=3,
    )
    CheckIn.objects.create(
        user=user,
        created_at=at(ARRIVAL - dt.timedelta(days=2), zone=user.timezone),
        state="activated",
        felt_safety=4,
        breath=2,
        muscles=2,
        attention=2,
        felt_connection=3,
    )
    for i, safety in enumerate((5, 6, 7, 8)):
        _freeze(monkeypatch, at(ARRIVAL + dt.timedelta(days=i)))
        days.check_in(place, "settled", safety)
    _freeze(monkeypatch, at(DEPARTURE + dt.timedelta(weeks=1, days=1), zone=user.timezone))
    c = _client(user)
    assert "A week after" in c.get(reverse("retreats:today", args=[retreat.pk])).content.decode()
    c.post(reverse("retreats:checkin", args=[retreat.pk]), {"state": "settled", "felt_safety": "7"})
    assert RetreatCheckIn.objects.filter(moment=Moment.FOLLOW_UP, week=1).count() == 1
    points = days.arc(place)
    assert [p.label for p in points] == ["The week before", "Day 1", "Day 2", "Day 3", "Day 4", "1 week after"]
    assert points[0].felt_safety == 3.5 and points[0].count == 2
    page = c.get(reverse("retreats:arc", args=[retreat.pk])).content.decode()
    assert "1 week after" in page and "mean of 2" in page
    history = c.get(reverse("today:history")).content.decode()
    assert reverse("retreats:arc", args=[retreat.pk]) in history
    text = " ".join(re.sub(r"<[^>]+>", " ", history).split())
    assert "the week before 3.5 → day 1 5 → day 2 6 → day 3 7 → day 4 8 → 1 week after 7" in text


def test_the_arc_is_the_guides_to_see_only_while_shared(retreat: Any, place: Any, guide: Any) -> None:
    url = reverse("retreats:shared_arc", args=[place.pk])
    g = _client(guide)
    assert g.get(url).status_code == 404
    _client(place.user).post(reverse("retreats:arc_share", args=[retreat.pk]), {"share": "on"})
    assert g.get(url).status_code == 200
    from attune.web.audit.models import AuditEvent

    (event,) = AuditEvent.objects.filter(kind="arc_opened")
    assert event.account_id == place.user_id and event.actor_id == guide.pk
    activity = _client(place.user).get(reverse("audit:activity")).content.decode()
    assert "looked at the arc you shared from Slow days by the lake" in activity
    _client(place.user).post(reverse("retreats:arc_share", args=[retreat.pk]), {})
    assert g.get(url).status_code == 404


def test_export_holds_the_retreat_check_ins_and_words_and_deletion_removes_them(
    retreat: Any, place: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from attune.web.retreats.data_export import export_member_data

    _freeze(monkeypatch, at(ARRIVAL))
    days.check_in(place, "settled", 6)
    days.ask_for_a_word(place, "a note")
    data = export_member_data(place.user)
    assert data["retreat_checkins"][0]["felt_safety"] == 6
    assert data["retreat_word_requests"][0]["note"] == "a note"
    place.user.delete()
    assert not RetreatCheckIn.objects.exists() and not WordRequest.objects.exists()


# ------------------------------------------------------------------ who sees what


def test_outsiders_get_404_on_every_new_page(retreat: Any, place: Any, guide: Any, other: Any) -> None:
    item = _practice_item(retreat)
    other_guide = _make("ogden", is_guide=True)
    member_pages = [
        reverse(name, args=[retreat.pk]) for name in ("retreats:today", "retreats:schedule", "retreats:arc")
    ]
    guide_pages = [
        reverse("retreats:schedule_edit", args=[retreat.pk]),
        reverse("retreats:item_edit", args=[retreat.pk, item.pk]),
        reverse("retreats:group", args=[retreat.pk]),
        reverse("retreats:shared_arc", args=[place.pk]),
    ]
    posts = [
        reverse("retreats:checkin", args=[retreat.pk]),
        reverse("retreats:word", args=[retreat.pk]),
        reverse("retreats:arc_share", args=[retreat.pk]),
        reverse("retreats:feed_link", args=[retreat.pk]),
        reverse("retreats:item_remove", args=[retreat.pk, item.pk]),
        reverse("retreats:schedule_tell", args=[retreat.pk]),
    ]
    for outsider in (other, other_guide):
        c = _client(outsider)
        for url in member_pages + guide_pages:
            assert c.get(url).status_code == 404, (outsider, url)
        for url in posts:
            assert c.post(url, {}).status_code == 404, (outsider, url)
    member = _client(place.user)
    for url in guide_pages:
        assert member.get(url).status_code == 404, url
    assert ScheduleItem.objects.filter(pk=item.pk).exists()
