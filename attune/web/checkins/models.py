"""A check-in: how the body answers "am I safe right now?", in under 20 seconds.

The numbers and chips are plain columns (Today, History and the insights read them). The note is
the member's own words and is sealed at rest with the keyring the journal uses
(``attune.web.common.crypto``): AES-256-GCM, a fresh nonce each time, and associated data that
names the member and the check-in's own uuid.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attune.web.accounts.export import values_of
from attune.web.common import crypto, offline
from attune.web.common.owned import OwnedQuerySet
from attune.web.common.states import State


class BodyArea(models.TextChoices):
    CHEST = "chest", _("Chest")
    THROAT = "throat", _("Throat")
    BELLY = "belly", _("Belly")
    SHOULDERS = "shoulders", _("Shoulders")
    JAW = "jaw", _("Jaw")
    FACE = "face", _("Face and eyes")
    HANDS = "hands", _("Hands")
    BACK = "back", _("Back")
    LEGS = "legs", _("Legs and feet")
    WHOLE_BODY = "whole_body", _("Whole body")


class Context(models.TextChoices):
    ALONE = "alone", _("Alone")
    WITH_SOMEONE = "with_someone", _("With someone")
    OUTDOORS = "outdoors", _("Outdoors")
    WITH_ANIMAL = "with_animal", _("With an animal")
    AT_WORK = "at_work", _("At work")
    OTHER = "other", _("Somewhere else")


NOTE_MAX_CHARS = 2000
# At or below this felt safety the app gently shows the operator's crisis resources.
LOW_SAFETY = 2
NOTE_AAD_PREFIX = b"attune.checkins.note.v1"
#: What the member answers on a check-in, in the order the form asks.
ANSWERS = ("state", "felt_safety", "breath", "muscles", "attention", "felt_connection", "body_area", "context")
# What the member's data export holds of each check-in, after its id (the note opened).
_EXPORTED = ("created_at", "updated_at", *ANSWERS, "note", "both_opt_in")


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
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The note, sealed: all three are empty when there is no note.
    note_key_id = models.CharField(max_length=32, blank=True)
    note_nonce = models.BinaryField(max_length=crypto.NONCE_BYTES, default=b"")
    note_ciphertext = models.BinaryField(default=b"")
    both_opt_in = models.BooleanField(
        default=False,
        help_text="Someone is here and both of them opt in to touch or eye contact. Never assumed.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The idempotency key of the submission that made it (attune.web.common.offline): a check-in
    # sent again after a lost reply, or twice by the offline queue, is stored once.
    client_key = offline.key_column()

    objects = OwnedQuerySet["CheckIn"].as_manager()
    _note: str | None = None  # the opened (or not yet sealed) note, per instance; never stored as such
    _note_pending = False  # set before the member is known: sealed by save()

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=["user", "created_at"], name="checkin_user_created"),)
        constraints = (
            offline.one_per_key("checkin_one_per_key"),
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

    def save(self, *args: object, **kwargs: object) -> None:
        if self._note_pending:
            self._seal_note(self._note or "")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ the sealed note

    def note_aad(self) -> bytes:
        if self.user_id is None:
            raise ValueError("a check-in needs its member before its note can be sealed")
        return b"|".join([NOTE_AAD_PREFIX, str(self.user_id).encode("ascii"), self.uuid.hex.encode("ascii")])

    def _seal_note(self, text: str) -> None:
        if text:
            self.note_key_id, self.note_nonce, self.note_ciphertext = crypto.encrypt(text, aad=self.note_aad())
        else:
            self.note_key_id, self.note_nonce, self.note_ciphertext = "", b"", b""
        self._note_pending = False

    @property
    def note(self) -> str:
        """The member's note, opened (cached on this instance); "" when there is none."""
        if self._note is None:
            if not self.note_key_id:
                self._note = ""
            else:
                self._note = crypto.decrypt(
                    self.note_key_id, self.note_nonce, self.note_ciphertext, aad=self.note_aad()
                )
        return self._note

    @note.setter
    def note(self, text: str) -> None:
        self._note = text or ""
        if self.user_id is None:
            self._note_pending = True  # sealed in save(), once the member is set
        else:
            self._seal_note(self._note)

    @property
    def has_note(self) -> bool:
        """Whether there is a note, without opening it."""
        return bool(self.note_key_id) or bool(self._note_pending and self._note)

    @property
    def feels_unsafe(self) -> bool:
        """Whether to gently offer the crisis resources alongside this check-in."""
        return self.felt_safety <= LOW_SAFETY

    def export_row(self) -> dict[str, object]:
        return {"id": self.pk, **values_of(self, _EXPORTED)}
