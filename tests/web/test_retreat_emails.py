"""One email a step, sent by the worker once the step is committed; the dates as an .ics that parses back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from attune.web.retreats import actions, emails
from attune.web.retreats.models import State
from tests.web.conftest import _make
from tests.web.retreat_helpers import SECRET, applied, retreat_led_by

pytestmark = pytest.mark.django_db

ARRIVAL = dt.date(2030, 6, 1)
Capture = Callable[..., Any]


def _everything_sent() -> str:
    parts = []
    for message in mail.outbox:
        parts += [message.subject, message.body, *(str(a[1]) for a in message.attachments)]
    return "\n".join(parts)


def test_a_place_comes_with_the_dates_as_a_calendar_file(
    guide: Any, owner: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    retreat = retreat_led_by(guide, starts_on=ARRIVAL)
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept(applied(owner, retreat))
    (message,) = mail.outbox
    assert message.to == [owner.email] and message.subject == "A place is yours: Slow days by the lake"
    assert "attune takes no payments" in message.body and "480 EUR" in message.body
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("retreat.ics", "text/calendar")
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == ARRIVAL
    assert event.decoded("dtend") == ARRIVAL + dt.timedelta(days=4)  # exclusive: the departure day is in
    assert str(event["summary"]) == retreat.title and "Europe/Berlin" in str(event["description"])
    assert str(event["uid"]) == f"retreat-{retreat.pk}@attune"


def test_waitlist_offer_and_decline_each_tell_the_member(
    guide: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    retreat = retreat_led_by(guide, capacity=1, starts_on=ARRIVAL)
    placed = actions.accept(applied(_make("first"), retreat))
    waiting = applied(_make("wes", timezone="America/Bogota"), retreat)
    later = applied(_make("lou"), retreat)
    moment = dt.datetime(2030, 3, 1, 12, 0, tzinfo=dt.UTC)
    for step in (lambda: actions.waitlist(waiting), lambda: actions.withdraw(placed, now=moment)):
        with django_capture_on_commit_callbacks(execute=True):
            step()
    with django_capture_on_commit_callbacks(execute=True):
        actions.decline(later)
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "On the waitlist",
        "A place is free",
        "About Slow days by the lake",
    ]
    assert [m.to[0] for m in mail.outbox] == ["wes@example.test", "wes@example.test", "lou@example.test"]
    assert "Sunday 3 March, 07:00 (America/Bogota)" in mail.outbox[1].body  # 48 hours on, in their own zone
    assert not mail.outbox[1].attachments


def test_nothing_is_sent_before_the_step_is_committed(guide: Any, owner: Any) -> None:
    actions.accept(applied(owner, retreat_led_by(guide)))  # the test's transaction never commits
    assert mail.outbox == []


def test_a_step_already_overtaken_sends_nothing(guide: Any, owner: Any) -> None:
    application = actions.accept(applied(owner, retreat_led_by(guide)))
    emails.tell_member.call_local(application.pk, State.WAITLISTED)
    assert mail.outbox == []
    emails.tell_member.call_local(application.pk, State.ACCEPTED)
    assert len(mail.outbox) == 1


def test_a_member_without_an_address_gets_no_email(guide: Any, django_capture_on_commit_callbacks: Capture) -> None:
    member = _make("quiet")
    member.email = ""
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept(applied(member, retreat_led_by(guide)))
    assert mail.outbox == []


def test_no_email_carries_the_intake_answers(
    guide: Any, owner: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept(applied(owner, retreat_led_by(guide)))
    assert mail.outbox and "knee" not in _everything_sent() and SECRET not in _everything_sent()


def _edit(client: Client, retreat: Any, **changes: str) -> Any:
    form = {
        "title": retreat.title,
        "description": retreat.description,
        "place": retreat.place,
        "starts_on": retreat.starts_on.isoformat(),
        "ends_on": retreat.ends_on.isoformat(),
        "timezone": retreat.timezone,
        "capacity": str(retreat.capacity),
        "status": retreat.status,
        **changes,
    }
    return client.post(reverse("retreats:edit", args=[retreat.pk]), form, follow=True)


def test_new_dates_reach_everyone_with_a_place_with_a_new_calendar_file(
    guide: Any, guide_client: Client, owner: Any, other: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    retreat = retreat_led_by(guide, capacity=1, starts_on=ARRIVAL)
    actions.accept(applied(owner, retreat))
    actions.waitlist(applied(other, retreat))
    with django_capture_on_commit_callbacks(execute=True):
        _edit(guide_client, retreat, description="Now with a sauna.")
    assert mail.outbox == []  # nothing that moves anyone
    with django_capture_on_commit_callbacks(execute=True):
        response = _edit(guide_client, retreat, starts_on="2030-06-08", ends_on="2030-06-11")
    assert "The 1 person with a place will hear of it." in response.content.decode()
    (message,) = mail.outbox
    assert message.to == [owner.email] and message.subject == "What's changed: Slow days by the lake"
    event = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
    assert event.decoded("dtstart") == dt.date(2030, 6, 8) and str(event["uid"]) == f"retreat-{retreat.pk}@attune"
