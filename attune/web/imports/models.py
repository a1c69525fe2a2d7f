"""What an import brings in, and the import itself.

Every imported row keeps what the number is (its kind, unit, context and window), where it came
from (``source``, ``device``) and its natural key from :mod:`attune.importers.records`, unique per
member: storing under that key is what makes a second import of the same file, or a later export
that overlaps it, add nothing twice. Beat-to-beat series are not here: they become
:class:`attune.web.physio.models.Recording` rows marked ``imported``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attune.web.accounts.export import values_of
from attune.web.jobs.models import Job


class State(models.TextChoices):
    WAITING = "waiting", _("Waiting for the worker")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Could not be read")
    CANCELLED = "cancelled", _("Stopped")


FINISHED = (State.DONE, State.FAILED, State.CANCELLED)


class Import(models.Model):
    """One uploaded file and what became of it.

    ``records_read`` is how many records of the file are stored (or found already there), written in
    the same transaction as each batch: a job that runs again after its worker died starts after
    them, so the counts stay exact and nothing is read into the database twice.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imports")
    job = models.OneToOneField(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="data_import")
    original_name = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    format = models.CharField(max_length=20, help_text="The export format (attune.importers' source names).")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    records_read = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0, help_text="Records already here, from this or an earlier file.")
    skipped = models.PositiveIntegerField(default=0, help_text="Entries out of range or in a form not read.")
    not_kept = models.PositiveIntegerField(default=0, help_text="Records read but not kept (per-second heart rate).")
    error = models.TextField(blank=True, help_text="What could not be read: the file, the place, what was wrong.")
    error_words = models.JSONField(
        null=True, blank=True,
        help_text="The error's template and values (attune.web.common.said.as_stored), to say it in the reader's "
        "language; empty for imports that failed before it was kept.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="import_owner_created")]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=[s.value for s in State]), name="import_state_known"),
        ]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.original_name}, {self.state})"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def export_row(self) -> dict[str, object]:
        return {
            "id": self.pk,
            **values_of(self, ("original_name", "size_bytes", "format", "state")),
            "job": self.job_id,
            **values_of(
                self,
                ("created_at", "finished_at", "records_read", "added", "duplicates", "skipped", "not_kept", "error"),
            ),
        }


class ImportedRecord(models.Model):
    """What every imported row has: its member, where it came from, and its natural key."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20)
    device = models.CharField(max_length=200, blank=True)
    key = models.CharField(max_length=80, help_text="The natural key: '<source>:<40 hex>'.")
    data_import = models.ForeignKey(Import, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    start = models.DateTimeField()

    objects: models.Manager[Any]

    class Meta:
        abstract = True
        ordering = ["start"]

    EXPORT_FIELDS: tuple[str, ...] = ("source", "device", "key", "start")
    #: What ``str()`` says before the minute the record starts ("sleep from 2026-03-01 23:10").
    CALLED = "record at"

    def __str__(self) -> str:
        return f"{self.called()} {self.start:%Y-%m-%d %H:%M}"

    def export_row(self) -> dict[str, object]:
        return values_of(self, self.EXPORT_FIELDS)

    def called(self) -> str:
        return self.CALLED


class ImportedSpan(ImportedRecord):
    """An imported record that lasts, from ``start`` to ``end``."""

    end = models.DateTimeField()

    class Meta(ImportedRecord.Meta):
        abstract = True


def _once_per_member(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["owner", "key"], name=name)


class Kind(models.TextChoices):
    SDNN = "sdnn", "SDNN"
    RMSSD = "rmssd", "RMSSD"
    RESTING_HR = "resting_hr", "Resting heart rate"
    MEAN_HR = "mean_hr", "Mean heart rate"


class Context(models.TextChoices):
    NIGHTLY = "nightly", "Over a night's sleep"
    SPOT = "spot", "A short reading"
    DAILY = "daily", "Over a whole day"


class Measurement(ImportedRecord):
    """One number with its meaning: SDNN is never RMSSD, a night is not a spot reading."""

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.FloatField()
    unit = models.CharField(max_length=3, help_text="ms for SDNN and RMSSD, bpm for heart rates.")
    context = models.CharField(max_length=8, choices=Context.choices)
    window_s = models.FloatField(null=True, blank=True, help_text="The length of beats one value covers, if known.")
    end = models.DateTimeField(null=True, blank=True)

    EXPORT_FIELDS = ("kind", "value", "unit", "context", "window_s", "start", "end", "source", "device", "key")

    class Meta(ImportedRecord.Meta):
        indexes = [models.Index(fields=["owner", "kind", "start"], name="measurement_owner_kind_start")]
        constraints = [
            _once_per_member("measurement_once_per_key"),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in Kind]), name="measurement_kind_known"),
            models.CheckConstraint(
                condition=Q(context__in=[c.value for c in Context]), name="measurement_context_known"
            ),
        ]

    def called(self) -> str:
        return f"{self.kind} {self.value:g} {self.unit} at"


class MindfulSession(ImportedSpan):
    EXPORT_FIELDS = ("start", "end", "source", "device", "key")
    CALLED = "mindful session at"

    class Meta(ImportedSpan.Meta):
        constraints = [_once_per_member("mindful_once_per_key")]


class StateOfMind(ImportedRecord):
    kind = models.CharField(max_length=20)
    valence = models.FloatField(help_text="From -1 (very unpleasant) to 1 (very pleasant).")
    labels = models.JSONField(default=list)
    associations = models.JSONField(default=list)

    EXPORT_FIELDS = ("start", "kind", "valence", "labels", "associations", "source", "device", "key")
    CALLED = "state of mind at"

    class Meta(ImportedRecord.Meta):
        constraints = [_once_per_member("state_of_mind_once_per_key")]


class Sleep(ImportedSpan):
    """A night's (or nap's) sleep as the device summarised it; durations in seconds."""

    is_nap = models.BooleanField(default=False)
    asleep_s = models.FloatField(null=True, blank=True)
    light_s = models.FloatField(null=True, blank=True)
    deep_s = models.FloatField(null=True, blank=True)
    rem_s = models.FloatField(null=True, blank=True)
    awake_s = models.FloatField(null=True, blank=True)

    EXPORT_FIELDS = ("start", "end", "is_nap", "asleep_s", "light_s", "deep_s", "rem_s", "awake_s",
                     "source", "device", "key")
    CALLED = "sleep from"

    class Meta(ImportedSpan.Meta):
        constraints = [_once_per_member("sleep_once_per_key")]


class SleepStage(ImportedSpan):
    """One stretch of one sleep stage, as Apple Health stores sleep."""

    stage = models.CharField(max_length=8)

    EXPORT_FIELDS = ("start", "end", "stage", "source", "device", "key")

    class Meta(ImportedSpan.Meta):
        constraints = [_once_per_member("sleep_stage_once_per_key")]

    def called(self) -> str:
        return f"{self.stage} from"
