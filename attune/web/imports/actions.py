"""Starting an import, running it in the worker, stopping it, and cleaning up after it.

The job reads the file with :func:`attune.importers.read_export` and stores records in batches.
Each batch is one transaction that inserts the rows (skipping any whose natural key the member
already has) and moves the import's counters on, ``records_read`` included. If the worker dies
mid-batch the transaction never happened; when the job runs again it reads the file from the
start, passes over the ``records_read`` records already stored, and carries on: nothing is lost,
nothing is stored twice, and the counts stay exact.
"""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import DateTimeField, Field, JSONField
from django.utils import timezone

from attune.importers import ImportFormatError, Progress, read_export, records
from attune.importers.apple_health import check_archive
from attune.web.common.said import as_stored
from attune.web.imports import models, uploads
from attune.web.imports.models import Import, State
from attune.web.jobs import actions as jobs
from attune.web.jobs.models import State as JobState
from attune.web.physio import actions as physio
from attune.words import Said, _

if TYPE_CHECKING:
    from attune.web.accounts.models import User

logger = logging.getLogger(__name__)

JOB_KIND = "imports.import"
BATCH_RECORDS = 1000
# Beat series are analysed before they are stored (a replay of the live meter); fewer per batch
# keeps each batch's work, and what a dead worker has to redo, to a few seconds.
BATCH_BEAT_SERIES = 50
COPY_CHUNK_BYTES = 1 << 20


def start(user: User, upload: uploads.StoredUpload) -> Import:
    """Check an uploaded file, keep it under its import's name, and queue the job that reads it.

    Raises
    ------
    uploads.UploadRefused
        The file is not an export attune reads; it is deleted and nothing is queued.
    """
    from attune.web.imports.tasks import run_import  # the task module imports this one

    name = Path(upload.name or "upload").name[:255] or "upload"
    try:
        checked = uploads.check_upload(upload.path, name)
    except uploads.UploadRefused:
        uploads.remove(upload.path)
        raise
    with transaction.atomic():
        job = jobs.create(user, JOB_KIND, message=f"Waiting to read {name}.")
        imp = Import.objects.create(
            owner=user, job=job, original_name=name, size_bytes=upload.size or 0, format=str(checked.format),
            created_at=timezone.now(),
        )
        upload.path.rename(uploads.upload_path(imp.pk))
        jobs.enqueue(job, run_import, str(imp.pk))
    return imp


def cancel(imp: Import) -> None:
    """Ask the import's job to stop; what it has stored so far stays (a later import adds the rest)."""
    if imp.job_id is not None:
        jobs.request_cancel(imp.job_id)
    # A job cancelled while still queued never runs, so its file is removed here.
    if imp.job is not None and Import.objects.filter(pk=imp.pk, job__state=JobState.CANCELLED).exists():
        _finish(imp.pk, State.CANCELLED)


def resume_stalled(quiet_for: float) -> list[str]:
    """Queue again the imports whose worker died (no progress for ``quiet_for`` s). Returns their ids."""
    from attune.web.imports.tasks import run_import

    resumed = []
    for job_id in jobs.requeue_stalled(JOB_KIND, quiet_for=quiet_for):
        imp = Import.objects.filter(job_id=job_id).first()
        if imp is None:
            continue
        job = imp.job
        assert job is not None
        jobs.enqueue(job, run_import, str(imp.pk))
        resumed.append(str(imp.pk))
    return resumed


def delete_member_files(user: User) -> None:
    """Remove the member's uploads still waiting on disk (account deletion calls this)."""
    for pk in Import.objects.filter(owner=user).values_list("pk", flat=True):
        uploads.remove(uploads.upload_path(pk))


# --- the job ---------------------------------------------------------------------------------------


