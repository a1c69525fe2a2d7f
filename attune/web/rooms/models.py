"""Rooms: a pair or a workshop moving through one plan on one server-owned timeline.

A room, its participants and its timeline live in the database, so a restarted server (or a
second server process) picks up exactly where the room was. Real-time traffic goes through the
channel layer (``consumers.py``); only ``actions.py`` changes a timeline.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from attune.web.rooms import timeline as tl


class Kind(models.TextChoices):
    PAIR = "pair", "Pair practice"
    WORKSHOP = "workshop", "Workshop"


class Room(models.Model):
    kind = models.CharField(max_length=12, choices=Kind.choices)
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hosted_rooms")
    title = models.CharField(max_length=120)
    plan = models.JSONField(help_text="The practices, copied from the library when the room was made.")
    timeline = models.JSONField(default=tl.new_timeline)
    version = models.PositiveIntegerField(default=0, help_text="Goes up by one with every change to the timeline.")
    # Who goes first in steps done in turns (a participant id; pairs only).
    first_lead = models.PositiveBigIntegerField(null=True, blank=True)
    code = models.CharField(max_length=8, unique=True, null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (models.CheckConstraint(condition=Q(kind__in=[k.value for k in Kind]), name="room_kind_known"),)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def group_name(self) -> str:
        return f"room.{self.pk}"

    @property
    def is_pair(self) -> bool:
        return self.kind == Kind.PAIR

    def state(self) -> dict[str, Any]:
        """What every screen needs to place itself: the timeline, its version, who leads first."""
        return {**self.timeline, "version": self.version, "first_lead": self.first_lead}


class Role(models.TextChoices):
    HOST = "host", "Host"
    PARTNER = "partner", "Partner"
    PARTICIPANT = "participant", "Participant"


class Status(models.TextChoices):
    IN = "in", "In the room"
    WAITLIST = "waitlist", "On the waitlist"
    CANCELLED = "cancelled", "Cancelled"
    REMOVED = "removed", "Removed by the guide"


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def present(self) -> ParticipantQuerySet:
        return self.filter(status=Status.IN)


class Participant(models.Model):
    """One person in a room. Their readings are their own PracticeSession, which only they see."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_places")
    role = models.CharField(max_length=12, choices=Role.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN)
    joined_at = models.DateTimeField(auto_now_add=True)
    session = models.ForeignKey(
        "practices.PracticeSession", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shares_shift = models.BooleanField(default=False, help_text="Pairs: show my before and after to my partner.")
    # Consent answers of this person, by plan item (pairs). Never sent to anyone else.
    consent = models.JSONField(default=dict)
    # Workshops: when the reminder before the start went out (claimed before sending: once only).
    reminded_at = models.DateTimeField(null=True, blank=True)
    # When this person first came into the room (their screen connected): the guide's attendance.
    attended_at = models.DateTimeField(null=True, blank=True)
    # Workshops: the language the person enrolled in; their workshop emails are written in it.
    language = models.CharField(max_length=10, blank=True, default="")

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ("joined_at", "pk")
        constraints = (
            models.UniqueConstraint(fields=["room", "user"], name="participant_once_per_room"),
            models.CheckConstraint(condition=Q(role__in=[r.value for r in Role]), name="participant_role_known"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in Status]), name="participant_status_known"),
        )

    def __str__(self) -> str:
        return f"{self.user} in {self.room}"

    @property
    def can_control(self) -> bool:
        """A pair are equals: either may pause, move on or stop. In a workshop only the guide leads."""
        if self.status != Status.IN:
            return False
        return self.role in (Role.HOST, Role.PARTNER) if self.room.is_pair else self.role == Role.HOST


DEFAULT_JOURNAL_PROMPT = gettext_noop(
    "What stayed with you from the workshop? A word, a moment, a feeling in the body."
)


class Audience(models.TextChoices):
    MEMBERS = "members", _("Every member")
    LINK = "link", _("Anyone with the link or code")
    GROUPS = "groups", _("Members of my groups")


class Workshop(models.Model):
    """A live session a guide schedules; its room opens at the start."""

    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="workshop")
    description = models.TextField(blank=True, max_length=2000)
    starts_at = models.DateTimeField()
    duration_min = models.PositiveSmallIntegerField()
    capacity = models.PositiveSmallIntegerField()
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.MEMBERS)
    place = models.CharField(max_length=200, blank=True, help_text="Where, for a workshop in a room.")
    call_url = models.URLField(blank=True, help_text="The guide's own video call, if online.")
    journal_prompt = models.CharField(
        max_length=300, blank=True, help_text="A question for each participant's journal afterwards."
    )
    # The guide called it off before it began: its room is ended and its code is free again.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_note = models.CharField(max_length=500, blank=True, help_text="The guide's word to people with a place.")

    class Meta:
        ordering = ("starts_at",)
        constraints = (
            models.CheckConstraint(condition=Q(capacity__gte=1), name="workshop_capacity_positive"),
            models.CheckConstraint(
                condition=Q(audience__in=[a.value for a in Audience]), name="workshop_audience_known"
            ),
        )

    def __str__(self) -> str:
        return self.room.title

    @property
    def prompt_text(self) -> str:
        """The journal prompt afterwards: the guide's own, or a gentle default in the active language."""
        return self.journal_prompt or gettext(DEFAULT_JOURNAL_PROMPT)
