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
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

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
    event.add("description", _("Days at the venue, in its time zone: %(zone)s.") % {"zone": retreat.timezone})
    cal.add_component(event)
    return bytes(cal.to_ical())


def _day(day: dt.date, form: str = "DATE_FORMAT") -> str:
    """ "Sunday 3 March 2030" ("Sonntag, 3. März 2030"), in the language active now."""
    return pgettext("weekday and date", "%(weekday)s %(date)s") % {
        "weekday": date_format(day, "l"),
        "date": date_format(day, form),
    }


def _subject_and_body(application: Application, step: str) -> tuple[str, str]:
    """The email for ``step``, in the language active now (``message_for`` chooses it)."""
    retreat = application.retreat
    words: dict[str, Any] = {
        "guide": retreat.guide.display_name or retreat.guide.username,
        "title": retreat.title,
        "when": pgettext("dates in a sentence", "%(start)s to %(end)s")
        % {"start": _day(retreat.starts_on), "end": _day(retreat.ends_on)},
        "zone": retreat.timezone,
        "place": retreat.place,
        "page": _("You can see your application any time under Retreats in attune."),
    }
    if step == SCHEDULE:
        return (
            _("The schedule has changed: %(title)s") % words,
            _(
                "%(guide)s has changed the schedule of %(title)s. The attached calendar file holds the "
                "whole schedule as it is now, in the venue's time zone (%(zone)s).\n\n"
                "The retreat's page in attune always shows the latest schedule."
            )
            % words,
        )
    if step == CHANGED:
        return (
            _("What's changed: %(title)s") % words,
            _(
                "%(guide)s has changed the details of %(title)s. It is now %(when)s, at:\n\n%(place)s\n\n"
                "The attached calendar file replaces the one you had.\n\n%(page)s"
            )
            % words,
        )
    if step == State.ACCEPTED:
        if retreat.price:
            body = _(
                "%(guide)s has given you a place at %(title)s, %(when)s.\n\n"
                "The dates are attached as a calendar file. attune takes no payments: %(guide)s will be in "
                "touch about the price (%(price)s).\n\n%(page)s"
            )
        else:
            body = _(
                "%(guide)s has given you a place at %(title)s, %(when)s.\n\n"
                "The dates are attached as a calendar file. attune takes no payments: %(guide)s will be in "
                "touch.\n\n%(page)s"
            )
        return _("A place is yours: %(title)s") % words, body % {**words, "price": retreat.price}
    if step == State.WAITLISTED:
        return (
            _("On the waitlist: %(title)s") % words,
            _(
                "Every place at %(title)s is taken for now, so you are on the waitlist. If a place "
                "frees up, it is offered to the next person for 48 hours, and we will write to you when it "
                "is your turn.\n\n%(page)s"
            )
            % words,
        )
    if step == State.OFFERED:
        assert application.offer_expires_at is not None
        until = application.offer_expires_at.astimezone(application.user.zone)
        return (
            _("A place is free: %(title)s") % words,
            _(
                "A place at %(title)s (%(when)s) is free, and it is held for you until "
                "%(until)s (%(member_zone)s). If you'd like it, "
                "you can take it on your application page. If not, there is nothing to do.\n\n%(page)s"
            )
            % {
                **words,
                "until": f"{_day(until, 'MONTH_DAY_FORMAT')}, {until:%H:%M}",
                "member_zone": application.user.timezone,
            },
        )
    return (
        _("About %(title)s") % words,
        _("%(guide)s can't offer you a place at %(title)s this time. Thank you for applying.\n\n%(page)s") % words,
    )


def language_for(application: Application, language: str = "") -> str:
    """The member's language for emails: the one they applied in, else ``language`` (the request's
    that set this off, when there was one), else English."""
    for code in (application.language, language):
        if code in dict(settings.LANGUAGES):
            return code
    return "en"


def message_for(application: Application, step: str, language: str = "") -> EmailMessage | None:
    """The email for ``step``, or None (no address, or no email for that step)."""
    if step not in STEPS or not application.user.email:
        return None
    with translation.override(language_for(application, language)):
        subject, body = _subject_and_body(application, step)
        calendar = calendar_for(application.retreat)
    message = EmailMessage(subject, body, to=[application.user.email])
    if step in WITH_CALENDAR:
        message.attach(ICS_NAME, calendar, "text/calendar")
    if step == SCHEDULE:
        from attune.web.retreats.days import schedule_calendar

        message.attach(SCHEDULE_ICS_NAME, schedule_calendar(application.retreat), "text/calendar")
    return message


def follow_up_message(application: Application, week: int) -> EmailMessage | None:
    """The invitation to check in ``week`` weeks after the retreat: an invitation, never a nudge."""
    if not application.user.email:
        return None
    retreat = application.retreat
    with translation.override(language_for(application)):
        words = {"n": week, "title": retreat.title}
        body = ngettext(
            "It is a week since %(title)s. If you'd like, take a minute to notice how your body "
            "is now: the retreat's page in attune has a short check-in for you, and it adds one more "
            "point to your own arc.\n\nThere is nothing you need to do. If now isn't the moment, "
            "that's fine too.",
            "It is %(n)s weeks since %(title)s. If you'd like, take a minute to notice how your body "
            "is now: the retreat's page in attune has a short check-in for you, and it adds one more "
            "point to your own arc.\n\nThere is nothing you need to do. If now isn't the moment, "
            "that's fine too.",
            week,
        )
        subject = ngettext("A week after %(title)s", "%(n)s weeks after %(title)s", week)
        return EmailMessage(subject % words, body % words, to=[application.user.email])


@queue.task("retreats.invite_follow_up", retries=2, retry_delay=60)
def invite_follow_up(application_id: int, week: int) -> None:
    application = Application.objects.select_related("retreat", "user").filter(pk=application_id).first()
    if application is None or application.state != State.ACCEPTED:
        return
    message = follow_up_message(application, week)
    if message is not None:
        message.send()


@queue.task("retreats.tell_member", retries=2, retry_delay=60)
def tell_member(application_id: int, step: str, language: str = "") -> None:
    """Send the email for ``step`` if the application is still in that state (a later step wins)."""
    application = Application.objects.select_related("retreat__guide", "user").filter(pk=application_id).first()
    if application is None or application.state != (State.ACCEPTED if step in FOR_PLACES else step):
        return
    message = message_for(application, step, language)
    if message is not None:
        message.send()


def after_commit(application_id: int, step: str) -> None:
    """Queue the email for ``step`` once the transaction that took the step commits (with the language
    active now, the request's, for a member who has none of their own stored)."""
    language = translation.get_language() or ""
    transaction.on_commit(lambda: _queue(application_id, step, language))


def _queue(application_id: int, step: str, language: str = "") -> Any:
    return tell_member(application_id, step, language)
