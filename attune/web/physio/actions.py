"""Writes with more than one step: starting, appending to and finishing recordings; assessments.

Appending is a compare-and-set on ``Recording.acked_seq``: one conditional UPDATE
(``WHERE acked_seq = seq - 1 AND ended_at IS NULL``) and one INSERT of a :class:`LiveBeatBatch`,
in one transaction. On PostgreSQL the UPDATE takes the row lock and a concurrent writer with the
same ``seq`` re-checks the condition after the first commits and matches no row; on SQLite the
transaction is ``BEGIN IMMEDIATE`` (settings), which serialises writers. The unique constraint on
``(recording, seq)`` backs this up: a beat can never be stored twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from attune.core import BreathingSegment, assess_resonance, clean_rr, time_domain
from attune.core.resonance import MIN_SEGMENT_S
from attune.web.accounts.export import values_of
from attune.web.physio import codec
from attune.web.physio.meter import replay_series
from attune.web.physio.models import (
    RESONANCE_RATES_BPM,
    SUMMARY_FIELDS,
    Kind,
    LiveBeatBatch,
    Recording,
    RecordingQuerySet,
    ResonanceAssessment,
)

AppendStatus = Literal["stored", "duplicate", "out_of_order", "closed", "missing", "full"]

# A reading counts as coherent at or above this coherence value (see docs/recordings.md).
COHERENCE_THRESHOLD = 1.0
MAX_FINISH_ATTEMPTS = 5
# clean_rr and time_domain each need at least this many RR intervals.
MIN_SUMMARY_BEATS = 3
# An open recording with no beats for this long is abandoned (the tab closed, the network went):
# the member's recordings list and history close and summarise it, keeping every stored beat.
STALE_AFTER = dt.timedelta(minutes=30)
# Bounds (docs/recordings.md): one recording holds at most this many beats and seconds of beats; a
# member has at most this many recordings open at once (abandoned ones, past STALE_AFTER, not counted).
MAX_RECORDING_BEATS = 20_000
MAX_RECORDING_S = 2 * 3600
MAX_OPEN_RECORDINGS = 3
# Finishing a recording of more beats than this closes it at once and leaves its readings and summary
# to the task worker (status "summarising"): replaying the meter over 20,000 beats took 0.74 s of CPU
# and 2 to 5 s of wall time on a busy two-core machine (bench/bench_summary.py, docs/recordings.md),
# too long to hold a request or a websocket. 1,500 beats (about 20 minutes) took 0.05 s of CPU, so
# shorter recordings are summarised on the spot and a practice's summary is there as soon as it ends.
SUMMARISE_IN_WORKER_ABOVE_BEATS = 1500
# A recording still summarising this long after it closed lost its job (the worker stopped): the
# periodic job summarises it.
SUMMARY_LOST_AFTER = dt.timedelta(minutes=5)

if TYPE_CHECKING:
    from attune.web.accounts.models import User


@dataclass(frozen=True)
class AppendResult:
    """What happened to one ``beats`` message.

    ``acked_seq`` is the last message stored for the recording after this call, so the next
    message the recording will accept is ``acked_seq + 1``.
    """

    status: AppendStatus
    acked_seq: int

    @property
    def stored(self) -> bool:
        return self.status == "stored"

    @property
    def expected_seq(self) -> int:
        return self.acked_seq + 1


class TooManyOpen(Exception):
    """The member already has :data:`MAX_OPEN_RECORDINGS` recordings open."""


def open_recordings(user: User) -> RecordingQuerySet:
    """The member's recordings still open and not abandoned (beats within :data:`STALE_AFTER`)."""
    return Recording.objects.filter(user=user, ended_at__isnull=True, updated_at__gte=timezone.now() - STALE_AFTER)


def start_recording(
    user: User,
    *,
    kind: str = Kind.FREE,
    pacer_bpm: float | None = None,
    simulated: bool = False,
    practice_session: Any = None,  # a practices.PracticeSession, which physio does not import
    assessment: ResonanceAssessment | None = None,
    segment_rate_bpm: float | None = None,
) -> Recording:
    now = timezone.now()
    with transaction.atomic():
        if open_recordings(user).count() >= MAX_OPEN_RECORDINGS:
            raise TooManyOpen(
                f"You already have {MAX_OPEN_RECORDINGS} recordings going. Please finish one first "
                f"(or leave it: after {int(STALE_AFTER.total_seconds() // 60)} minutes without beats it is closed)."
            )
        return _create_recording(user, now, kind, pacer_bpm, simulated, practice_session, assessment, segment_rate_bpm)