def run(import_id: str, progress: jobs.Progress) -> str:
    """The job's body: read the file, store it batch by batch, then delete the upload."""
    imp = Import.objects.select_related("owner").get(pk=import_id)
    if imp.finished:  # the worker died between finishing the import and closing its job
        return f"{imp.added} added, {imp.duplicates} already here."
    path = uploads.upload_path(imp.pk)
    if not path.exists():
        _finish(imp.pk, State.FAILED, error=_("%(name)s: the uploaded file is no longer on the server.",
                                              name=imp.original_name))
        return "The uploaded file was gone."
    Import.objects.filter(pk=imp.pk).update(state=State.IMPORTING)
    writer = _Writer(imp, run=(progress.job_id, progress.run) if progress.run is not None else None)
    writer.reading.report = lambda: progress(writer.permille, 1000, records=max(writer.seen, writer.records_read))
    try:
        for record in _records(imp, path, writer.reading):
            writer.add(record)
            if writer.full:
                writer.flush()
                writer.reading.report()
        writer.flush()
    except (jobs.Superseded, jobs.Cancelled) as exc:
        # Overtaken by a newer run of the same job (this one was only quiet, and was queued again):
        # that run carries on with the file, so this one leaves everything as it is.
        if isinstance(exc, jobs.Cancelled):
            _finish(imp.pk, State.CANCELLED, run=writer.run)
        raise
    except ImportFormatError as exc:
        writer.flush()
        if writer.added:
            error = _("%(problem)s; what was read before this point was kept.", problem=exc.said)
        else:
            error = _("%(problem)s.", problem=exc.said)
        _finish(imp.pk, State.FAILED, error=error, run=writer.run)
        return f"Stopped at a damaged place in {imp.original_name}."
    except Exception:
        # A bug, not a damaged file: the job fails with it. A worker that is killed or stopped
        # raises nothing here, and leaves the upload for the job to start again.
        _finish(imp.pk, State.FAILED, run=writer.run,
                error=_("%(name)s: attune could not finish reading this file.", name=imp.original_name))
        raise
    _finish(imp.pk, State.DONE, run=writer.run)
    return f"{writer.added} added, {writer.duplicates} already here."


JobRun = tuple[Any, int]  # a job's id and the number of the run doing the work


def _finish(pk: Any, state: State, *, error: Said | None = None, run: JobRun | None = None) -> None:
    """End the import (and delete its upload), unless ``run`` has been overtaken by a newer one.

    The error is kept in English (``error``) and as its template and values (``error_words``), so
    the import's page can say it in the reader's language.
    """
    words = as_stored(error) if error is not None else None
    with transaction.atomic():
        if run is not None:
            jobs.hold(*run)  # raises Superseded: the newer run finishes the import, not this one
        Import.objects.filter(pk=pk).update(state=state, finished_at=timezone.now(), error=str(error or ""),
                                            error_words=words)
    uploads.remove(uploads.upload_path(pk))


@dataclass
class _Reading:
    """How far the reader is through the whole upload (every file of a zip together)."""

    bytes_done: int = 0  # of the files finished already
    bytes_total: int = 0  # of every file to read, unpacked; 0 for one file read as it is
    current: Progress | None = None
    skipped_done: int = 0
    report: Callable[[], None] = lambda: None

    def on_progress(self, p: Progress) -> None:
        """The reader's callback: note how far it is, and tell the job (which may say to stop)."""
        self.current = p
        self.report()

    def next_file(self) -> None:
        if self.current is not None:
            self.bytes_done += self.current.bytes_total
            self.skipped_done += self.current.skipped
        self.current = None

    @property
    def fraction(self) -> float:
        if self.current is not None and self.bytes_done == 0 and self.bytes_total == 0:
            return self.current.fraction  # one file: its reader knows its size (for a zip, unpacked)
        now = self.current.bytes_read if self.current else 0
        return min(1.0, (self.bytes_done + now) / max(1, self.bytes_total))

    @property
    def skipped(self) -> int:
        return self.skipped_done + (self.current.skipped if self.current else 0)


