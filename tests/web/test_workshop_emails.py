"""Workshop e-mails: sent by the worker after the change commits, with an .ics that parses back."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from room_helpers import workshop

from attune.web.rooms import actions, emails
from attune.web.rooms.models import Participant, Workshop
from attune.web.rooms.tasks import workshop_reminders

pytestmark = pytest.mark.django_db

STARTS = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)  # 10:00 in New York, 16:00 in Berlin


def _event(message: Any) -> icalendar.Event:
    (name, content, mimetype) = message.attachments[0]
    assert name == "workshop.ics" and mimetype.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return event


def _enrol(user: Any, w: Workshop, capture: Any) -> Participant:
    with capture(execute=True):
        place = actions.enrol(user, w)
    return place


def test_a_place_is_confirmed_after_commit_with_an_invitation_in_the_members_own_zone(
    other: Any, guide: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = workshop(guide, starts_at=STARTS, place="The garden room")
    with django_capture_on_commit_callbacks() as queued:
        actions.enrol(other, w)
    assert mail.outbox == [] and len(queued) == 1  # nothing is sent inside the request's transaction
    queued[0]()  # the commit hands the job to the worker (run at once in the tests)

    (message,) = mail.outbox
    assert message.to == [other.email] and message.subject == "Your place: Slowing down together"
    assert "Friday 15 January 2027, 10:00 (America/New_York)" in message.body
    event = _event(message)
    assert event.decoded("dtstart") == datetime(2027, 1, 15, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    assert event.decoded("dtstart").tzinfo.key == "America/New_York"
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=60)
    assert str(event["uid"]) == f"workshop-{w.pk}@127.0.0.1"
    assert str(event["url"]) == f"http://127.0.0.1:8000/rooms/{w.room_id}/"
    assert str(event["status"]) == "CONFIRMED" and str(event["location"]) == "The garden room"
    calendar = icalendar.Calendar.from_ical(message.attachments[0][1])
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert w.room.code not in message.body and w.room.code not in message.attachments[0][1]


def test_giving_up_a_place_cancels_the_same_event_and_the_next_person_gets_it(
    owner: Any, other: Any, guide: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = workshop(guide, capacity=1, starts_at=STARTS)
    _enrol(other, w, django_capture_on_commit_callbacks)
    _enrol(owner, w, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel(other, w)

    enrolled, waitlisted, cancelled, promoted = mail.outbox
    assert waitlisted.to == [owner.email] and waitlisted.attachments == []
    assert "waitlist" in waitlisted.subject
    assert cancelled.to == [other.email] and promoted.to == [owner.email]
    first, gone, moved_up = _event(enrolled), _event(cancelled), _event(promoted)
    assert str(first["uid"]) == str(gone["uid"]) == str(moved_up["uid"])
    assert str(gone["status"]) == "CANCELLED" and int(gone["sequence"]) > int(first["sequence"])
    # Olive reads it in London: 15:00 in January.
    assert moved_up.decoded("dtstart") == datetime(2027, 1, 15, 15, 0, tzinfo=ZoneInfo("Europe/London"))
    assert "Friday 15 January 2027, 15:00 (Europe/London)" in promoted.body


def test_enrolling_again_sends_nothing_more(other: Any, guide: Any, django_capture_on_commit_callbacks: Any) -> None:
    w = workshop(guide, starts_at=STARTS)
    _enrol(other, w, django_capture_on_commit_callbacks)
    _enrol(other, w, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_the_reminder_goes_once_to_each_person_in_a_workshop_that_begins_soon(
    owner: Any, other: Any, guide: Any, django_capture_on_commit_callbacks: Any
) -> None:
    soon = workshop(guide, starts_at=timezone.now() + timedelta(minutes=30))
    later = workshop(guide, starts_at=timezone.now() + timedelta(hours=3))
    for w in (soon, later):
        _enrol(owner, w, django_capture_on_commit_callbacks)
        _enrol(other, w, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel(other, soon)
    mail.outbox.clear()

    workshop_reminders()  # queued as the worker's scheduler would; run at once in the tests
    workshop_reminders()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, guide.email])
    assert all(m.subject == "Soon: Slowing down together" and "begins soon" in m.body for m in mail.outbox)
    assert all(f"/rooms/{soon.room_id}/" in m.body for m in mail.outbox)


def test_a_reminder_that_fails_is_tried_again_and_then_sent_once(
    owner: Any, guide: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    w = workshop(guide, starts_at=timezone.now() + timedelta(minutes=10))
    _enrol(owner, w, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    real_send = emails.EmailMessage.send
    monkeypatch.setattr(emails.EmailMessage, "send", lambda self, **kw: (_ for _ in ()).throw(OSError("no route")))
    assert emails.send_due_reminders() == 0
    assert not Participant.objects.exclude(reminded_at=None).exists()  # claims given back
    monkeypatch.setattr(emails.EmailMessage, "send", real_send)
    assert emails.send_due_reminders() == 2
    assert emails.send_due_reminders() == 0
    assert len(mail.outbox) == 2


def test_the_log_names_no_address_and_no_link(
    other: Any, guide: Any, caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any
) -> None:
    w = workshop(guide, starts_at=STARTS)
    with caplog.at_level(logging.DEBUG):
        _enrol(other, w, django_capture_on_commit_callbacks)
    assert "workshop e-mail enrolled sent for place" in caplog.text
    assert other.email not in caplog.text and "/rooms/" not in caplog.text and w.room.code not in caplog.text


def test_add_to_calendar_is_for_people_with_a_place(
    other: Any, owner: Any, guide: Any, anon_client: Client
) -> None:
    w = workshop(guide, starts_at=STARTS)
    actions.enrol(other, w)
    url = reverse("rooms:workshop_calendar", args=[w.pk])
    for user in (other, guide):
        c = Client()
        c.force_login(user)
        response = c.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
        assert event.decoded("dtstart") == STARTS.astimezone(user.zone)
    outsider = Client()
    outsider.force_login(owner)
    assert outsider.get(url).status_code == 404
    assert anon_client.get(url).status_code == 302  # to the sign-in page
