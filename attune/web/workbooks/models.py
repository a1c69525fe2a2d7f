"""Workbooks as published, and members following them.

A :class:`Workbook` is a slug with an owner (a guide, or nobody for the built-in ones). Each time
its content changes a new :class:`WorkbookVersion` is published, holding a snapshot of the whole
workbook; published versions never change. A member's :class:`Enrolment` points at the version
they started with, so a guide's later edits never move the ground under anyone mid-way.
"""

from __future__ import annotations

import datetime as dt
import secrets
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet

from attune.content.workbooks import Workbook as WorkbookContent
from attune.content.workbooks import workbook_from_dict
from attune.web.accounts.export import values_of

INVITE_TOKEN_BYTES = 18


def new_invite_token() -> str:
    return secrets.token_urlsafe(INVITE_TOKEN_BYTES)


class Workbook(models.Model):
    """One workbook, across all its versions."""

    slug = models.SlugField(max_length=80, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="workbooks",
        help_text="The guide who publishes it; empty for a built-in workbook.",
    )
    owner_deleted = models.BooleanField(
        default=False,
        help_text="Its guide deleted their account: kept, without an owner, only for the members following it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None and not self.owner_deleted

    def latest_version(self) -> WorkbookVersion | None:
        return self.versions.order_by("-number").first()


class WorkbookVersion(models.Model):
    """One published version: a snapshot of the whole workbook plus the files it came from.

    Published versions are immutable: :meth:`save` refuses to update an existing row.
    """

    workbook = models.ForeignKey(Workbook, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    snapshot = models.JSONField(help_text="serialize_workbook() of the content.")
    sources = models.JSONField(default=dict, help_text="The files as published: path -> text.")
    digest = models.CharField(max_length=64)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["workbook", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["workbook", "number"], name="workbook_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.workbook.slug} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("A published workbook version never changes; publish a new version instead.")
        super().save(*args, **kwargs)

    @cached_property
    def content(self) -> WorkbookContent:
        """The workbook as a frozen :class:`attune.content.workbooks.Workbook`."""
        return workbook_from_dict(self.snapshot)

    @property
    def day_count(self) -> int:
        return len(self.snapshot.get("days", []))


class Cohort(models.Model):
    """A group led by a guide through one version of a workbook, all starting on the same day."""

    guide = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="led_cohorts")
    version = models.ForeignKey(WorkbookVersion, on_delete=models.PROTECT, related_name="cohorts")
    title = models.CharField(max_length=120)
    start_date = models.DateField()
    invite_token = models.CharField(max_length=64, unique=True, default=new_invite_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "title"]

    def __str__(self) -> str:
        return self.title


class Mode(models.TextChoices):
    SELF_PACED = "self_paced", "At your own pace"
    COHORT = "cohort", "With a group"


class Enrolment(models.Model):
    """A member following one version of a workbook, on their own or in a cohort."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workbook_enrolments")
    workbook = models.ForeignKey(Workbook, on_delete=models.CASCADE, related_name="enrolments")
    version = models.ForeignKey(
        WorkbookVersion,
        on_delete=models.PROTECT,
        related_name="enrolments",
        help_text="The version the member started with; it never changes.",
    )
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments")
    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.SELF_PACED)
    start_date = models.DateField()
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_active_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_active_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "workbook"], condition=Q(mode="self_paced"), name="one_self_paced_enrolment"
            ),
            models.UniqueConstraint(
                fields=["user", "cohort"], condition=Q(cohort__isnull=False), name="one_enrolment_per_cohort"
            ),
            models.CheckConstraint(condition=Q(mode__in=["self_paced", "cohort"]), name="enrolment_mode_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.version}"

    @property
    def is_self_paced(self) -> bool:
        return self.mode == Mode.SELF_PACED

    def date_of(self, day: int) -> dt.date:
        """The calendar date on which ``day`` (1-based) opens."""
        return self.start_date + dt.timedelta(days=day - 1)


def guides_of(member_id: int) -> QuerySet[Any]:
    """The guides of the cohorts ``member_id`` follows a workbook in (for ``accounts.relations``)."""
    return Enrolment.objects.filter(user_id=member_id, cohort__isnull=False).values("cohort__guide_id")


def members_of(guide_id: int) -> QuerySet[Any]:
    """The members of the cohorts ``guide_id`` leads (for ``accounts.relations``)."""
    return Enrolment.objects.filter(cohort__guide_id=guide_id).values("user_id")


class DayProgress(models.Model):
    """What a member has done on one day of their enrolment.

    ``items_done`` maps an item's index in the day (as text) to ``{"at": iso time}``, plus
    ``"session": id`` for a practice recorded as a practice session.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="days")
    day = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    items_done = models.JSONField(default=dict)

    class Meta:
        ordering = ["enrolment", "day"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="one_progress_per_day"),
            models.CheckConstraint(condition=Q(day__gte=1), name="progress_day_positive"),
        ]

    def __str__(self) -> str:
        return f"day {self.day} of {self.enrolment}"

    @property
    def session_ids(self) -> list[int]:
        return [int(v["session"]) for v in self.items_done.values() if isinstance(v, dict) and v.get("session")]

    def export_row(self) -> dict[str, object]:
        return values_of(self, ("day", "opened_at", "completed_at", "items_done"))
