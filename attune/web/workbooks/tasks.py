"""Background jobs for workbooks (run by `attune worker`, which imports every app's ``tasks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from attune.web.jobs import actions as jobs
from attune.web.jobs import queue
from attune.web.workbooks import actions

if TYPE_CHECKING:
    from attune.web.accounts.models import User
    from attune.web.jobs.models import Job

SYNC_BUILTIN = "workbooks.sync_builtin"


@queue.task(SYNC_BUILTIN)
def sync_builtin_job(job_id: str) -> None:
    jobs.run(job_id, _sync)


def _sync(progress: jobs.Progress) -> str:
    published = actions.sync_builtin(progress)
    return f"{published} new workbook version{'s' if published != 1 else ''} published."


def sync_builtin_now() -> Job:
    """Sync the built-in workbooks in this process, recorded as a job (`attune serve` does at start-up)."""
    job = jobs.create(None, SYNC_BUILTIN)
    sync_builtin_job.call_local(str(job.pk))
    job.refresh_from_db()
    return job


def queue_sync_builtin(owner: User | None = None) -> Job:
    """Sync the built-in workbooks in the background (`attune serve` does at start-up)."""
    job = jobs.create(owner, SYNC_BUILTIN)
    jobs.enqueue(job, sync_builtin_job)
    return job
