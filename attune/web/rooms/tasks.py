"""Background jobs for rooms (run by `attune worker`, which imports every app's ``tasks``)."""

from __future__ import annotations

from attune.web.jobs import queue
from attune.web.rooms import emails
from attune.web.rooms.models import Participant


@queue.task("rooms.workshop_email", retries=3, retry_delay=60)
def workshop_email(participant_id: int, kind: str, language: str = "") -> bool:
    """One workshop e-mail (``emails.SUBJECTS`` names the kinds) to the person at a place, in their
    language (else ``language``, the one of the request that set it off)."""
    place = Participant.objects.select_related("room__workshop", "user").filter(pk=participant_id).first()
    if place is None:  # the room is gone
        return False
    return emails.send(place, kind, language)


@queue.periodic("rooms.workshop_reminders", queue.crontab(minute="*"))
def workshop_reminders() -> int:
    """Once a minute: remind each person in a workshop that begins soon, once (``emails``)."""
    return emails.send_due_reminders()
