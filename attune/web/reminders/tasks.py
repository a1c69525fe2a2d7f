"""The worker's reminder job (run by `attune worker`, which imports every app's ``tasks``)."""

from __future__ import annotations

from attune.web.jobs import queue
from attune.web.reminders import actions


@queue.periodic("reminders.send_due", queue.crontab(minute="*/5"))
def send_due_reminders() -> int:
    """Every five minutes: send the reminders members chose that are due now. At most one a day each."""
    return len(actions.send_due())
