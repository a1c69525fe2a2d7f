"""Telling a member what happened to their application: one short email a step, sent by the worker.

Emails carry the retreat's facts and the step, never intake answers. An email for a place comes
with the retreat's dates as an ``.ics`` file (days at the venue, so all-day dates with no zone; the
venue's zone is named in the description). A member without an email address gets none; their
application page says the same things.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from attune.web.jobs import queue
from attune.web.retreats.models import Application, Retreat, State

#: Not a state: the guide moved the dates or the place of a retreat where the member has a place.
CHANGED = "changed"
#: Not a state: the guide changed the schedule and chose to tell everyone with a place.
SCHEDULE = "schedule"
STEPS = (State.ACCEPTED, State.WAITLISTED, State.OFFERED, State.DECLINED, CHANGED, SCHEDULE)
WITH_CALENDAR = (State.ACCEPTED, CHANGED)
FOR_PLACES = (CHANGED, SCHEDULE)
ICS_NAME = "retreat.ics"
SCHEDULE_ICS_NAME = "schedule.ics"


def calendar_for(retreat: Retreat) -> bytes:
    """The retreat's days as one all-day event; the same UID each time, so an update replaces it."""
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{settings.SITE_NAME}//retreats//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"retreat-{retreat.pk}@{settings.SITE_NAME}")
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("sequence", int(retreat.updated_at.timestamp()) if retreat.updated_at else 0)
    event.add("summary", retreat.title)
    event.add("dtstart", retreat.starts_on)
    event.add("dtend", retreat.ends_on + dt.timedelta(days=1))  # DTEND of a date is exclusive
    event.add("location", retreat.place)
    event.add("description", f"Days at the venue, in its time zone: {retreat.timezone}.")
    cal.add_component(event)
    return bytes(cal.to_ical())


def _day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _subject_and_body(application: Application, step: str) -> tuple[str, str]:
    retreat = application.retreat
    guide = retreat.guide.display_name or retreat.guide.username
    when = f"{_day(retreat.starts_on)} to {_day(retreat.ends_on)}"
    page = "You can see your application any time under Retreats in attune."
    if step == SCHEDULE:
        return (
            f"The schedule has changed: {retreat.title}",
            f"{guide} has changed the schedule of {retreat.title}. The attached calendar file holds the "
            f"whole schedule as it is now, in the venue's time zone ({retreat.timezone}).\n\n"
            f"The retreat's page in attune always shows the latest schedule.",
        )
    if step == CHANGED:
        return (
            f"What's changed: {retreat.title}",
            f"{guide} has changed the details of {retreat.title}. It is now {when}, at:\n\n{retreat.place}\n\n"
            f"The attached calendar file replaces the one you had.\n\n{page}",
        )
    if step == State.ACCEPTED:
        price = f" about the price ({retreat.price})" if retreat.price else ""
        return (
            f"A place is yours: {retreat.title}",
            f"{guide} has given you a place at {retreat.title}, {when}.\n\n"
            f"The dates are attached as a calendar file. attune takes no payments: {guide} will be in "
            f"touch{price}.\n\n{page}",
        )
    if step == State.WAITLISTED:
        return (
            f"On the waitlist: {retreat.title}",
            f"Every place at {retreat.title} is taken for now, so you are on the waitlist. If a place "
            f"frees up, it is offered to the next person for 48 hours, and we will write to you when it "
            f"is your turn.\n\n{page}",
        )
    if step == State.OFFERED:
        assert application.offer_expires_at is not None
        until = application.offer_expires_at.astimezone(application.user.zone)
        return (
            f"A place is free: {retreat.title}",
            f"A place at {retreat.title} ({when}) is free, and it is held for you until "
            f"{until:%A} {until.day} {until:%B, %H:%M} ({application.user.timezone}). If you'd like it, "
            f"you can take it on your application page. If not, there is nothing to do.\n\n{page}",
        )
    return (
        f"About {retreat.title}",
        f"{guide} can't offer you a place at {retreat.title} this time. Thank you for applying.\n\n{page}",
    )


def message_for(application: Application, step: str) -> EmailMessage | None:
    """The email for ``step``, or None (no address, or no email for that step)."""
    if step not in STEPS or not application.user.email:
        return None
    subject, body = _subject_and_body(application, step)
    message = EmailMessage(subject, body, to=[application.user.email])
    if step in WITH_CALENDAR:
        message.attach(ICS_NAME, calendar_for(application.retreat), "text/calendar")
    if step == SCHEDULE:
        from attune.web.retreats.days import schedule_calendar

        message.attach(SCHEDULE_ICS_NAME, schedule_calendar(application.retreat), "text/calendar")
    return message


def follow_up_message(application: Application, week: int) -> EmailMessage | None:
    """The invitation to check in ``week`` weeks after the retreat: an invitation, never a nudge."""
    if not application.user.email:
        return None
    retreat = application.retreat
    weeks = "a week" if week == 1 else f"{week} weeks"
    body = (
        f"It is {weeks} since {retreat.title}. If you'd like, take a minute to notice how your body "
        f"is now: the retreat's page in attune has a short check-in for you, and it adds one more "
        f"point to your own arc.\n\nThere is nothing you need to do. If now isn't the moment, "
        f"that's fine too."
    )
    return EmailMessage(f"{weeks.capitalize()} after {retreat.title}", body, to=[application.user.email])


@queue.task("retreats.invite_follow_up", retries=2, retry_delay=60)
def invite_follow_up(application_id: int, week: int) -> None:
    application = Application.objects.select_related("retreat", "user").filter(pk=application_id).first()
    if application is None or application.state != State.ACCEPTED:
        return
    message = follow_up_message(application, week)
    if message is not None:
        message.send()


@queue.task("retreats.tell_member", retries=2, retry_delay=60)
def tell_member(application_id: int, step: str) -> None:
    """Send the email for ``step`` if the application is still in that state (a later step wins)."""
    application = Application.objects.select_related("retreat__guide", "user").filter(pk=application_id).first()
    if application is None or application.state != (State.ACCEPTED if step in FOR_PLACES else step):
        return
    message = message_for(application, step)
    if message is not None:
        message.send()


def after_commit(application_id: int, step: str) -> None:
    """Queue the email for ``step`` once the transaction that took the step commits."""
    transaction.on_commit(lambda: _queue(application_id, step))


def _queue(application_id: int, step: str) -> Any:
    return tell_member(application_id, step)