def _create_recording(
    user: User,
    now: dt.datetime,
    kind: str,
    pacer_bpm: float | None,
    simulated: bool,
    practice_session: Any,
    assessment: ResonanceAssessment | None,
    segment_rate_bpm: float | None,
) -> Recording:
    return Recording.objects.create(
        user=user,
        kind=kind,
        pacer_bpm=pacer_bpm,
        simulated=simulated,
        practice_session=practice_session,
        assessment=assessment,
        segment_rate_bpm=segment_rate_bpm,
        started_at=now,
        updated_at=now,
    )


def append_beats(recording: Recording | int, seq: int, rr_ms: Sequence[float] | codec.FloatArray) -> AppendResult:
    """Store the RR intervals of message ``seq`` once, or say why not (nothing changes then)."""
    rid = recording.pk if isinstance(recording, Recording) else int(recording)
    return append_many([(rid, seq, rr_ms)])[0]


def append_many(items: Sequence[tuple[int, int, Sequence[float] | codec.FloatArray]]) -> list[AppendResult]:
    """:func:`append_beats` for several messages ``(recording_id, seq, rr_ms)`` in one transaction.

    The live websocket's writer uses this for group commit: every message that arrived while the
    previous transaction was being written goes into the next one. Items are applied in order, so
    two messages for one recording in one batch behave as if sent one after the other.
    """
    return _apply(items, stop_at_refusal=False)


def append_in_order(
    recording: Recording | int, messages: Sequence[tuple[int, Sequence[float] | codec.FloatArray]]
) -> list[AppendResult]:
    """Store messages ``(seq, rr_ms)`` of one recording in order, in one transaction; stop at a refusal.

    Each message follows :func:`append_beats`'s rules: the next ``seq`` is stored, a ``seq`` already
    stored is a ``duplicate`` (nothing changes, the next message is still tried), and anything else
    is refused (``out_of_order``, ``closed`` or ``missing``). The results cover the messages up to
    and including the first refused one; nothing after a refusal is stored, even if it would fit.
    The HTTP beats upload uses this when the websocket is gone.
    """
    rid = recording.pk if isinstance(recording, Recording) else int(recording)
    return _apply([(rid, seq, rr) for seq, rr in messages], stop_at_refusal=True)


