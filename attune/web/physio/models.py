"""Heart-rhythm recordings from a chest strap (or a demo strap), and resonance-rate assessments.

A recording is written in two phases. While it is live, each websocket message becomes one
append-only :class:`LiveBeatBatch` row, unique on ``(recording, seq)``, so the database itself
refuses to count a beat twice. When the recording is finished the batches are compacted into the
recording's ``rr`` blob (see :mod:`attune.web.physio.codec`), the readings are computed once more
over the whole stream, and the summary is stored.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attune.web.accounts.export import values_of
from attune.web.common.owned import OwnedQuerySet
from attune.web.physio import codec


def _ms_text(x: float) -> str:
    """Exact text for a stored interval: '812' for whole ms, else the shortest exact decimal."""
    return str(int(x)) if x.is_integer() else repr(x)


#: A finished recording's summary columns, in the order the export lists them.
SUMMARY_FIELDS: tuple[str, ...] = (
    "duration_s",
    "mean_hr_bpm",
    "rmssd_ms",
    "mean_rmssd_live_ms",
    "time_in_coherence_s",
    "breathing_rate_bpm",
    "artifact_percent",
)
# A recording's columns in the export, between the assessment it belongs to and its intervals.
_EXPORTED = (
    "segment_rate_bpm",
    "pacer_bpm",
    "simulated",
    "imported",
    "source",
    "device",
    "started_at",
    "ended_at",
    "beats",
    *SUMMARY_FIELDS,
)

RESONANCE_RATES_BPM: tuple[float, ...] = (6.5, 6.0, 5.5, 5.0, 4.5)


class Kind(models.TextChoices):
    PRACTICE = "practice", _("During a practice")
    RESONANCE = "resonance", _("Resonance assessment")
    FREE = "free", _("Free recording")
    MORNING = "morning", _("Morning reading")


class RecordingQuerySet(OwnedQuerySet["Recording"]):
    def finished(self) -> RecordingQuerySet:
        """Closed and summarised (a recording the task worker is still summarising is not, yet)."""
        return self.filter(ended_at__isnull=False, summarising=False)


class ResonanceAssessment(models.Model):
    """One run of the resonance-rate wizard: a recording per breathing rate, then a score."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resonance_assessments")
    created_at = models.DateTimeField(auto_now_add=True)
    quick = models.BooleanField(default=False, help_text="One minute per rate instead of two.")
    scored_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True, help_text="attune.core's evidence for each rate.")
    best_rate_bpm = models.FloatField(null=True, blank=True)
    applied = models.BooleanField(default=False, help_text="Whether a rate from this assessment became the pacer's.")
    applied_rate_bpm = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Resonance assessment {self.pk}"

    @property
    def segment_s(self) -> int:
        return 60 if self.quick else 120

    @property
    def rest_s(self) -> int:
        return 30 if self.quick else 60

    def plan(self) -> dict[str, Any]:
        return {
            "assessment": self.pk,
            "quick": self.quick,
            "rates_bpm": list(RESONANCE_RATES_BPM),
            "segment_s": self.segment_s,
            "rest_s": self.rest_s,
        }

    def export_row(self) -> dict[str, object]:
        exported = ("created_at", "quick", "scored_at", "best_rate_bpm", "applied", "applied_rate_bpm", "result")
        return {"id": self.pk, **values_of(self, exported)}


