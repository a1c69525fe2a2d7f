"""Workshop e-mails, written here and sent by the task worker (``tasks.py``), never in a request.

Seven kinds: a place (with an .ics invitation), a place on the waitlist, a place that came free
from the waitlist (with the invitation), a place given up (with the invitation marked cancelled,
so a calendar that took it removes it), a reminder before the start, a change of time or place
by the guide (with the updated invitation), and the guide calling the workshop off (with the
invitation marked cancelled, for people who had a place). Each person reads the
start in their own time zone. Only ids reach the log: never an address, a name or a link.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from attune.web.rooms.models import Kind, Participant, Status

if TYPE_CHECKING:
    from attune.web.rooms.models import Workshop

logger = logging.getLogger(__name__)

ENROLLED, WAITLISTED, PROMOTED, CANCELLED, REMINDER = "enrolled", "waitlisted", "promoted", "cancelled", "reminder"
UPDATED, CALLED_OFF = "updated", "called_off"
SUBJECTS = {
    UPDATED: _("Changed: %(title)s"),
    CALLED_OFF: _("Cancelled by the guide: %(title)s"),
    ENROLLED: _("Your place: %(title)s"),
    WAITLISTED: _("You're on the waitlist: %(title)s"),
    PROMOTED: _("A place came free for you: %(title)s"),
    CANCELLED: _("Your place is given up: %(title)s"),
    REMINDER: _("Soon: %(title)s"),
}
# kind: whether the invitation it carries is marked cancelled
WITH_INVITATION = {ENROLLED: False, PROMOTED: False, UPDATED: False, CANCELLED: True, CALLED_OFF: True}
ICS_MIME = "text/calendar; charset=utf-8; method=PUBLISH"


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def join_link(workshop: Workshop) -> str:
    """The room's own page: it opens only for people with a place, so it carries no secret."""
    return site_url(reverse("rooms:room", args=[workshop.room_id]))


def event_uid(workshop: Workshop) -> str:
    """The same for every invitation of one workshop, so a calendar updates the event it has."""
    return f"workshop-{workshop.pk}@{urlsplit(settings.SITE_URL).hostname or 'attune'}"


def invitation(workshop: Workshop, zone: tzinfo, *, cancelled: bool = False) -> bytes:
    """An iCalendar file with one VEVENT, its times in ``zone`` (with that zone's VTIMEZONE)."""
    room = workshop.room
    start = workshop.starts_at.astimezone(zone)
    link = join_link(workshop)
    event = icalendar.Event()
    event.add("uid", event_uid(workshop))
    event.add("dtstamp", timezone.now())
    # Later invitations of one workshop must carry a higher sequence for a calendar to take them;
    # a cancellation outranks an invitation sent in the same second.
    seconds = max(0, int((timezone.now() - room.created_at).total_seconds()))
    event.add("sequence", seconds + (1 if cancelled else 0))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=workshop.duration_min))
    event.add("summary", room.title)
    event.add("description", "\n\n".join(filter(None, [workshop.description, _("Join: %(link)s") % {"link": link}])))
    event.add("location", workshop.place or link)
    event.add("url", link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//workshops//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def local_start(workshop: Workshop, zone: tzinfo) -> str:
    """ "Friday 15 January 2027, 10:00 (America/New_York)": the start as this person reads it, in the
    language active now ("Freitag, 15. Januar 2027, 10:00" in German)."""
    start = timezone.localtime(workshop.starts_at, zone)
    day = pgettext("weekday and date", "%(weekday)s %(date)s") % {
        "weekday": date_format(start, "l"),
        "date": date_format(start, "DATE_FORMAT"),
    }
    return f"{day}, {start:%H:%M} ({getattr(zone, 'key', 'UTC')})"


def language_for(place: Participant, language: str = "") -> str:
    """The person's language for workshop emails: the one they enrolled in, else ``language`` (the
    request's that set this off, when there was one), else English."""
    for code in (place.language, language):
        if code in dict(settings.LANGUAGES):
            return code
    return "en"


def message(place: Participant, kind: str, language: str = "") -> EmailMessage:
    with translation.override(language_for(place, language)):
        return _message(place, kind)


def _message(place: Participant, kind: str) -> EmailMessage:
    workshop = place.room.workshop
    user = place.user
    zone = user.zone
    body = render_to_string(
        "rooms/email/workshop.txt",
        {
            "kind": kind,
            "name": user.name,
            "w": workshop,
            "starts": local_start(workshop, zone),
            "link": join_link(workshop),
            "page": site_url(reverse("rooms:workshop", args=[workshop.pk])),
            "site_name": settings.SITE_NAME,
            "place_in": place.status == Status.IN,
        },
    )
    mail = EmailMessage(SUBJECTS[kind] % {"title": place.room.title}, body, to=[user.email])
    if kind in WITH_INVITATION and (kind != CALLED_OFF or place.status == Status.IN):
        mail.attach("workshop.ics", invitation(workshop, zone, cancelled=WITH_INVITATION[kind]).decode(), ICS_MIME)
    return mail


def send(place: Participant, kind: str, language: str = "") -> bool:
    """Send one workshop e-mail to the person at ``place``; False if they have no address."""
    if not place.user.email:
        logger.info("workshop e-mail %s for place %s not sent: no address", kind, place.pk)
        return False
    message(place, kind, language).send()
    logger.info("workshop e-mail %s sent for place %s", kind, place.pk)
    return True


def send_due_reminders(now: datetime | None = None) -> int:
    """Remind everyone in a workshop that begins within the reminder lead; each person once.

    Each place is claimed (``reminded_at`` set where it was empty) before its mail goes, so two
    workers, or a run that overlaps the next, never send one reminder twice. A mail that fails
    gives its claim back, and the next run tries again.
    """
    now = now or timezone.now()
    lead = timedelta(minutes=settings.WORKSHOP_REMINDER_MINUTES)
    due = Participant.objects.filter(
        status=Status.IN,
        reminded_at=None,
        room__kind=Kind.WORKSHOP,
        room__ended_at=None,
        room__workshop__starts_at__gt=now,
        room__workshop__starts_at__lte=now + lead,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        if not Participant.objects.filter(pk=pk, reminded_at=None).update(reminded_at=now):
            continue  # another worker has it
        place = Participant.objects.select_related("room__workshop", "user").get(pk=pk)
        try:
            sent += send(place, REMINDER)
        except Exception:
            Participant.objects.filter(pk=pk).update(reminded_at=None)
            logger.exception("workshop reminder for place %s failed; it will be tried again", pk)
    return sent
