"""One row per job that someone (or attune itself) is waiting for: its state and its progress."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class State(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = (State.DONE, State.FAILED, State.CANCELLED)
MESSAGE_MAX_LENGTH = 200


class Job(models.Model):
    """A piece of background work and how far it has gone.

    ``owner`` is the member who started it and may watch it; attune's own jobs (syncing the
    built-in content at start-up) have none. The id is a UUID so that a page showing a job's
    progress cannot be found by counting.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    kind = models.CharField(max_length=60)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    percent = models.PositiveSmallIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    error = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    runs = models.PositiveIntegerField(
        default=0, help_text="Times the job has begun; a run that is not the latest may change nothing."
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="job_percent_at_most_100")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.state}, {self.percent}%)"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED
