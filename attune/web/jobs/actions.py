"""Starting a job, reporting its progress, and ending it: each step one conditional UPDATE.

A view (or ``attune serve``) makes the record and hands the job to the worker; the worker's task
body runs inside :func:`run`, which moves the record through its states::

    job = jobs.create(request.user, "imports.garmin")
    jobs.enqueue(job, import_file, upload_path)        # after the transaction commits

    @queue.task("imports.garmin")
    def import_file(job_id: str, path: str) -> None:
        jobs.run(job_id, lambda progress: _import(path, progress))

    def _import(path: str, progress: jobs.Progress) -> str:
        for done, record in enumerate(read(path), start=1):
            store(record)
            progress(done, total)                       # raises Cancelled if asked to stop
        return f"{total} records imported"              # the job's closing message

Every write names the state it expects (``WHERE state = 'running'``), so a job cancelled while
queued never starts, and a late report from a job that was cancelled stops it.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from attune.web.jobs.models import MESSAGE_MAX_LENGTH, Job, State

if TYPE_CHECKING:
    from attune.web.accounts.models import User

logger = logging.getLogger(__name__)

JobId = uuid.UUID | str


class Cancelled(Exception):
    """The person waiting asked the job to stop; :func:`run` records it as cancelled."""


def create(owner: User | None, kind: str, *, message: str = "") -> Job:
    now = timezone.now()
    return Job.objects.create(
        owner=owner, kind=kind, message=message[:MESSAGE_MAX_LENGTH], created_at=now, updated_at=now
    )


def enqueue(job: Job, task: Callable[..., Any], *args: Any) -> None:
    """Hand ``job`` to the worker, as ``task(job_id, *args)``, once the current transaction commits.

    Outside a transaction that is at once. Waiting for the commit means the worker never looks
    for a record it cannot see yet.
    """
    job_id = str(job.pk)
    transaction.on_commit(lambda: task(job_id, *args))


def _move(job_id: JobId, expected: State, **fields: Any) -> bool:
    fields["updated_at"] = timezone.now()
    if "message" in fields:
        fields["message"] = str(fields["message"])[:MESSAGE_MAX_LENGTH]
    return Job.objects.filter(pk=job_id, state=expected).update(**fields) == 1


def begin(job_id: JobId) -> bool:
    """Mark a queued job running; False if it is not queued any more (cancelled, or run already)."""
    return _move(job_id, State.QUEUED, state=State.RUNNING)


def report(job_id: JobId, *, percent: int, records: int | None = None, message: str | None = None) -> None:
    """Record how far a running job has come.

    Raises
    ------
    Cancelled
        When the job was asked to stop (or is no longer running): the body should stop now.
    """
    fields: dict[str, Any] = {"percent": max(0, min(100, int(percent)))}
    if records is not None:
        fields["records"] = records
    if message is not None:
        fields["message"] = message
    if not Job.objects.filter(pk=job_id, state=State.RUNNING, cancel_requested=False).update(
        updated_at=timezone.now(), **fields
    ):
        raise Cancelled(str(job_id))


def finish(job_id: JobId, *, message: str = "") -> bool:
    return _move(job_id, State.RUNNING, state=State.DONE, percent=100, message=message)


def fail(job_id: JobId, error: str) -> bool:
    return _move(job_id, State.RUNNING, state=State.FAILED, error=error, message="This did not work.")


def request_cancel(job_id: JobId) -> None:
    """Ask a job to stop: a queued one is cancelled at once, a running one at its next report."""
    with transaction.atomic():
        if not _move(job_id, State.QUEUED, state=State.CANCELLED):
            Job.objects.filter(pk=job_id, state=State.RUNNING).update(cancel_requested=True, updated_at=timezone.now())


def requeue_stalled(kind: str, *, quiet_for: float) -> list[str]:
    """Put back in the queue the running jobs of ``kind`` that have reported nothing for ``quiet_for`` s.

    A worker that died (killed, out of memory, the machine restarted) leaves its job "running" for
    ever; a job whose body can start again safely is queued again through this. Returns the ids
    moved back to queued: the caller hands each to the worker again.
    """
    cutoff = timezone.now() - dt.timedelta(seconds=quiet_for)
    quiet = Job.objects.filter(kind=kind, state=State.RUNNING, updated_at__lt=cutoff)
    stalled = list(quiet.values_list("pk", flat=True))
    moved = []
    for job_id in stalled:
        if Job.objects.filter(pk=job_id, state=State.RUNNING, updated_at__lt=cutoff).update(
            state=State.QUEUED, updated_at=timezone.now(), message="Starting again where it stopped."
        ):
            moved.append(str(job_id))
    return moved


class Progress:
    """What a job body calls as it goes: ``progress(done, total)``.

    Writes at most about once a second, or when the whole percent changes, so a loop over
    thousands of records can call it for each one.
    """

    MIN_INTERVAL_S = 1.0

    def __init__(self, job_id: JobId) -> None:
        self.job_id = job_id
        self._percent = -1
        self._written_at = 0.0

    def __call__(self, done: int, total: int, *, records: int | None = None, message: str | None = None) -> None:
        """Report ``done`` of ``total``; ``records`` (``done`` by default) is what the page counts."""
        percent = 100 * done // total if total > 0 else 0
        now = time.monotonic()
        if percent == self._percent and message is None and now - self._written_at < self.MIN_INTERVAL_S:
            return
        report(self.job_id, percent=percent, records=done if records is None else records, message=message)
        self._percent, self._written_at = percent, now


def run(job_id: JobId, body: Callable[[Progress], str | None]) -> State:
    """Run ``body`` as the job: running, then done, failed or cancelled. Returns the final state.

    ``body`` returns the closing message (or None). An exception fails the job: its type and text
    go to the record's ``error`` and the traceback to the log; the worker carries on.
    """
    if not begin(job_id):
        logger.info("job %s was not queued any more; not run", job_id)
        return State(Job.objects.values_list("state", flat=True).get(pk=job_id))
    try:
        message = body(Progress(job_id))
    except Cancelled:
        _move(job_id, State.RUNNING, state=State.CANCELLED, message="Stopped, as asked.")
        return State.CANCELLED
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        fail(job_id, f"{type(exc).__name__}: {exc}")
        return State.FAILED
    finish(job_id, message=message or "")
    return State.DONE
