"""Plausible history for a demo member (and the page benchmark).

Seeded, so the same seed and end date give the same history. The story is gentle: felt safety
drifts up a little over the weeks, with ordinary ups and downs; some days have no check-in;
slowing down and gentle touch tend to help this member most.

Besides check-ins and practice sessions (:func:`build_history`) the demo member has a few heart
recordings from a simulated strap (:func:`build_recordings`, always ``simulated=True``), one
resonance assessment (:func:`build_assessment`), a workbook followed for about ten days
(:func:`build_workbook`) and a couple of free journal entries (:func:`build_journal`). Everything
goes through the apps' own actions, then is moved back to the day it belongs to.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from attune.content.practices import Library, Pacer, Practice
from attune.content.workbooks import CheckinStep, PracticeStep, Prompt, Reading
from attune.core.simulate import simulate_rr
from attune.web.checkins.models import BodyArea, CheckIn, Context
from attune.web.journal import actions as journal_actions
from attune.web.journal.models import JournalEntry
from attune.web.physio import actions as physio_actions
from attune.web.physio.models import RESONANCE_RATES_BPM, Kind, Recording, ResonanceAssessment
from attune.web.practices.models import Outcome, PracticeSession
from attune.web.today.suggestion import suggest
from attune.web.workbooks import actions as workbook_actions
from attune.web.workbooks.models import DayProgress, Enrolment, Workbook

if TYPE_CHECKING:
    from attune.web.accounts.models import User

# Typical change in felt safety from before to after, per condition, for this demo member.
EFFECT = {
    "slowing-down": 1.6,
    "gentle-touch": 1.3,
    "beyond-people": 1.1,
    "honest-conversation": 0.6,
    "soft-gaze": 0.4,
}
# On top of its condition's: a long hug with someone who wants one helps this member most of all.
PRACTICE_LIFT = {"long-hug": 1.3}
NOTES = (
    "Slept badly, jaw tight all morning.",
    "Walked by the river after lunch. Softer afterwards.",
    "Long meeting; noticed I was holding my breath.",
    "Call with my sister. Felt close.",
    "Quiet evening, cat on my lap.",
    "Couldn't settle, mind racing about Monday.",
    "Good talk at dinner, I listened more than usual.",
    "Felt far away from everyone today.",
)


def _clip(x: float, low: int, high: int) -> int:
    return max(low, min(high, round(x)))


def _at(day: dt.date, hour: int, minute: int, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def _state_for(safety: float, rng: random.Random) -> str:
    r = rng.random()
    if safety >= 6.5:
        return "settled" if r < 0.85 else "activated"
    if safety >= 4:
        return "activated" if r < 0.55 else ("settled" if r < 0.8 else "shut_down")
    return "shut_down" if r < 0.5 else "activated"


def build_history(
    user: User,
    library: Library,
    *,
    days: int,
    end: dt.date,
    tz: dt.tzinfo,
    seed: int = 7,
    skip_day_chance: float = 0.15,
    session_chance: float = 0.65,
    not_after: dt.datetime | None = None,
) -> tuple[int, int]:
    """Create ``days`` days of history ending on ``end`` for ``user``; returns (check-ins, sessions).

    Nothing is dated after ``not_after`` (usually now), so the demo never shows the future.
    """
    rng = random.Random(seed)
    practices = library.practices
    checkins: list[CheckIn] = []
    sessions: list[PracticeSession] = []
    recent: list[str] = []
    for i in range(days):
        day = end - dt.timedelta(days=days - 1 - i)
        if rng.random() < skip_day_chance:
            continue
        trend = 4.6 + 1.8 * (i / max(1, days - 1))
        weekday_lift = 0.5 if day.weekday() >= 5 else 0.0
        n_checkins = 2 if rng.random() < 0.25 else 1
        for k in range(n_checkins):
            hour = 8 if k == 0 else 19
            when = dt.datetime.combine(day, dt.time(hour, rng.randrange(0, 60)), tzinfo=tz)
            if not_after is not None and when > not_after:
                continue
            safety = trend + weekday_lift + rng.gauss(0, 1.6)
            state = _state_for(safety, rng)
            signal = (safety - 5) / 2.5
            checkins.append(
                CheckIn(
                    user=user,
                    created_at=when,
                    updated_at=when,
                    state=state,
                    felt_safety=_clip(safety, 0, 10),
                    breath=_clip(3 + signal + rng.gauss(0, 0.8), 1, 5),
                    muscles=_clip(3 + signal + rng.gauss(0, 0.8), 1, 5),
                    attention=_clip(3 + signal + rng.gauss(0, 0.9), 1, 5),
                    felt_connection=_clip(safety + rng.gauss(-0.5, 1.5), 0, 10),
                    body_area=rng.choice(list(BodyArea.values)) if rng.random() < 0.35 else "",
                    context=rng.choice(list(Context.values)) if rng.random() < 0.5 else "",
                )
            )
            checkins[-1].note = rng.choice(NOTES) if rng.random() < 0.15 else ""
            if k == 0 and practices and rng.random() < session_chance:
                suggestion = suggest(state, practices, recent=recent)
                options: list[Practice] = [suggestion.practice, *suggestion.alternatives] if suggestion else []
                practice = rng.choice(options) if options else rng.choice(practices)
                recent = [practice.slug, *recent][:6]
                if "solo" not in practice.with_whom:
                    # Practising with someone: this morning's check-in says so, and whether both opted in.
                    checkins[-1].context = Context.WITH_SOMEONE
                    checkins[-1].both_opt_in = practice.needs_consent
                start = when + dt.timedelta(minutes=rng.randrange(5, 40))
                if not_after is not None and start + dt.timedelta(seconds=practice.total_seconds + 90) > not_after:
                    continue
                length = practice.total_seconds
                stopped = rng.random() < 0.08
                elapsed = int(length * (rng.uniform(0.3, 0.8) if stopped else 1.0))
                readings = rng.random() > 0.1
                before = _clip(safety + rng.gauss(0, 0.7), 0, 10)
                effect = EFFECT[practice.condition] + PRACTICE_LIFT.get(practice.slug, 0.0)
                after = _clip(before + effect * (0.5 if stopped else 1) + rng.gauss(0, 1.0), 0, 10)
                pacer = next((s.pacer for s in practice.steps if s.pacer is not None), None)
                sessions.append(
                    PracticeSession(
                        user=user,
                        practice_slug=practice.slug,
                        practice_title=practice.title,
                        started_at=start,
                        ended_at=start + dt.timedelta(seconds=elapsed + rng.randrange(20, 90)),
                        outcome=Outcome.STOPPED if stopped else Outcome.COMPLETED,
                        elapsed_s=elapsed,
                        before_safety=before if readings else None,
                        before_state=state if readings else "",
                        after_safety=after if readings else None,
                        after_state=(_state_for(after, rng) if readings else ""),
                        pacer_inhale_s=pacer.inhale_s if pacer else None,
                        pacer_hold_in_s=pacer.hold_in_s if pacer else None,
                        pacer_exhale_s=pacer.exhale_s if pacer else None,
                        pacer_hold_out_s=pacer.hold_out_s if pacer else None,
                    )
                )
    CheckIn.objects.bulk_create(checkins, batch_size=500)
    PracticeSession.objects.bulk_create(sessions, batch_size=500)
    return len(checkins), len(sessions)


def build_today(user: User, *, now: dt.datetime, tz: dt.tzinfo) -> CheckIn | None:
    """This morning's check-in, with Sam's sister visiting and both open to a hug, unless there is one today.

    So Today shows a suggestion straight away, and one that may involve the person who is there.
    """
    local = now.astimezone(tz)
    start = dt.datetime.combine(local.date(), dt.time.min, tzinfo=tz)
    if CheckIn.objects.filter(user=user, created_at__gte=start).exists():
        return None
    when = max(start, min(now - dt.timedelta(minutes=5), _at(local.date(), 8, 10, tz)))
    morning = {"state": "settled", "felt_safety": 7, "breath": 4, "muscles": 4, "attention": 4, "felt_connection": 8}
    note = "My sister is visiting today."
    checkin = CheckIn(user=user, created_at=when, context=Context.WITH_SOMEONE, both_opt_in=True, **morning)
    checkin.note = note
    checkin.save()
    return checkin


# Beats per stored message: the live strap sends about one a second; the demo sends bigger batches.
_BEATS_PER_MESSAGE = 32
# This demo member's own resonance rate (breaths a minute), where their heart-rate swing is largest.
DEMO_RESONANCE_BPM = 5.5


def _store_recording(
    user: User,
    rr: Sequence[float],
    started: dt.datetime,
    *,
    kind: str,
    pacer_bpm: float | None,
    practice_session: PracticeSession | None = None,
    assessment: ResonanceAssessment | None = None,
    segment_rate_bpm: float | None = None,
) -> Recording:
    """Store ``rr`` as one simulated recording through the live path, then date it ``started``."""
    rec = physio_actions.start_recording(
        user,
        kind=kind,
        pacer_bpm=pacer_bpm,
        simulated=True,
        practice_session=practice_session,
        assessment=assessment,
        segment_rate_bpm=segment_rate_bpm,
    )
    for seq, i in enumerate(range(0, len(rr), _BEATS_PER_MESSAGE), start=1):
        result = physio_actions.append_beats(rec, seq, rr[i : i + _BEATS_PER_MESSAGE])
        if not result.stored:
            raise RuntimeError(f"demo beats were not stored ({result.status})")
    rec = physio_actions.finish_recording(rec)
    ended = started + dt.timedelta(milliseconds=sum(rr))
    Recording.objects.filter(pk=rec.pk).update(started_at=started, updated_at=ended, ended_at=ended)
    return rec


def build_recordings(
    user: User, *, now: dt.datetime, tz: dt.tzinfo = dt.UTC, seed: int = 7, linked: int = 3, free: int = 1
) -> int:
    """Simulated heart recordings over the last four weeks; returns how many were made.

    Up to ``linked`` of them go with completed paced practice sessions that have before and after
    readings (as if the member had worn the demo strap while practising), spread over the weeks;
    the rest, at least ``free`` and enough to make three in all, are free recordings of quiet
    unpaced sitting.
    """
    rng = random.Random(seed * 1009 + 1)
    window = now - dt.timedelta(days=28)
    candidates = list(
        PracticeSession.objects.filter(
            user=user,
            outcome=Outcome.COMPLETED,
            started_at__gte=window,
            pacer_inhale_s__isnull=False,
            pacer_exhale_s__isnull=False,
            before_safety__isnull=False,
            after_safety__isnull=False,
            elapsed_s__gte=180,
        ).order_by("started_at")
    )
    chosen: list[PracticeSession] = []
    if candidates and linked > 0:
        step = len(candidates) / min(linked, len(candidates))
        chosen = [candidates[int(k * step)] for k in range(min(linked, len(candidates)))]
    made = 0
    for session in chosen:
        pacer = Pacer(
            inhale_s=float(session.pacer_inhale_s or 0),
            exhale_s=float(session.pacer_exhale_s or 0),
            hold_in_s=float(session.pacer_hold_in_s or 0),
            hold_out_s=float(session.pacer_hold_out_s or 0),
        )
        rr = simulate_rr(
            float(session.elapsed_s or 60),
            rng,
            resting_hr=rng.uniform(62, 70),
            pacer=pacer,
            resonance_bpm=DEMO_RESONANCE_BPM,
        )
        _store_recording(
            user,
            rr,
            session.started_at,
            kind=Kind.PRACTICE,
            pacer_bpm=round(pacer.breaths_per_min, 2),
            practice_session=session,
        )
        made += 1
    for k in range(max(free, 3 - made)):
        day = (now - dt.timedelta(days=3 + 6 * k + rng.randrange(0, 3))).astimezone(tz).date()
        started = _at(day, 21, rng.randrange(0, 50), tz)
        rr = simulate_rr(rng.uniform(240, 360), rng, resting_hr=rng.uniform(60, 66))
        _store_recording(user, rr, started, kind=Kind.FREE, pacer_bpm=None)
        made += 1
    return made


def build_assessment(user: User, *, when: dt.datetime, seed: int = 7) -> ResonanceAssessment:
    """One full resonance assessment at ``when``: two simulated minutes at each of the five rates, scored.

    The rate the scorer suggests is applied, so it becomes the demo member's pacer rate.
    """
    rng = random.Random(seed * 1009 + 2)
    assessment = physio_actions.start_assessment(user)
    resting = rng.uniform(63, 67)
    start = when
    for rate in RESONANCE_RATES_BPM:
        cycle = 60.0 / rate
        pacer = Pacer(inhale_s=0.4 * cycle, exhale_s=0.6 * cycle)
        rr = simulate_rr(assessment.segment_s, rng, resting_hr=resting, pacer=pacer, resonance_bpm=DEMO_RESONANCE_BPM)
        _store_recording(
            user, rr, start, kind=Kind.RESONANCE, pacer_bpm=rate, assessment=assessment, segment_rate_bpm=rate
        )
        start += dt.timedelta(seconds=assessment.segment_s + assessment.rest_s)
    physio_actions.score_assessment(assessment)
    ResonanceAssessment.objects.filter(pk=assessment.pk).update(created_at=when, scored_at=start)
    assessment.refresh_from_db()
    physio_actions.apply_rate(assessment)
    return assessment


# --------------------------------------------------------------------------- workbook and journal

DEMO_WORKBOOK = "coming-home-to-safety"

# Sam's answers to some of the built-in workbook's prompts, by prompt key.
ANSWERS: dict[str, str] = {
    "a-moment-of-ease": (
        "Saturday morning at my sister's kitchen table, both of us still in jumpers, not really talking. "
        "My shoulders were down for once. I think I was leaning back in the chair instead of forward."
    ),
    "how-protection-shows": (
        "My jaw, mostly. And I breathe high up in my chest, like I'm waiting for something. "
        "My voice goes a bit flat and quick, as if I want the conversation over with."
    ),
    "which-condition-invites": (
        "Slowing down feels the most inviting, probably because I can do it on my own. "
        "Eye contact feels the least. Even reading about it made me look away from the screen."
    ),
    "what-told-you": (
        "My hands. They were cold and I was pressing my thumbs into my fingers. "
        "I hadn't noticed until I sat still for a minute. Activated, I think, with a bit of tired underneath."
    ),
    "activated-or-shut-down": (
        "Activated, most days. Racing thoughts, checking my phone, tidying things that don't need tidying. "
        "Shut down comes later in the week, when I've been activated for too long. Then I just want the sofa."
    ),
    "small-yeses": (
        "The cat climbing onto my lap without asking. The smell of the bakery on the corner. "
        'A colleague saying "no rush" and meaning it. Small, but I felt each one land.'
    ),
    "first-week-noticed": (
        "That I hold my breath when I read emails. And that my body softens much faster outdoors "
        "than it does indoors, even when I'm doing nothing in particular."
    ),
    "first-week-carry": "The hand on my chest before I open the laptop. It's such a small thing, and it helps.",
    "easiest-signal": (
        "Muscles are easiest: I can feel my jaw and shoulders straight away. "
        "Attention is the hardest to read. I only notice it has gone narrow once it has already been narrow for hours."
    ),
    "where-you-brace": (
        "Jaw, shoulders, and a bit in my stomach. The stretches helped more than I expected, "
        "especially slowly rolling my shoulders back. A warm shower helps too."
    ),
}

# Two of Sam's own entries, written without a prompt: (days ago, title, body).
FREE_ENTRIES: tuple[tuple[int, str, str], ...] = (
    (
        20,
        "After the walk",
        "Went down by the river after lunch instead of eating at my desk. The water was high and loud. "
        "I noticed I was walking fast, as if I were late for something, and let myself slow down. "
        "By the bridge my breathing had dropped into my belly without me trying. "
        "I'd like to remember that it didn't take long.",
    ),
    (
        5,
        "",
        "Phoned my sister this evening. I told her about the workbook and felt a bit silly at first, "
        "but she was kind about it. We talked for almost an hour. Afterwards the flat felt warmer somehow. "
        "Nothing to fix tonight, just glad I called.",
    ),
)


@dataclass(frozen=True)
class WorkbookDemo:
    """What :func:`build_workbook` made."""

    enrolment: Enrolment | None
    days_done: int
    answers: int


def _backdate_entry(entry: JournalEntry, when: dt.datetime) -> None:
    JournalEntry.objects.filter(pk=entry.pk).update(created_at=when, updated_at=when)


def build_workbook(
    user: User,
    library: Library,
    *,
    today: dt.date,
    tz: dt.tzinfo,
    now: dt.datetime,
    seed: int = 7,
    started_days_ago: int = 12,
    days_done: int = 10,
) -> WorkbookDemo:
    """Follow the built-in workbook at the member's own pace, from ``started_days_ago`` days ago.

    The first ``days_done`` days are done, one a day with a missed day somewhere between; their
    readings, check-ins and practices are ticked (each practice recorded with before and after
    readings) and several prompts are answered in the journal. The next day is open but not
    finished. Returns an empty result when the built-in workbook is not available.
    """
    rng = random.Random(seed * 1009 + 3)
    workbook_actions.sync_builtin()
    workbook = Workbook.objects.filter(slug=DEMO_WORKBOOK, owner__isnull=True).first()
    if workbook is None or workbook.latest_version() is None:
        return WorkbookDemo(None, 0, 0)
    enrolment = workbook_actions.enrol_self_paced(user, workbook)
    start = today - dt.timedelta(days=started_days_ago)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        start_date=start, enrolled_at=_at(start, 7, 50, tz), last_active_at=now
    )
    enrolment.refresh_from_db()
    content = enrolment.version.content
    slug, version = content.slug, enrolment.version.number
    days = list(content.days[: days_done + 1])
    # A missed calendar day or two (a missed day is just a day), so the day in progress is yesterday's.
    spare = max(0, started_days_ago - days_done - 1)
    skipped = set(rng.sample(range(1, started_days_ago), k=min(spare, started_days_ago - 1)))
    date = start
    answered = 0
    done = 0
    for n, day in enumerate(days):
        while (date - start).days in skipped:
            date += dt.timedelta(days=1)
        finished = n < days_done
        opened = _at(date, 20, rng.randrange(0, 40), tz)
        if opened > now or date > today:
            break
        record = workbook_actions.open_day(enrolment, day.number)
        stamps: dict[str, str] = {}
        minute = 0
        for index, item in enumerate(day.items):
            if not finished and not isinstance(item, Reading):
                break  # the day in progress: read, not yet practised or answered
            minute += 3
            when = opened + dt.timedelta(minutes=minute)
            if isinstance(item, PracticeStep):
                practice = library.get(item.slug)
                title = practice.title if practice is not None else item.slug
                before = rng.randrange(4, 7)
                after = min(10, before + rng.choice((0, 1, 1, 2, 2, 3)))
                session = workbook_actions.record_practice(record, index, item.slug, title, before, after)
                length = practice.total_seconds if practice is not None else 180
                PracticeSession.objects.filter(pk=session.pk).update(
                    started_at=when, ended_at=when + dt.timedelta(seconds=length), elapsed_s=length
                )
                minute += length // 60
            elif isinstance(item, Prompt):
                body = ANSWERS.get(item.key)
                if body is not None:
                    entry = journal_actions.answer_prompt(
                        user, workbook_slug=slug, workbook_version=version, day=day.number, prompt=item, body=body
                    )
                    _backdate_entry(entry, when)
                    answered += 1
                workbook_actions.mark_item(record, index)
            elif isinstance(item, (Reading, CheckinStep)):
                workbook_actions.mark_item(record, index)
            stamps[str(index)] = when.isoformat()
        if finished:
            workbook_actions.complete_day(record)
            done += 1
        record.refresh_from_db()
        items = {
            k: {**v, "at": stamps.get(k, v.get("at"))} if isinstance(v, dict) else v
            for k, v in record.items_done.items()
        }
        DayProgress.objects.filter(pk=record.pk).update(
            opened_at=opened,
            completed_at=opened + dt.timedelta(minutes=minute + 2) if finished else None,
            items_done=items,
        )
        date += dt.timedelta(days=1)
    Enrolment.objects.filter(pk=enrolment.pk).update(last_active_at=min(now, _last_active(enrolment)))
    enrolment.refresh_from_db()
    return WorkbookDemo(enrolment, done, answered)


def _last_active(enrolment: Enrolment) -> dt.datetime:
    """When the member last did anything in ``enrolment`` (its latest opened or finished day)."""
    stamps: list[dt.datetime] = [
        t
        for p in DayProgress.objects.filter(enrolment=enrolment)
        for t in (p.opened_at, p.completed_at)
        if t is not None
    ]
    fallback: dt.datetime = enrolment.last_active_at
    return max(stamps, default=fallback)


def build_journal(user: User, *, now: dt.datetime, tz: dt.tzinfo) -> int:
    """The demo member's free journal entries (sealed like any entry); returns how many."""
    made = 0
    for days_ago, title, body in FREE_ENTRIES:
        day = (now - dt.timedelta(days=days_ago)).astimezone(tz).date()
        when = min(_at(day, 21, 15, tz), now)
        entry = journal_actions.write_entry(user, body=body, title=title)
        _backdate_entry(entry, when)
        made += 1
    return made


def clear_extras(user: User) -> None:
    """Remove the demo member's recordings, assessments, workbook enrolments and journal entries."""
    Recording.objects.filter(Q(user=user) | Q(assessment__user=user)).delete()
    ResonanceAssessment.objects.filter(user=user).delete()
    Enrolment.objects.filter(user=user).delete()
    JournalEntry.objects.filter(user=user).delete()
