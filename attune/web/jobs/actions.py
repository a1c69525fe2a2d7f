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
from django.db.models import F, QuerySet
from django.utils import timezone

from attune.web.jobs.models import MESSAGE_MAX_LENGTH, Job, State

if TYPE_CHECKING:
    from attune.web.accounts.models import User

logger = logging.getLogger(__name__)

JobId = uuid.UUID | str


class Cancelled(Exception):
    """The person waiting asked the job to stop; :func:`run` records it as cancelled."""


class Superseded(Exception):
    """This run of the job is not its latest: the job was queued again (see :func:`requeue_stalled`)
    while this run was still alive, only quiet, and a newer run began. This run must stop and change
    nothing more; :func:`run` leaves the job to the newer run."""


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


def _move(job_id: JobId, expected: State, *, _run: int | None = None, **fields: Any) -> bool:
    fields["updated_at"] = timezone.now()
    if "message" in fields:
        fields["message"] = str(fields["message"])[:MESSAGE_MAX_LENGTH]
    qs = Job.objects.filter(pk=job_id, state=expected)
    if _run is not None:
        qs = qs.filter(runs=_run)
    return qs.update(**fields) == 1


def begin(job_id: JobId) -> int | None:
    """Mark a queued job running; this run's number, or None if it is not queued any more
    (cancelled, or begun already by another copy of its task)."""
    with transaction.atomic():
        if not _move(job_id, State.QUEUED, state=State.RUNNING, runs=F("runs") + 1):
            return None
        return int(Job.objects.values_list("runs", flat=True).get(pk=job_id))


def _running(job_id: JobId, run: int | None) -> QuerySet[Job]:
    qs = Job.objects.filter(pk=job_id, state=State.RUNNING)
    return qs if run is None else qs.filter(runs=run)


def _stopped(job_id: JobId, run: int | None) -> Exception:
    """Why a write for ``run`` found no running job: a newer run has it, or it was stopped."""
    if run is not None and Job.objects.filter(pk=job_id).exclude(runs=run).exists():
        return Superseded(str(job_id))  # whatever the newer run has made of it since
    return Cancelled(str(job_id))


def report(
    job_id: JobId, *, percent: int, records: int | None = None, message: str | None = None, run: int | None = None
) -> None:
    """Record how far a running job has come (``run``: this run's number from :func:`begin`).

    Raises
    ------
    Cancelled
        When the job was asked to stop (or is no longer running): the body should stop now.
    Superseded
        When a newer run of the job has begun: this one must stop and change nothing more.
    """
    fields: dict[str, Any] = {"percent": max(0, min(100, int(percent)))}
    if records is not None:
        fields["records"] = records
    if message is not None:
        fields["message"] = message
    now = timezone.now()
    if not _running(job_id, run).filter(cancel_requested=False).update(updated_at=now, **fields) and not _reclaim(
        job_id, run, updated_at=now, **fields
    ):
        raise _stopped(job_id, run)


def _reclaim(job_id: JobId, run: int | None, **fields: Any) -> bool:
    """A run that was queued again for looking dead, still alive before any newer run began, takes its
    job back (the copy waiting in the queue then finds it running, and does nothing)."""
    if run is None:
        return False
    return bool(
        Job.objects.filter(pk=job_id, state=State.QUEUED, runs=run, cancel_requested=False).update(
            state=State.RUNNING, **fields
        )
    )


def hold(job_id: JobId, run: int) -> None:
    """Inside a transaction: lock the job's row until it commits, or raise :class:`Superseded` if
    ``run`` is no longer the job's latest. A body that writes its results in batches calls this in
    each batch's transaction, so a run overtaken by a newer one never writes again."""
    if not list(_running(job_id, run).select_for_update().values_list("pk", flat=True)[:1]) and not _reclaim(
        job_id, run, updated_at=timezone.now()
    ):
        error = _stopped(job_id, run)
        if isinstance(error, Superseded):
            raise error


def finish(job_id: JobId, *, message: str = "", run: int | None = None) -> bool:
    return _move(job_id, State.RUNNING, state=State.DONE, percent=100, message=message, _run=run)