def _records(imp: Import, path: Path, reading: _Reading) -> Iterator[records.Imported]:
    """Every record of the upload; for a zip of CSV files, each CSV unpacked in turn and read."""
    zone = imp.owner.zone
    if imp.format not in ("oura", "whoop", "elite_hrv", "hrv4training", "csv_zip") or not zipfile.is_zipfile(path):
        # One file (an Apple Health zip is read as one: its reader counts the unpacked export.xml,
        # which the zip's own size says nothing about).
        yield from read_export(path, name=imp.original_name, progress=reading.on_progress, local_tz=zone)
        return
    with zipfile.ZipFile(path) as archive:
        entries = [archive.getinfo(n) for n in uploads.check_upload(path, imp.original_name).csv_entries]
        check_archive(archive, imp.original_name, uploads.LIMITS)
        reading.bytes_total = max(1, sum(i.file_size for i in entries))
        for n, info in enumerate(entries):
            scratch = uploads.scratch_path(imp.pk, n)
            try:
                _unpack(archive, info, scratch, imp.original_name)
                label = f"{imp.original_name}/{info.filename}"
                yield from read_export(scratch, name=label, progress=reading.on_progress, local_tz=zone)
            finally:
                uploads.remove(scratch)
            reading.next_file()


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, label: str) -> None:
    """Copy one entry to ``target`` (0600), stopping if it unpacks past its declared size."""
    written = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with archive.open(info) as entry:
            while chunk := entry.read(COPY_CHUNK_BYTES):
                written += len(chunk)
                if written > info.file_size or written > uploads.MAX_CSV_BYTES:
                    raise ImportFormatError(label, info.filename, "unpacks larger than the archive declares")
                os.write(fd, chunk)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ImportFormatError(label, info.filename, f"cannot be unpacked ({str(exc)[:120]})") from None
    finally:
        os.close(fd)


# --- storing in batches ----------------------------------------------------------------------------

RowValues = Callable[[Any], tuple[Any, ...]]
# The columns every imported row has, first in every INSERT (see models.ImportedRecord).
COMMON_FIELDS = ("owner", "source", "device", "key", "data_import", "start")


def _measurement(r: records.Measurement) -> tuple[Any, ...]:
    return r.kind, r.value, r.unit, r.context, r.window_s, r.end


def _mindful(r: records.MindfulSession) -> tuple[Any, ...]:
    return (r.end,)


def _state_of_mind(r: records.StateOfMind) -> tuple[Any, ...]:
    return r.kind, r.valence, list(r.labels), list(r.associations)


def _sleep(r: records.SleepSession) -> tuple[Any, ...]:
    return r.end, r.is_nap, r.asleep_s, r.light_s, r.deep_s, r.rem_s, r.awake_s


def _sleep_stage(r: records.SleepStage) -> tuple[Any, ...]:
    return r.end, r.stage


# Each record type's table, its own columns (after COMMON_FIELDS), and their values from a record.
ROWS: dict[type, tuple[type[models.ImportedRecord], tuple[str, ...], RowValues]] = {
    records.Measurement: (models.Measurement, ("kind", "value", "unit", "context", "window_s", "end"), _measurement),
    records.MindfulSession: (models.MindfulSession, ("end",), _mindful),
    records.StateOfMind: (models.StateOfMind, ("kind", "valence", "labels", "associations"), _state_of_mind),
    records.SleepSession: (models.Sleep, ("end", "is_nap", "asleep_s", "light_s", "deep_s", "rem_s", "awake_s"),
                           _sleep),
    records.SleepStage: (models.SleepStage, ("end", "stage"), _sleep_stage),
}


