"""Retreats: days together that a guide leads, the questions they ask, and the people who apply.

A :class:`Retreat` is the guide's: its words and dates are plain columns. An
:class:`Application` is the member's: its status and the guide's payment mark are plain (lists
and counts need them), while the member's answers to the intake questions are sealed at rest with
the journal's keyring (``attune.web.common.crypto``), as journal entries are.

attune takes no payments. ``price`` is text for the applicant to read, and ``payment`` is a mark
the guide sets by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from attune.web.accounts.models import validate_timezone, zone_named
from attune.web.common import crypto
from attune.web.common.states import State as CheckInState
from attune.web.workbooks.models import Cohort, Workbook

#: How long a freed place is held for the person it is offered to.
OFFER_HOURS = 48
#: Keys of the questions every application asks, whatever the guide builds.
SAFETY_KEY = "safety"
TOUCH_KEY = "touch"
SAFETY_QUESTION = "Is there anything your guide should know to keep you safe?"
SAFETY_HINT = (
    "For example an injury, something about your health, or what helps you feel at ease. "
    "Only your guide reads this. You can leave it empty."
)
TOUCH_QUESTION = "Would you like to be invited into practices with gentle touch?"
TOUCH_YES = "yes"
TOUCH_NO = "no"
TOUCH_CHOICES = (
    (TOUCH_YES, "Yes, invite me. I can still say no on the day."),
    (TOUCH_NO, "No, I'd rather take the solo alternative."),
)
MAX_ANSWER_CHARS = 5_000

_AAD_PREFIX = b"attune.retreats.intake.v1"
_PAYLOAD_VERSION = 1


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft: only you can see it")
    PUBLISHED = "published", _("Published: members can apply")


def _workbook_link(verbose_name: str, help_text: str) -> models.ForeignKey[Workbook | None, Workbook | None]:
    """A workbook everyone given a place follows, chosen by the guide (none: nothing to follow)."""
    return models.ForeignKey(
        Workbook,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        help_text=help_text,
    )


def _cohort_link() -> models.ForeignKey[Cohort | None, Cohort | None]:
    """The cohort of a :func:`_workbook_link`'s workbook, made by attune, never by the form."""
    return models.ForeignKey(Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False)


