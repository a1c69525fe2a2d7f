"""A check-in: how the body answers "am I safe right now?", in under 20 seconds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from attune.web.common.states import State

if TYPE_CHECKING:
    from attune.web.accounts.models import User


class BodyArea(models.TextChoices):
    CHEST = "chest", "Chest"
    THROAT = "throat", "Throat"
    BELLY = "belly", "Belly"
    SHOULDERS = "shoulders", "Shoulders"
    JAW = "jaw", "Jaw"
    FACE = "face", "Face and eyes"
    HANDS = "hands", "Hands"
    BACK = "back", "Back"
    LEGS = "legs", "Legs and feet"
    WHOLE_BODY = "whole_body", "Whole body"


class Context(models.TextChoices):
    ALONE = "alone", "Alone"
    WITH_SOMEONE = "with_someone", "With someone"
    OUTDOORS = "outdoors", "Outdoors"
    WITH_ANIMAL = "with_animal", "With an animal"
    AT_WORK = "at_work", "At work"
    OTHER = "other", "Somewhere else"


NOTE_MAX_CHARS = 2000
# At or below this felt safety the app gently shows the operator's crisis resources.
LOW_SAFETY = 2

class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def for_user(self, user: User) -> CheckInQuerySet:
        return self.filter(user=user)


class CheckIn(models.Model):
    """One check-in. Private to its member; they can edit and delete it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins")
    created_at = models.DateTimeField(db_index=False)
    state = models.CharField(max_length=16, choices=State.choices)
    felt_safety = models.PositiveSmallIntegerField()
    breath = models.PositiveSmallIntegerField()
    muscles = models.PositiveSmallIntegerField()
    attention = models.PositiveSmallIntegerField()
    felt_connection = models.PositiveSmallIntegerField()
    body_area = models.CharField(max_length=16, choices=BodyArea.choices, blank=True)
    context = models.CharField(max_length=16, choices=Context.choices, blank=True)
    note = models.TextField(max_length=NOTE_MAX_CHARS, blank=True)
    both_opt_in = models.BooleanField(
        default=False,
        help_text="Someone is here and both of them opt in to touch or eye contact. Never assumed.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=["user", "created_at"], name="checkin_user_created"),)
        constraints = (
            models.CheckConstraint(condition=Q(state__in=[s.value for s in State]), name="checkin_state_known"),
            models.CheckConstraint(condition=Q(felt_safety__gte=0, felt_safety__lte=10), name="checkin_safety_0_10"),
            models.CheckConstraint(condition=Q(breath__gte=1, breath__lte=5), name="checkin_breath_1_5"),
            models.CheckConstraint(condition=Q(muscles__gte=1, muscles__lte=5), name="checkin_muscles_1_5"),
            models.CheckConstraint(condition=Q(attention__gte=1, attention__lte=5), name="checkin_attention_1_5"),
            models.CheckConstraint(
                condition=Q(felt_connection__gte=0, felt_connection__lte=10), name="checkin_connection_0_10"
            ),
            models.CheckConstraint(
                condition=Q(body_area="") | Q(body_area__in=[a.value for a in BodyArea]), name="checkin_body_area_known"
            ),
            models.CheckConstraint(
                condition=Q(context="") | Q(context__in=[c.value for c in Context]), name="checkin_context_known"
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_state_display()} · felt safety {self.felt_safety}/10"

    @property
    def feels_unsafe(self) -> bool:
        """Whether to gently offer the crisis resources alongside this check-in."""
        return self.felt_safety <= LOW_SAFETY

    def export_row(self) -> dict[str, object]:
        return {
            "id": self.pk,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "state": self.state,
            "felt_safety": self.felt_safety,
            "breath": self.breath,
            "muscles": self.muscles,
            "attention": self.attention,
            "felt_connection": self.felt_connection,
            "body_area": self.body_area,
            "context": self.context,
            "note": self.note,
            "both_opt_in": self.both_opt_in,
        }
