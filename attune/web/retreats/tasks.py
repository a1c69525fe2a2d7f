"""Background jobs for retreats (run by the worker, which imports every app's ``tasks``)."""

from __future__ import annotations

from attune.web.jobs import queue
from attune.web.retreats import actions, days, emails


@queue.periodic("retreats.offer_places", queue.crontab(minute="*/10"))
def offer_places_job() -> int:
    """Let offers older than 48 hours pass and offer free places to the next on each waitlist."""
    return actions.offer_all_places()


@queue.periodic("retreats.forget_intake", queue.crontab(minute="17", hour="3"))
def forget_intake_job() -> int:
    """Delete the intake answers of retreats that ended longer ago than ATTUNE_RETREAT_INTAKE_DAYS."""
    return actions.forget_intake()


@queue.periodic("retreats.follow_ups", queue.crontab(minute="41"))
def follow_ups_job() -> int:
    """Invite members to check in 1, 4 and 12 weeks after their retreat (each invitation once)."""
    due = days.invitations_due()
    for application_id, week in due:
        emails.invite_follow_up(application_id, week)
    return len(due)