class Retreat(models.Model):
    guide = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="led_retreats")
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=10_000)
    place = models.TextField("Place", max_length=1_000, help_text="The address, as text.")
    starts_on = models.DateField("Arrival day")
    ends_on = models.DateField("Departure day")
    timezone = models.CharField("The venue's time zone", max_length=64, default="UTC", validators=[validate_timezone])
    capacity = models.PositiveSmallIntegerField(help_text="How many places there are.")
    price = models.CharField(max_length=200, blank=True, help_text="For information only: attune takes no payments.")
    bring = models.TextField("What to bring", max_length=5_000, blank=True)
    cancellation = models.TextField("Cancellation terms", max_length=5_000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    preparation = _workbook_link(
        "Preparation workbook",
        "Everyone given a place follows it in the days before; its last day is the arrival day.",
    )
    # The workbook cohort that people given a place join (made at the first acceptance).
    preparation_cohort = _cohort_link()
    integration = _workbook_link(
        "Integration workbook",
        "Everyone given a place follows it afterwards; its first day is the day after departure.",
    )
    integration_cohort = _cohort_link()
    # The guide's private calendar link to the schedule (empty: no link). Revoked by replacing it.
    feed_token = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # When an item was last taken off the published schedule, until everyone was told.
    schedule_removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="retreat_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="retreat_has_a_place"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self) -> dt.tzinfo:
        """The venue's time zone: the retreat's dates are days there."""
        return zone_named(self.timezone)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def nights(self) -> int:
        return (self.ends_on - self.starts_on).days

    def places_taken(self) -> int:
        """Places accepted, plus those offered and still held."""
        return self.applications.filter(state__in=TAKES_A_PLACE).count()

    def places_left(self) -> int:
        return max(0, self.capacity - self.places_taken())


class Kind(models.TextChoices):
    SHORT = "short", _("Short text")
    LONG = "long", _("Long text")
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("A choice")


class Question(models.Model):
    """One of the guide's intake questions (the fixed ones are not rows: see ``intake``)."""

    retreat = models.ForeignKey(Retreat, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SHORT)
    text = models.CharField("Question", max_length=300)
    options = models.JSONField(default=list, blank=True, help_text="The choices, for a choice question.")
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["retreat", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def key(self) -> str:
        return f"q{self.pk}"


class State(models.TextChoices):
    APPLIED = "applied", _("Waiting for the guide")
    ACCEPTED = "accepted", _("Given a place")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Offered a place")
    DECLINED = "declined", _("Not this time")
    LAPSED = "lapsed", _("The offer passed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TAKES_A_PLACE = (State.ACCEPTED, State.OFFERED)


class Payment(models.TextChoices):
    NONE = "", _("Not marked")
    DEPOSIT = "deposit", _("Deposit")
    PAID = "paid", _("Paid")
    WAIVED = "waived", _("Waived")


@dataclass(frozen=True)
class Answer:
    key: str
    question: str
    answer: str


class ApplicationQuerySet(models.QuerySet["Application"]):
    def waitlist(self) -> ApplicationQuerySet:
        return self.filter(state=State.WAITLISTED).order_by("waitlisted_at", "pk")


class Application(models.Model):
    retreat = models.ForeignKey(Retreat, on_delete=models.CASCADE, related_name="applications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="retreat_applications")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.APPLIED)
    payment = models.CharField(max_length=10, choices=Payment.choices, default=Payment.NONE, blank=True)
    applied_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)

    # The answers: JSON {"v", "answers": [{"key", "question", "answer"}]} sealed with AES-256-GCM.
    # All three are emptied when the intake is deleted after the retreat (``intake_deleted_at``).
    key_id = models.CharField(max_length=32, blank=True)
    nonce = models.BinaryField(max_length=crypto.NONCE_BYTES, default=b"")
    ciphertext = models.BinaryField(default=b"")
    intake_deleted_at = models.DateTimeField(null=True, blank=True)
    # The member's private calendar link to the schedule (empty: no link). Revoked by replacing it.
    feed_token = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # The member chose to show their arc (before, each day, after) to the retreat's guide.
    arc_shared = models.BooleanField(default=False)
    # The language the member was using when they applied: their emails about it are written in it.
    language = models.CharField(max_length=10, blank=True, default="")

    objects = ApplicationQuerySet.as_manager()
    _opened: tuple[Answer, ...] | None = None

    class Meta:
        ordering = ["applied_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["retreat", "user"], name="one_application_per_retreat"),
            models.CheckConstraint(
                condition=~Q(state="offered") | Q(offer_expires_at__isnull=False), name="an_offer_has_an_end"
            ),
        ]

    def __str__(self) -> str:  # never the answers
        return f"application {self.uuid} ({self.state})"

    def _aad(self) -> bytes:
        if self.user_id is None:
            raise ValueError("an application needs its member before its answers can be sealed")
        return b"|".join([_AAD_PREFIX, str(self.user_id).encode("ascii"), self.uuid.hex.encode("ascii")])

    def seal(self, answers: list[Answer]) -> None:
        """Seal ``answers`` with the keyring's current key (the caller saves)."""
        payload = json.dumps({"v": _PAYLOAD_VERSION, "answers": [a.__dict__ for a in answers]}, ensure_ascii=False)
        self.key_id, self.nonce, self.ciphertext = crypto.encrypt(payload, aad=self._aad())
        self._opened = tuple(answers)

    @property
    def has_intake(self) -> bool:
        return bool(self.key_id)

    def answers(self) -> tuple[Answer, ...]:
        """The opened answers, in the order asked; empty once the intake was deleted."""
        if self._opened is None:
            if not self.has_intake:
                return ()
            payload = json.loads(crypto.decrypt(self.key_id, self.nonce, self.ciphertext, aad=self._aad()))
            self._opened = tuple(
                Answer(str(a["key"]), str(a["question"]), str(a["answer"])) for a in payload.get("answers", [])
            )
        return self._opened

    def answer(self, key: str) -> str:
        return next((a.answer for a in self.answers() if a.key == key), "")

    @property
    def touch_consent(self) -> bool:
        return self.answer(TOUCH_KEY) == TOUCH_YES

    @property
    def takes_a_place(self) -> bool:
        return self.state in TAKES_A_PLACE

    @property
    def is_open(self) -> bool:
        """Still waiting, waitlisted, offered or accepted: the member may step back."""
        return self.state in (State.APPLIED, State.WAITLISTED, *TAKES_A_PLACE)

    def export_row(self) -> dict[str, Any]:
        return {
            "id": str(self.uuid),
            "retreat": self.retreat.title,
            "starts_on": self.retreat.starts_on,
            "ends_on": self.retreat.ends_on,
            "state": self.state,
            "payment": self.payment or None,
            "applied_at": self.applied_at,
            "decided_at": self.decided_at,
            "offer_expires_at": self.offer_expires_at,
            "answers": [a.__dict__ for a in self.answers()],
            "intake_deleted_at": self.intake_deleted_at,
            "language": self.language,
        }


def guides_of(member_id: int) -> QuerySet[Any]:
    """The guides of the retreats where ``member_id`` has a place (for ``accounts.relations``)."""
    return Application.objects.filter(user_id=member_id, state=State.ACCEPTED).values("retreat__guide_id")


def members_of(guide_id: int) -> QuerySet[Any]:
    """The members with a place on a retreat ``guide_id`` leads (for ``accounts.relations``)."""
    return Application.objects.filter(retreat__guide_id=guide_id, state=State.ACCEPTED).values("user_id")


# ------------------------------------------------------------------ the days, and after


class ItemKind(models.TextChoices):
    PRACTICE = "practice", _("A practice together")
    MEAL = "meal", _("A meal")
    WALK = "walk", _("A walk")
    FREE = "free", _("Free time")
    OTHER = "other", _("Something else")


class ScheduleItem(models.Model):
    """One thing on one day of a retreat, at a time at the venue.

    A practice runs as a workshop room (``workshop``) that everyone with a place is seated in;
    meals, walks and free time are plain items.
    """

    retreat = models.ForeignKey(Retreat, on_delete=models.CASCADE, related_name="items")
    day = models.DateField()
    starts_at = models.TimeField("Starts at", help_text="At the venue, in its time zone.")
    duration_min = models.PositiveSmallIntegerField("Minutes", default=60)
    kind = models.CharField(max_length=10, choices=ItemKind.choices, default=ItemKind.PRACTICE)
    title = models.CharField(max_length=120)
    note = models.TextField(max_length=1_000, blank=True)
    practice = models.CharField(max_length=80, blank=True, help_text="The library practice a practice item runs.")
    workshop = models.OneToOneField(
        "rooms.Workshop", on_delete=models.SET_NULL, null=True, blank=True, related_name="retreat_item"
    )
    # When the item was added, moved or changed; cleared once everyone with a place was told.
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["day", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_min__gte=1), name="schedule_item_has_a_length"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.starts_at:%H:%M} {self.title}"

    def starts(self) -> dt.datetime:
        """When the item starts, as an aware time in the venue's zone."""
        return dt.datetime.combine(self.day, self.starts_at, tzinfo=self.retreat.zone)

    def ends(self) -> dt.datetime:
        return self.starts() + dt.timedelta(minutes=self.duration_min)


class Moment(models.TextChoices):
    DAY = "day", "A day of the retreat"
    FOLLOW_UP = "follow_up", "A follow-up"


#: Weeks after the departure day when a member is invited to check in once more.
FOLLOW_UP_WEEKS = (1, 4, 12)
#: The guide sees the group's state for a day only once at least this many have answered.
GROUP_MINIMUM = 5


class RetreatCheckIn(models.Model):
    """A short check-in that belongs to a retreat: each day there, and at each follow-up after.

    Only the member sees it as theirs. The guide sees it only counted with others (at least
    :data:`GROUP_MINIMUM` answers for a day), or in the member's arc if the member shares it.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checkins")
    moment = models.CharField(max_length=10, choices=Moment.choices)
    day = models.DateField(help_text="The day at the venue, or the member's own day for a follow-up.")
    week = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Weeks after departure (follow-ups).")
    state = models.CharField(max_length=16, choices=CheckInState.choices)
    felt_safety = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "day"], condition=Q(moment="day"), name="one_retreat_checkin_a_day"
            ),
            models.UniqueConstraint(
                fields=["application", "week"], condition=Q(moment="follow_up"), name="one_follow_up_a_week"
            ),
            models.CheckConstraint(condition=Q(felt_safety__lte=10), name="retreat_checkin_safety_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.moment} {self.day}"

    def export_row(self) -> dict[str, Any]:
        return {
            "retreat": self.application.retreat.title,
            "moment": self.moment,
            "day": self.day,
            "week": self.week,
            "state": self.state,
            "felt_safety": self.felt_safety,
            "created_at": self.created_at,
        }


class FollowUp(models.Model):
    """An invitation to check in, a number of weeks after the retreat (sent once)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="follow_ups")
    week = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "week"], name="one_invitation_a_week")]

    def __str__(self) -> str:
        return f"follow-up week {self.week}"


_WORD_AAD = b"attune.retreats.word.v1"


class WordRequest(models.Model):
    """ "I'd like a word": a member asks their guide for a moment; only that guide sees it.

    The optional note is sealed with the journal's keyring, as intake answers are.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="word_requests")
    created_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)
    key_id = models.CharField(max_length=32, blank=True)
    nonce = models.BinaryField(max_length=crypto.NONCE_BYTES, default=b"")
    ciphertext = models.BinaryField(default=b"")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:  # never the note
        return f"word request {self.pk}"

    def _aad(self) -> bytes:
        return b"|".join([_WORD_AAD, str(self.application.user_id).encode("ascii"), str(self.application_id).encode()])

    def seal(self, note: str) -> None:
        if note:
            self.key_id, self.nonce, self.ciphertext = crypto.encrypt(note, aad=self._aad())

    def note(self) -> str:
        if not self.key_id:
            return ""
        return crypto.decrypt(self.key_id, self.nonce, self.ciphertext, aad=self._aad())

    def export_row(self) -> dict[str, Any]:
        return {"retreat": self.application.retreat.title, "asked_at": self.created_at, "note": self.note()}
