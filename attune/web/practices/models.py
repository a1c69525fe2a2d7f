"""A practice session: one time a member did (or began) a practice, with a reading at each end."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from attune.web.accounts.export import values_of
from attune.web.common import offline
from attune.web.common.owned import OwnedQuerySet
from attune.web.common.states import State

PACER_SLUG = "pacer"
PACER_TITLE = "Breathing pacer"
# The one wording, wherever a session is listed, for a practice that ended before its last step:
# stopped with Stop, or left (the tab closed) mid-way. No judgement in it either way.
STOPPED_WORDS = gettext_lazy("stopped partway")
# A session still "underway" this long after it began was left, not paused.
LEFT_AFTER = dt.timedelta(hours=3)
# What the member's data export holds of each session, after its id.
_EXPORTED = (
    "practice_slug",
    "practice_title",
    "started_at",
    "ended_at",
    "outcome",
    "elapsed_s",
    "before_safety",
    "before_state",
    "after_safety",
    "after_state",
    "pacer_inhale_s",
    "pacer_hold_in_s",
    "pacer_exhale_s",
    "pacer_hold_out_s",
)


class Outcome(models.TextChoices):
    UNDERWAY = "underway", "Underway"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped early"


class PracticeSessionQuerySet(OwnedQuerySet["PracticeSession"]):
    def with_both_readings(self) -> PracticeSessionQuerySet:
        return self.filter(before_safety__isnull=False, after_safety__isnull=False)


class PracticeSession(models.Model):
    """One practice, begun and (usually) ended. Every reading may be skipped, so each is nullable."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions")
    practice_slug = models.SlugField(max_length=80)
    practice_title = models.CharField(max_length=120, help_text="The title when the session began.")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.UNDERWAY)
    elapsed_s = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds practised, pauses excluded.")
    before_safety = models.PositiveSmallIntegerField(null=True, blank=True)
    before_state = models.CharField(max_length=16, choices=State.choices, blank=True)
    after_safety = models.PositiveSmallIntegerField(null=True, blank=True)
    after_state = models.CharField(max_length=16, choices=State.choices, blank=True)
    pacer_inhale_s = models.FloatField(null=True, blank=True)
    pacer_hold_in_s = models.FloatField(null=True, blank=True)
    pacer_exhale_s = models.FloatField(null=True, blank=True)
    pacer_hold_out_s = models.FloatField(null=True, blank=True)
    # The idempotency key the player made for this session (attune.web.common.offline): starting or
    # finishing it again with the same key, after a lost reply or from the offline queue, changes nothing.
    client_key = offline.key_column()

    objects = PracticeSessionQuerySet.as_manager()

    class Meta:
        ordering = ("-started_at",)
        indexes = (models.Index(fields=["user", "started_at"], name="session_user_started"),)
        constraints = (
            offline.one_per_key("session_one_per_key"),
            models.CheckConstraint(
                condition=Q(before_safety__isnull=True) | Q(before_safety__gte=0, before_safety__lte=10),
                name="session_before_safety_0_10",
            ),
            models.CheckConstraint(
                condition=Q(after_safety__isnull=True) | Q(after_safety__gte=0, after_safety__lte=10),
                name="session_after_safety_0_10",
            ),
            models.CheckConstraint(
                condition=Q(before_state="") | Q(before_state__in=[s.value for s in State]),
                name="session_before_state_known",
            ),
            models.CheckConstraint(
                condition=Q(after_state="") | Q(after_state__in=[s.value for s in State]),
                name="session_after_state_known",
            ),
            models.CheckConstraint(condition=Q(outcome__in=[o.value for o in Outcome]), name="session_outcome_known"),
        )

    def __str__(self) -> str:
        return f"{self.practice_title} ({self.get_outcome_display()})"

    @property
    def safety_change(self) -> int | None:
        if self.before_safety is None or self.after_safety is None:
            return None
        return self.after_safety - self.before_safety

    @property
    def is_open(self) -> bool:
        return self.outcome == Outcome.UNDERWAY

    @property
    def outcome_note(self) -> str:
        """How a list words this session's end: :data:`STOPPED_WORDS`, "under way", or "" when it ran to its end."""
        if self.outcome == Outcome.STOPPED:
            return str(STOPPED_WORDS)
        if self.outcome == Outcome.UNDERWAY:
            return str(STOPPED_WORDS) if timezone.now() - self.started_at > LEFT_AFTER else gettext("under way")
        return ""

    def export_row(self) -> dict[str, object]:
        return {"id": self.pk, **values_of(self, _EXPORTED)}
