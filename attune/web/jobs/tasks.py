"""Housekeeping jobs for the foundations below the record apps (run by `attune worker`).

The audit log sits below this layer and cannot define jobs itself; its daily clean-up is here.
"""

from __future__ import annotations

from attune.web.accounts.sessions import clear_expired_sessions
from attune.web.audit.actions import purge_expired
from attune.web.jobs import queue


@queue.periodic("audit.expire", queue.crontab(minute="41", hour="3"))
def expire_audit_events() -> int:
    """Once a day: remove audit events older than ``ATTUNE_AUDIT_RETENTION_DAYS`` (365 by default)."""
    return purge_expired()


@queue.periodic("sessions.clear_expired", queue.crontab(minute="17"))
def clear_expired_sessions_job() -> int:
    """Once an hour: remove the rows of sessions that ended by their idle timeout or lifetime."""
    return clear_expired_sessions()