@dataclass(frozen=True)
class _Insert:
    """One prepared ``INSERT ... ON CONFLICT DO NOTHING`` for a table of imported rows.

    ``bulk_create`` builds a model instance per row and prepares every value through its field:
    at hundreds of thousands of rows that was most of an import's database time. Here a row is a
    plain tuple; only the columns whose Python value the database driver cannot take as it is
    (times, JSON) go through their field's preparation, and the batch is one ``executemany``.
    The natural key's unique constraint still decides: a row whose key is there is left out.
    """

    sql: str
    prepare: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column index, preparation) where needed

    @classmethod
    def of(cls, model: type[models.ImportedRecord], fields: tuple[str, ...]) -> _Insert:
        meta = model._meta
        quote = connection.ops.quote_name
        columns: list[Field[Any, Any]] = []
        names: list[str] = []
        for name in (*COMMON_FIELDS, *fields):
            column = meta.get_field(name)
            if not isinstance(column, Field) or column.column is None:
                raise LookupError(f"{model.__name__}.{name} is not a field stored in a column.")
            columns.append(column)
            names.append(quote(column.column))
        prepare: list[tuple[int, Callable[[Any], Any]]] = []
        for n, column in enumerate(columns):
            if isinstance(column, DateTimeField):
                prepare.append((n, connection.ops.adapt_datetimefield_value))  # aware UTC times, as records hold
            elif isinstance(column, JSONField):
                prepare.append((n, partial(column.get_db_prep_save, connection=connection)))
        marks = ", ".join(["%s"] * len(columns))
        # Only names from the model's own metadata go into the text; every value is a parameter.
        sql = f"INSERT INTO {quote(meta.db_table)} ({', '.join(names)}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608
        return cls(sql, tuple(prepare))

    def rows(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        if not self.prepare:
            return rows
        out = []
        for row in rows:
            values = list(row)
            for n, prep in self.prepare:
                if values[n] is not None:
                    values[n] = prep(values[n])
            out.append(tuple(values))
        return out

    def run(self, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.rows(rows))


@dataclass
class _Writer:
    """Collects records and stores them a batch at a time (see the module docstring)."""

    imp: Import
    run: JobRun | None = None
    reading: _Reading = field(default_factory=_Reading)
    pending: dict[str, records.Imported] = field(default_factory=dict)
    seen: int = 0  # records the reader has yielded in this run
    records_read: int = 0
    added: int = 0
    duplicates: int = 0
    not_kept: int = 0
    beat_series: int = 0
    inserts: dict[type, _Insert] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.records_read = self.imp.records_read
        self.added, self.duplicates, self.not_kept = self.imp.added, self.imp.duplicates, self.imp.not_kept

    def add(self, record: records.Imported) -> None:
        self.seen += 1
        if self.seen <= self.imp.records_read:  # stored by an earlier run of this job
            return
        if isinstance(record, records.HeartRateSeries):
            self.not_kept += 1
            self.records_read += 1
            return
        if record.key in self.pending:  # the same reading twice in one file: the first wins
            self.duplicates += 1
            self.records_read += 1
            return
        self.pending[record.key] = record
        self.beat_series += isinstance(record, records.BeatSeries)

    def _insert(self, kind: type) -> _Insert:
        if kind not in self.inserts:
            model, fields, _values = ROWS[kind]
            self.inserts[kind] = _Insert.of(model, fields)
        return self.inserts[kind]

    @property
    def full(self) -> bool:
        return len(self.pending) >= BATCH_RECORDS or self.beat_series >= BATCH_BEAT_SERIES

    @property
    def permille(self) -> int:
        return int(1000 * self.reading.fraction)

    def flush(self) -> None:
        owner = self.imp.owner
        rows: dict[type, list[tuple[Any, ...]]] = {}
        beats: list[records.BeatSeries] = []
        # The two keys as the database takes them (the import's is a UUID), once for the whole batch.
        owner_id = owner._meta.pk.get_db_prep_value(owner.pk, connection)
        import_id = Import._meta.pk.get_db_prep_value(self.imp.pk, connection)
        for record in self.pending.values():
            if isinstance(record, records.BeatSeries):
                beats.append(record)
                continue
            kind = type(record)
            values = ROWS[kind][2]
            rows.setdefault(kind, []).append(
                (owner_id, record.source, record.device[:200], record.key, import_id, record.start, *values(record))
            )
        new_rows = {kind: _new(ROWS[kind][0], owner, items) for kind, items in rows.items()}
        have = physio.imported_keys(owner, [b.key for b in beats])
        recordings = []  # analysed outside the transaction, so the database is not held while the meter runs
        for b in beats:
            if b.key not in have:
                recordings.append(
                    physio.prepare_imported(owner, physio.ImportedBeats(b.key, b.start, b.rr_ms, b.source, b.device))
                )
                self.reading.report()  # a sign of life (at most one write a second) while long series are analysed
        added = sum(len(items) for items in new_rows.values()) + len(recordings)
        with transaction.atomic():
            if self.run is not None:
                jobs.hold(*self.run)  # a run overtaken by a newer one stores nothing more
            for kind, items in new_rows.items():
                self._insert(kind).run(items)
            physio.store_imported(recordings)
            self.added += added
            self.duplicates += len(self.pending) - added
            self.records_read += len(self.pending)
            Import.objects.filter(pk=self.imp.pk).update(
                records_read=self.records_read, added=self.added, duplicates=self.duplicates,
                skipped=self.reading.skipped, not_kept=self.not_kept,
            )
        self.pending.clear()
        self.beat_series = 0


def _new(model: type[models.ImportedRecord], owner: User, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows whose natural key the member does not have yet (the key is a row's fourth value)."""
    have = set(model.objects.filter(owner=owner, key__in=[row[3] for row in rows]).values_list("key", flat=True))
    return [row for row in rows if row[3] not in have]