class Recording(models.Model):
    """One stretch of heartbeats from one member, with the readings and a summary once finished.

    Summary fields are empty until :func:`attune.web.physio.actions.finish_recording` has run.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recordings")
    practice_session = models.ForeignKey(
        "practices.PracticeSession", on_delete=models.SET_NULL, null=True, blank=True, related_name="recordings"
    )
    assessment = models.ForeignKey(
        ResonanceAssessment, on_delete=models.CASCADE, null=True, blank=True, related_name="segments"
    )
    segment_rate_bpm = models.FloatField(null=True, blank=True, help_text="The paced rate for an assessment segment.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FREE)
    pacer_bpm = models.FloatField(null=True, blank=True, help_text="Breaths a minute the pacer was set to, if any.")
    simulated = models.BooleanField(default=False, help_text="True when the beats came from the demo strap.")
    # Beats brought in from an export (an Apple heartbeat series, a FIT file, an RR file).
    imported = models.BooleanField(default=False, help_text="True when the beats came from an imported file.")
    source = models.CharField(max_length=20, blank=True, help_text="The export format, for imported beats.")
    device = models.CharField(max_length=200, blank=True, help_text="The device the file names, for imported beats.")
    import_key = models.CharField(
        max_length=80, blank=True, help_text="The natural key of imported beats: importing again adds nothing."
    )
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField(help_text="When the last beats arrived.")
    ended_at = models.DateTimeField(null=True, blank=True)
    acked_seq = models.PositiveIntegerField(default=0, help_text="The last websocket message stored.")
    beats = models.PositiveIntegerField(default=0, help_text="RR intervals stored.")
    live_ms = models.FloatField(default=0.0, help_text="RR intervals stored live, summed (ms): bounds its length.")
    rr = models.BinaryField(default=b"", help_text="RR intervals, little-endian float32 ms (see codec.py).")
    readings = models.BinaryField(default=b"", help_text="Per-beat readings, float32 columns (see codec.py).")
    summarising = models.BooleanField(
        default=False, help_text="Closed, its readings and summary still being computed by the task worker."
    )
    # The summary, filled by finish_recording.
    duration_s = models.FloatField(null=True, blank=True)
    mean_hr_bpm = models.FloatField(null=True, blank=True)
    rmssd_ms = models.FloatField(null=True, blank=True, help_text="RMSSD of the cleaned (NN) whole recording.")
    mean_rmssd_live_ms = models.FloatField(null=True, blank=True)
    time_in_coherence_s = models.FloatField(null=True, blank=True)
    breathing_rate_bpm = models.FloatField(null=True, blank=True)
    artifact_percent = models.FloatField(null=True, blank=True)

    objects = RecordingQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["user", "started_at"], name="recording_user_started")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in Kind]), name="recording_kind_known"),
            models.CheckConstraint(
                condition=Q(assessment__isnull=True) | Q(segment_rate_bpm__isnull=False),
                name="recording_segment_has_rate",
            ),
            models.UniqueConstraint(
                fields=["user", "import_key"], condition=~Q(import_key=""), name="recording_imported_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} recording {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def has_summary(self) -> bool:
        return self.ended_at is not None and self.beats > 0 and not self.summarising

    def rr_ms(self) -> codec.FloatArray:
        """Every stored RR interval in order: the compacted blob, then any live batches not yet compacted."""
        head = codec.decode_rr(self.rr)
        batches = list(self.batches.order_by("seq").values_list("rr", flat=True))
        if not batches:
            return head
        return np.concatenate([head, *(codec.decode_rr(b) for b in batches)])

    def rr_text(self) -> str:
        """The RR intervals as plain text: '#' comment lines, then one interval in ms per line."""
        rr = self.rr_ms()
        started = timezone.localtime(self.started_at, self.user.zone).isoformat()
        lines = [
            "# attune RR intervals, one per line, in milliseconds",
            f"# recording {self.pk}, {self.get_kind_display().lower()}, started {started}",
            f"# source: {self._source_text()}",
            f"# beats: {rr.size}",
            "# values as received and stored (float32: exact for a strap's 1/1024 s units), not cleaned",
        ]
        if self.pacer_bpm:
            lines.append(f"# pacer: {self.pacer_bpm:g} breaths a minute")
        return "\n".join([*lines, *(_ms_text(float(x)) for x in rr)]) + "\n"

    def _source_text(self) -> str:
        if self.imported:
            return f"imported from {self.source}" + (f" ({self.device})" if self.device else "")
        return "demo strap (simulated)" if self.simulated else "heart-rate strap"

    def reading_series(self) -> codec.ReadingSeries:
        return codec.decode_readings(self.readings)

    def export_row(self) -> dict[str, object]:
        return {
            "id": self.pk,
            "kind": self.kind,
            "practice_session": self.practice_session_id,
            "assessment": self.assessment_id,
            **values_of(self, _EXPORTED),
            "rr_ms": [float(x) for x in self.rr_ms()],
        }


class LiveBeatBatch(models.Model):
    """The RR intervals of one websocket ``beats`` message, kept until the recording is compacted."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="batches")
    seq = models.PositiveIntegerField()
    rr = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recording", "seq"], name="live_batch_once_per_seq")]

    def __str__(self) -> str:
        return f"batch {self.seq} of recording {self.recording_id}"