def fail(job_id: JobId, error: str, *, run: int | None = None) -> bool:
    return _move(job_id, State.RUNNING, state=State.FAILED, error=error, message="This did not work.", _run=run)


def request_cancel(job_id: JobId) -> None:
    """Ask a job to stop: a queued one is cancelled at once, a running one at its next report."""
    with transaction.atomic():
        if not _move(job_id, State.QUEUED, state=State.CANCELLED):
            Job.objects.filter(pk=job_id, state=State.RUNNING).update(cancel_requested=True, updated_at=timezone.now())


def requeue_stalled(kind: str, *, quiet_for: float) -> list[str]:
    """Put back in the queue the jobs of ``kind`` that have shown no sign of life for ``quiet_for`` s.

    A worker that died (killed, out of memory, the machine restarted) leaves its job "running" for
    ever; a job whose body can start again safely is queued again through this. A job left
    "queued" that long is handed out again too: its task may have been lost (the worker died
    after queueing it again, or the queue refused it). Returns the ids to hand to the worker.

    Handing out a job twice is safe: only one copy can :func:`begin` it, and a run overtaken by a
    newer one (it was only quiet, not dead) is stopped by :class:`Superseded` at its next report.
    """
    cutoff = timezone.now() - dt.timedelta(seconds=quiet_for)
    quiet = Job.objects.filter(kind=kind, state__in=[State.RUNNING, State.QUEUED], updated_at__lt=cutoff)
    moved = []
    for job_id, state in list(quiet.values_list("pk", "state")):
        if Job.objects.filter(pk=job_id, state=state, updated_at__lt=cutoff).update(
            state=State.QUEUED, updated_at=timezone.now(),
            message="Starting again where it stopped." if state == State.RUNNING else "Waiting to start.",
        ):
            moved.append(str(job_id))
    return moved


class Progress:
    """What a job body calls as it goes: ``progress(done, total)``.

    Writes at most about once a second, or when the whole percent changes, so a loop over
    thousands of records can call it for each one.
    """

    MIN_INTERVAL_S = 1.0

    def __init__(self, job_id: JobId, run: int | None = None) -> None:
        self.job_id = job_id
        self.run = run  # this run's number (from begin); None for a body run outside run()
        self._percent = -1
        self._written_at = 0.0

    def __call__(self, done: int, total: int, *, records: int | None = None, message: str | None = None) -> None:
        """Report ``done`` of ``total``; ``records`` (``done`` by default) is what the page counts."""
        percent = 100 * done // total if total > 0 else 0
        now = time.monotonic()
        if percent == self._percent and message is None and now - self._written_at < self.MIN_INTERVAL_S:
            return
        report(self.job_id, percent=percent, records=done if records is None else records, message=message,
               run=self.run)
        self._percent, self._written_at = percent, now


def run(job_id: JobId, body: Callable[[Progress], str | None]) -> State:
    """Run ``body`` as the job: running, then done, failed or cancelled. Returns the final state.

    ``body`` returns the closing message (or None). An exception fails the job: its type and text
    go to the record's ``error`` and the traceback to the log; the worker carries on. A run
    overtaken by a newer one (:class:`Superseded`) stops and leaves the job to it.
    """
    number = begin(job_id)
    if number is None:
        logger.info("job %s was not queued any more; not run", job_id)
        return State(Job.objects.values_list("state", flat=True).get(pk=job_id))
    try:
        message = body(Progress(job_id, number))
    except Superseded:
        logger.warning("job %s run %s was overtaken by a newer run; it stopped", job_id, number)
        return State(Job.objects.values_list("state", flat=True).get(pk=job_id))
    except Cancelled:
        _move(job_id, State.RUNNING, state=State.CANCELLED, message="Stopped, as asked.", _run=number)
        return State.CANCELLED
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        fail(job_id, f"{type(exc).__name__}: {exc}", run=number)
        return State.FAILED
    finish(job_id, message=message or "", run=number)
    return State.DONE