def _apply(
    items: Sequence[tuple[int, int, Sequence[float] | codec.FloatArray]], *, stop_at_refusal: bool
) -> list[AppendResult]:
    """Try each ``(recording_id, seq, rr_ms)`` in order with one compare-and-set UPDATE, in one transaction.

    With ``stop_at_refusal`` a refusal is explained at once and ends the run (a duplicate does not);
    otherwise every item is tried and refusals are explained afterwards, against the final state.
    """
    for _, seq, rr in items:
        if seq < 1 or len(rr) == 0:
            raise ValueError("storing beats needs seq >= 1 and at least one RR interval per message")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    results: list[AppendResult | None] = []
    batches: list[tuple[int, int, bytes]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for rid, seq, rr in items:
            total_ms = float(np.sum(rr))
            cap = [len(rr), MAX_RECORDING_BEATS, total_ms, MAX_RECORDING_S * 1000.0]
            cursor.execute(_append_sql(), [seq, len(rr), total_ms, now, rid, seq - 1, *cap])
            if cursor.rowcount == 1:
                results.append(AppendResult("stored", seq))
                batches.append((rid, seq, codec.encode_rr(rr)))
            elif stop_at_refusal:
                refused = _why_not(rid, seq)
                results.append(refused)
                if refused.status != "duplicate":
                    break
            else:
                results.append(None)
        if batches:
            cursor.executemany(_insert_batch_sql(), batches)
        return [
            result if result is not None else _why_not(rid, seq)
            for (rid, seq, _), result in zip(items, results, strict=False)  # a stopped run covers fewer items
        ]


def _column(name: str, model: type[models.Model] = Recording) -> str:
    """The database column of the concrete field ``name`` of ``model`` (``Recording`` unless given)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise LookupError(f"{model.__name__}.{name} is not a field stored in a column.")
    return field.column


@functools.cache
def _append_sql() -> str:
    """The compare-and-set as one plain UPDATE (the ORM's per-query cost dominated under load)."""
    qn = connection.ops.quote_name
    col = {f: qn(_column(f)) for f in ("id", "acked_seq", "beats", "live_ms", "updated_at", "ended_at")}
    # Only quoted identifiers from the model are interpolated; every value is a query parameter.
    table = qn(Recording._meta.db_table)
    return (
        f"UPDATE {table} SET {col['acked_seq']} = %s, {col['beats']} = {col['beats']} + %s, "  # noqa: S608
        f"{col['live_ms']} = {col['live_ms']} + %s, {col['updated_at']} = %s "
        f"WHERE {col['id']} = %s AND {col['acked_seq']} = %s AND {col['ended_at']} IS NULL "
        f"AND {col['beats']} + %s <= %s AND {col['live_ms']} + %s <= %s"
    )


@functools.cache
def _insert_batch_sql() -> str:
    """One stored message as a plain INSERT (the ORM's bulk_create cost more than the write itself)."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(_column(f, LiveBeatBatch)) for f in ("recording", "seq", "rr"))
    # Only quoted identifiers from the model are interpolated; every value is a query parameter.
    return f"INSERT INTO {qn(LiveBeatBatch._meta.db_table)} ({cols}) VALUES (%s, %s, %s)"  # noqa: S608


def _why_not(rid: int, seq: int) -> AppendResult:
    row = Recording.objects.filter(pk=rid).values_list("acked_seq", "ended_at").first()
    if row is None:
        return AppendResult("missing", 0)
    acked, ended_at = row
    if seq <= acked:
        return AppendResult("duplicate", acked)
    if ended_at is not None:
        return AppendResult("closed", acked)
    if seq == acked + 1:  # the next message, on an open recording: only the caps refused it
        return AppendResult("full", acked)
    return AppendResult("out_of_order", acked)


@dataclass(frozen=True)
class Summary:
    """The stored summary of a whole recording (all ``None`` when there are too few beats)."""

    duration_s: float | None = None
    mean_hr_bpm: float | None = None
    rmssd_ms: float | None = None
    mean_rmssd_live_ms: float | None = None
    time_in_coherence_s: float | None = None
    breathing_rate_bpm: float | None = None
    artifact_percent: float | None = None

    def as_fields(self) -> dict[str, float | None]:
        """The summary as Recording's columns (:data:`~attune.web.physio.models.SUMMARY_FIELDS`)."""
        return {name: getattr(self, name) for name in SUMMARY_FIELDS}


def _finite_or_none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def summarise(rr_ms: codec.FloatArray, series: codec.ReadingSeries) -> Summary:
    """The summary of a whole recording from its RR intervals and per-beat readings.

    - ``rmssd_ms`` and ``mean_hr_bpm``: :func:`attune.core.time_domain` on the NN intervals that
      :func:`attune.core.clean_rr` (default method) makes of the whole recording.
    - ``artifact_percent``: ``clean_rr``'s percentage of beats it flagged.
    - ``mean_rmssd_live_ms``: the mean of the meter's rolling RMSSD over the beats after calibration.
    - ``time_in_coherence_s``: the summed duration of beats (after calibration) whose coherence
      reading is at least :data:`COHERENCE_THRESHOLD`.
    - ``breathing_rate_bpm``: the median of the meter's breathing-rate readings after calibration.
    """
    if rr_ms.size == 0:
        return Summary()
    duration_s = float(np.sum(rr_ms)) / 1000.0
    rmssd = mean_hr = artifact = None
    if rr_ms.size >= MIN_SUMMARY_BEATS:  # with fewer, the summary stays empty where it has no answer
        cleaned = clean_rr(rr_ms)
        td = time_domain(cleaned.nn_ms)
        rmssd, mean_hr, artifact = td.rmssd_ms, td.mean_hr_bpm, float(cleaned.artifact_percent)
    settled = ~series.calibrating if len(series) == rr_ms.size else np.zeros(rr_ms.size, dtype=bool)
    live_rmssd = series.rmssd_ms[settled] if len(series) else np.zeros(0)
    live_rmssd = live_rmssd[np.isfinite(live_rmssd)]
    breathing = series.breathing_rate_bpm[settled] if len(series) else np.zeros(0)
    breathing = breathing[np.isfinite(breathing)]
    coherent = np.zeros(rr_ms.size, dtype=bool)
    if len(series) == rr_ms.size:
        with np.errstate(invalid="ignore"):
            coherent = settled & (series.coherence >= COHERENCE_THRESHOLD)
    any_settled = bool(np.any(settled))
    return Summary(
        duration_s=duration_s,
        mean_hr_bpm=mean_hr,
        rmssd_ms=rmssd,
        mean_rmssd_live_ms=_finite_or_none(float(np.mean(live_rmssd))) if live_rmssd.size else None,
        time_in_coherence_s=float(np.sum(rr_ms[coherent])) / 1000.0 if any_settled else None,
        breathing_rate_bpm=_finite_or_none(float(np.median(breathing))) if breathing.size else None,
        artifact_percent=artifact,
    )


def finish_recording(recording: Recording | int, *, in_worker: bool = False) -> Recording:
    """Close a recording: compact its live batches into the blob, store readings and summary.

    A recording of more than :data:`SUMMARISE_IN_WORKER_ABOVE_BEATS` beats is closed at once with
    ``summarising`` set, and the task worker computes the rest (:func:`summarise_closed`); with
    ``in_worker`` (the caller is the worker) it is computed here, whatever the size.

    Idempotent: finishing a finished (or summarising) recording returns it unchanged. Readings are
    computed by a fresh streaming meter over the whole stored stream, so they do not depend on
    reconnects. The work is three steps (read, compute, store if nothing changed meanwhile) so that
    the live consumer can run the computation away from its database thread.
    """
    rid = recording.pk if isinstance(recording, Recording) else int(recording)
    for _ in range(MAX_FINISH_ATTEMPTS):
        rec = Recording.objects.get(pk=rid)
        if rec.ended_at is not None:
            return rec
        if rec.beats > SUMMARISE_IN_WORKER_ABOVE_BEATS and not in_worker:
            closed = _close_for_worker(rid, rec.acked_seq)
            if closed is not None:
                return closed
            continue
        rr = rec.rr_ms()
        done = store_finished(rid, rec.acked_seq, rr, *compute_finish(rr, rec.pacer_bpm))
        if done is not None:
            return done
    raise RuntimeError(f"recording {rid} kept changing while it was being finished")


def _close_for_worker(rid: int, acked_seq: int) -> Recording | None:
    """Close the recording now, marked ``summarising``, and queue its summary; None if it moved on."""
    from attune.web.physio.tasks import summarise_recording  # the task module imports this one

    with transaction.atomic():
        closed = Recording.objects.filter(pk=rid, acked_seq=acked_seq, ended_at__isnull=True).update(
            ended_at=timezone.now(), summarising=True
        )
        if not closed:
            return None
        transaction.on_commit(lambda: summarise_recording(rid))
    return Recording.objects.get(pk=rid)


def summarise_closed(recording_id: int) -> Recording | None:
    """The task worker's half of finishing: compact, replay and summarise a ``summarising`` recording.

    Idempotent: a recording already summarised (or gone) is left as it is. No beat can arrive
    meanwhile (a closed recording refuses them), so nothing can change under the computation.
    """
    rec = Recording.objects.filter(pk=recording_id, summarising=True).first()
    if rec is None:
        return None
    rr = rec.rr_ms()
    series, summary = compute_finish(rr, rec.pacer_bpm)
    with transaction.atomic():
        done = Recording.objects.filter(pk=recording_id, summarising=True).update(
            summarising=False,
            rr=codec.encode_rr(rr),
            readings=codec.encode_readings(series),
            beats=int(rr.size),
            **summary.as_fields(),
        )
        if done:
            LiveBeatBatch.objects.filter(recording_id=recording_id).delete()
    return Recording.objects.get(pk=recording_id)


def close_stale(user: User | None, *, now: dt.datetime | None = None) -> int:
    """Finish the member's open recordings that have had no beats for :data:`STALE_AFTER`.

    ``user=None`` closes every member's (the background job does, once a minute, and summarises
    long ones there and then, as well as any whose summary job was lost). Nothing is lost:
    finishing compacts every stored beat into the recording and summarises it, exactly as the
    Finish button would (a long one in the worker). Returns how many were closed.
    """
    now = now or timezone.now()
    stale_recordings = Recording.objects.filter(ended_at__isnull=True, updated_at__lt=now - STALE_AFTER)
    if user is not None:
        stale_recordings = stale_recordings.filter(user=user)
    stale = list(stale_recordings.values_list("pk", flat=True))
    for pk in stale:
        finish_recording(pk, in_worker=user is None)
    if user is None:
        lost = Recording.objects.filter(summarising=True, ended_at__lt=now - SUMMARY_LOST_AFTER)
        for pk in lost.values_list("pk", flat=True):
            summarise_closed(pk)
    return len(stale)


def compute_finish(rr_ms: codec.FloatArray, pacer_bpm: float | None) -> tuple[codec.ReadingSeries, Summary]:
    """The per-beat readings and the summary of a whole recording (pure computation)."""
    series = replay_series(rr_ms, pacer_bpm)
    return series, summarise(rr_ms, series)


def store_finished(
    rid: int, acked_seq: int, rr_ms: codec.FloatArray, series: codec.ReadingSeries, summary: Summary
) -> Recording | None:
    """Close the recording with these results if it still ends at ``acked_seq``; None if it moved on."""
    with transaction.atomic():
        done = Recording.objects.filter(pk=rid, acked_seq=acked_seq, ended_at__isnull=True).update(
            ended_at=timezone.now(),
            rr=codec.encode_rr(rr_ms),
            readings=codec.encode_readings(series),
            beats=int(rr_ms.size),
            **summary.as_fields(),
        )
        if not done:
            return None
        LiveBeatBatch.objects.filter(recording_id=rid).delete()
    return Recording.objects.get(pk=rid)


def summary_payload(rec: Recording) -> dict[str, Any]:
    """The summary as the websocket's ``finished`` message and the start view report it."""
    return {
        "recording": rec.pk,
        "summarising": rec.summarising,
        "beats": rec.beats,
        **values_of(rec, SUMMARY_FIELDS),
        "coherence_threshold": COHERENCE_THRESHOLD,
    }


def start_assessment(user: User, *, quick: bool = False) -> ResonanceAssessment:
    return ResonanceAssessment.objects.create(user=user, quick=quick)


def _rate_key(rate_bpm: float) -> str:
    return f"{rate_bpm:g}"


def apply_rate(assessment: ResonanceAssessment, rate_bpm: float | None = None) -> float:
    """Make ``rate_bpm`` (by default the assessment's best rate) the member's pacer rate."""
    rate = assessment.best_rate_bpm if rate_bpm is None else float(rate_bpm)
    if rate is None:
        raise ValueError("This assessment has no rate to apply yet; score it first.")
    if not any(math.isclose(rate, r) for r in RESONANCE_RATES_BPM):
        raise ValueError(f"{rate:g} is not one of the assessed rates.")
    user = assessment.user
    with transaction.atomic():
        user.default_pacer_bpm = rate
        user.save(update_fields=["default_pacer_bpm"])
        ResonanceAssessment.objects.filter(user=user, applied=True).exclude(pk=assessment.pk).update(applied=False)
        assessment.applied = True
        assessment.applied_rate_bpm = rate
        assessment.save(update_fields=["applied", "applied_rate_bpm"])
    return rate


#: The shape of ``ResonanceAssessment.result``: numbers only; the pages word them (physio/_resonance_evidence.html).
RESULT_FORMAT = 2


def score_assessment(assessment: ResonanceAssessment) -> ResonanceAssessment:
    """Score the assessment's finished segments with :func:`attune.core.assess_resonance`; store the evidence.

    For each rate the most recent finished segment is used. Segments with under
    ``attune.core.resonance.MIN_SEGMENT_S`` seconds of beats are listed but not scored.
    Raises ``ValueError`` when no segment is long enough.
    """
    latest: dict[str, Recording] = {}
    for rec in assessment.segments.filter(ended_at__isnull=False).order_by("started_at", "pk"):
        if rec.segment_rate_bpm is not None:
            latest[_rate_key(rec.segment_rate_bpm)] = rec
    usable: list[tuple[Recording, codec.FloatArray]] = []
    short: list[tuple[Recording, float]] = []
    for rec in sorted(latest.values(), key=lambda r: -float(r.segment_rate_bpm or 0)):
        rr = rec.rr_ms()
        duration = float(np.sum(rr)) / 1000.0
        if duration >= MIN_SEGMENT_S:
            usable.append((rec, rr))
        else:
            short.append((rec, duration))
    if not usable:
        raise ValueError(
            f"None of this assessment's rates has {MIN_SEGMENT_S:g} s of beats yet, so there is nothing to score."
        )
    result = assess_resonance(
        [BreathingSegment(rate_bpm=float(rec.segment_rate_bpm or 0), rr_ms=rr) for rec, rr in usable]
    )
    rows: list[dict[str, Any]] = []
    for (rec, _), ev in zip(usable, result.rates, strict=True):
        rows.append(
            {
                "rate_bpm": ev.rate_bpm,
                "recording": rec.pk,
                "usable": True,
                "duration_s": ev.duration_s,
                "artifact_percent": ev.artifact_percent,
                "peak_to_trough_bpm": ev.peak_to_trough_bpm,
                "lf_peak_hz": ev.lf_peak_hz,
                "lf_peak_power_ms2": ev.lf_peak_power_ms2,
                "phase_synchrony": ev.phase_synchrony,
                "single_peak": ev.single_peak,
                "peak_concentration": ev.peak_concentration,
                "second_peak_ratio": ev.second_peak_ratio,
                "score": ev.score,
            }
        )
    for rec, duration in short:
        rows.append(
            {
                "rate_bpm": float(rec.segment_rate_bpm or 0),
                "recording": rec.pk,
                "usable": False,
                "duration_s": duration,
            }
        )
    best = result.best_rate_bpm
    assessment.result = {"format": RESULT_FORMAT, "criteria": list(result.criteria), "rates": rows}
    assessment.best_rate_bpm = best
    assessment.scored_at = timezone.now()
    assessment.save(update_fields=["result", "best_rate_bpm", "scored_at"])
    return assessment


@dataclass(frozen=True)
class ImportedBeats:
    """Beat-to-beat intervals read from an export, before they become a recording."""

    key: str
    started_at: dt.datetime
    rr_ms: codec.FloatArray
    source: str
    device: str


# The condition of the partial unique index ``recording_imported_once``, written out as the index has
# it. SQLite uses a partial index only for a query that carries the index's own condition; Django
# would pass the '' as a parameter, which SQLite cannot match, so it read every recording of the
# member (their beats too) for each batch of an import: an import slowed as it went.
_IMPORTED_ONLY = RawSQL("""NOT ("import_key" = '')""", (), output_field=models.BooleanField())


def imported_keys(user: User, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` the member already has as imported recordings (a look-up in the key's index)."""
    found = Recording.objects.filter(_IMPORTED_ONLY, user=user, import_key__in=list(keys)).order_by()
    return set(found.values_list("import_key", flat=True))


def prepare_imported(user: User, beats: ImportedBeats) -> Recording:
    """An unsaved, finished recording of imported beats, analysed exactly as a live one is finished.

    The readings and summary come from :func:`compute_finish` (the streaming meter replayed over
    every beat, then :func:`summarise`), so an imported recording reads like one taken here.
    Pure computation and no database write: call it outside a transaction, then
    :func:`store_imported`.
    """
    rr = np.asarray(beats.rr_ms, dtype=np.float64)
    series, summary = compute_finish(rr, None)
    duration = dt.timedelta(seconds=float(np.sum(rr)) / 1000.0)
    return Recording(
        user=user,
        kind=Kind.FREE,
        imported=True,
        source=beats.source[:20],
        device=beats.device[:200],
        import_key=beats.key,
        started_at=beats.started_at,
        updated_at=beats.started_at + duration,
        ended_at=beats.started_at + duration,
        beats=int(rr.size),
        rr=codec.encode_rr(rr),
        readings=codec.encode_readings(series),
        **summary.as_fields(),
    )


def store_imported(recordings: Sequence[Recording]) -> None:
    """Save recordings from :func:`prepare_imported`; one already imported (same key) is left as it was."""
    Recording.objects.bulk_create(list(recordings), ignore_conflicts=True)
