"""Everything that changes a room, and the only place that tells its screens (docs/rooms.md).

Each action locks the room row, checks who is asking and what the timeline allows, writes, and
then broadcasts to the room's group through the channel layer. A refusal raises
:class:`~attune.web.rooms.protocol.Refused` and changes nothing.
"""

from __future__ import annotations

import secrets
import statistics
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from attune.content.practices import Practice
from attune.content.workbooks import Prompt
from attune.web.accounts.relations import members_for
from attune.web.journal import actions as journal_actions
from attune.web.practices.models import Outcome, PracticeSession
from attune.web.rooms import emails, tasks
from attune.web.rooms import timeline as tl
from attune.web.rooms.models import Audience, Kind, Participant, Role, Room, Status, Workshop
from attune.web.rooms.plan import build_plan
from attune.web.rooms.protocol import Refused, group_event

if TYPE_CHECKING:
    from attune.web.accounts.models import User

# No 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B: a code read aloud or off a screen cannot be mistaken.
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CODE_LENGTH = 6
PAIR_CODE_MINUTES = 15
MIN_GROUP = 5  # the room's shift is shown only from this many answers (FIELD.md)
MAX_EXTRA_S = 1800


def now_ms() -> int:
    """Server time: milliseconds since 1970 by this machine's clock."""
    return int(time.time() * 1000)


def broadcast(room: Room, payload: dict[str, Any]) -> None:
    """Send ``payload`` to every screen in ``room``, on every server process (through Redis if set)."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(room.group_name, group_event(payload))


def _timeline_payload(room: Room, event: str | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"type": "timeline", "state": room.state(), "server_ms": now_ms()}
    if event:
        payload["event"] = event
    return payload


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    return "".join(raw.split()).replace("-", "").upper()[:16]


def _create_room(host: User, kind: str, title: str, plan: dict[str, Any], **extra: Any) -> Room:
    for _ in range(20):
        try:
            with transaction.atomic():
                room = Room.objects.create(kind=kind, host=host, title=title, plan=plan, code=new_code(), **extra)
                Participant.objects.create(room=room, user=host, role=Role.HOST)
                return room
        except IntegrityError:  # the code was taken: draw again
            continue
    raise RuntimeError("could not find a free room code")


def create_pair(host: User, practices: list[Practice], title: str) -> Room:
    """A pair room for ``host``, with a code for a partner that works once, for 15 minutes."""
    plan = build_plan(practices, title=title, gated=True)
    room = _create_room(
        host, Kind.PAIR, title, plan, code_expires_at=timezone.now() + timedelta(minutes=PAIR_CODE_MINUTES)
    )
    room.first_lead = room.participants.get().pk
    room.save(update_fields=["first_lead"])
    return room


def join_pair(user: User, code: str) -> Room:
    """Join the pair room behind ``code`` as the partner; the code then stops working."""
    with transaction.atomic():
        room = Room.objects.select_for_update().filter(code=code, kind=Kind.PAIR).first()
        if room is None:
            raise Refused(
                "unknown", gettext("That code doesn't match a practice. You might check it with your partner.")
            )
        if room.participants.filter(user=user).exists():
            return room
        if room.code_used_at is not None:
            raise Refused("used", gettext("That code has already been used. Your partner can start a new practice."))
        if room.ended_at is not None or room.code_expires_at is None or room.code_expires_at < timezone.now():
            raise Refused(
                "expired", gettext("That code has expired. Your partner can start a new practice for a fresh one.")
            )
        Participant.objects.create(room=room, user=user, role=Role.PARTNER)
        room.code_used_at = timezone.now()
        room.save(update_fields=["code_used_at"])
    broadcast(room, {"type": "joined", "present": room.participants.present().count()})
    return room


def _locked(room_id: int, participant_id: int) -> tuple[Room, Participant]:
    room = Room.objects.select_for_update().get(pk=room_id)
    me = Participant.objects.filter(pk=participant_id, room=room).first()
    if me is None or me.status != Status.IN:
        raise Refused("not_in_room", gettext("You are no longer in this room."))
    me.room = room
    return room, me


def _save_timeline(room: Room) -> None:
    room.version += 1
    room.save(update_fields=["timeline", "version", "first_lead", "ended_at"])


def _anchor(timeline: dict[str, Any], step: int, at_ms: int) -> None:
    timeline["anchor_step"] = step
    timeline["anchor_ms"] = at_ms


def control(room_id: int, participant_id: int, action: str, seconds: int | None = None) -> Room:
    """start, pause, resume, next, previous, extend or stop, for someone allowed to lead."""
    with transaction.atomic():
        room, me = _locked(room_id, participant_id)
        if not me.can_control:
            raise Refused("not_allowed", gettext("The guide leads this room; your screen follows along."))
        plan, t, now = room.plan, room.timeline, now_ms()
        pos = tl.position(plan, t, now)
        if action == "start":
            if t["status"] != tl.LOBBY:
                raise Refused("conflict", gettext("This practice has already begun."))
            t["status"] = tl.RUNNING
            _anchor(t, tl.first_active(plan, t, 0) or 0, now)
        elif t["status"] in (tl.LOBBY, tl.ENDED):
            raise Refused("conflict", gettext("That works once the practice is under way."))
        elif action == "stop":
            t["status"] = tl.ENDED
            room.ended_at = timezone.now()
        elif action == "pause":
            if t["status"] != tl.RUNNING or pos.state != tl.RUNNING:
                raise Refused("conflict", gettext("Only a running step can be paused."))
            t["status"], t["paused_ms"] = tl.PAUSED, now
        elif action == "resume":
            if t["status"] != tl.PAUSED:
                raise Refused("conflict", gettext("Nothing is paused."))
            if pos.start_ms is not None and pos.step is not None:
                _anchor(t, pos.step, pos.start_ms + (now - int(t["paused_ms"])))
            t["status"], t["paused_ms"] = tl.RUNNING, None
        elif action in ("next", "previous"):
            _move(room, pos, forward=action == "next", now=now)
        elif action == "extend":
            if pos.step is None or pos.state not in (tl.RUNNING, tl.PAUSED):
                raise Refused("conflict", gettext("Only a running step can be made longer."))
            extra = t["extra"].get(str(pos.step), 0) + int(seconds or 0)
            if extra > MAX_EXTRA_S:
                raise Refused(
                    "conflict", gettext("A step can be made at most %(n)s minutes longer.") % {"n": MAX_EXTRA_S // 60}
                )
            t["extra"][str(pos.step)] = extra
        _save_timeline(room)
        if t["status"] == tl.ENDED and not room.is_pair:
            _finish_sessions(room)
    broadcast(room, _timeline_payload(room))
    return room


def _move(room: Room, pos: tl.Position, *, forward: bool, now: int) -> None:
    plan, t = room.plan, room.timeline
    if pos.state == "consent" and forward and pos.step is not None:
        # Moving on from a question that is still open skips the shared steps for both.
        t["gates"][str(plan["steps"][pos.step]["item"])] = tl.DECLINED
        target = tl.first_active(plan, t, pos.step)
    elif pos.state == "finished":
        target = None if forward else tl.first_active(plan, t, len(plan["steps"]) - 1, -1)
    else:
        here = pos.step if pos.step is not None else 0
        target = tl.first_active(plan, t, here + 1) if forward else tl.first_active(plan, t, here - 1, -1)
        if target is None and not forward:
            target = here
    if target is None:
        t["status"] = tl.ENDED
        room.ended_at = timezone.now()
        return
    _anchor(t, target, now)
    if t["status"] == tl.PAUSED:
        t["paused_ms"] = now


def answer_consent(room_id: int, participant_id: int, item: int, answer: str) -> str:
    """One person's answer to a touch or eye-contact step; returns ``waiting``, ``passed`` or ``declined``.

    The step begins only when everyone in the pair has said yes. One "not now" skips it for both;
    the broadcast says only that it was skipped, never who answered what.
    """
    with transaction.atomic():
        room, me = _locked(room_id, participant_id)
        plan, t, now = room.plan, room.timeline, now_ms()
        pos = tl.position(plan, t, now)
        if pos.state != "consent" or pos.step is None or plan["steps"][pos.step]["item"] != item:
            raise Refused("conflict", gettext("That question isn't open any more."))
        me.consent = {**me.consent, str(item): answer}
        me.save(update_fields=["consent"])
        if answer == "not_now":
            t["gates"][str(item)] = tl.DECLINED
            _anchor(t, tl.first_active(plan, t, pos.step) or len(plan["steps"]), now)
            outcome = tl.DECLINED
        else:
            answers = [p.consent.get(str(item)) for p in room.participants.present()]
            if len(answers) < 2 or any(a != "yes" for a in answers):
                return "waiting"
            t["gates"][str(item)] = tl.PASSED
            _anchor(t, pos.step, now)
            outcome = tl.PASSED
        _save_timeline(room)
    broadcast(room, _timeline_payload(room, "skipped" if outcome == tl.DECLINED else "agreed"))
    return outcome


def swap_lead(room_id: int, participant_id: int) -> Room:
    """Pairs: the other person goes first in the steps done in turns."""
    with transaction.atomic():
        room, _me = _locked(room_id, participant_id)
        if not room.is_pair:
            raise Refused("not_allowed", gettext("Turns are for pair practice."))
        other = room.participants.present().exclude(pk=room.first_lead or 0).first()
        if other is None:
            raise Refused("conflict", gettext("Turns can swap once your partner is here."))
        room.first_lead = other.pk
        _save_timeline(room)
    broadcast(room, _timeline_payload(room))
    return room


def remove_participant(room_id: int, participant_id: int, target_id: int) -> None:
    """The guide asks someone to leave a workshop room; their screen closes with a kind word."""
    with transaction.atomic():
        room, me = _locked(room_id, participant_id)
        if room.is_pair or me.role != Role.HOST:
            raise Refused("not_allowed", gettext("Only the guide of a workshop can ask someone to leave."))
        target = room.participants.filter(pk=target_id, status=Status.IN).exclude(role=Role.HOST).first()
        if target is None:
            raise Refused("conflict", gettext("That person is not in the room."))
        target.status = Status.REMOVED
        target.save(update_fields=["status"])
    broadcast(room, {"type": "removed", "participant": target_id})


# ---------------------------------------------------------------------------------------------
# Readings: each person's own PracticeSession


def _new_session(room: Room, user_id: int) -> PracticeSession:
    items = room.plan["items"]
    return PracticeSession(
        user_id=user_id,
        practice_slug=items[0]["slug"] if items else "pacer",
        practice_title=room.title[:120],
        started_at=timezone.now(),
    )


def _session_of(participant: Participant) -> PracticeSession:
    """The member's own PracticeSession for this room (in their History), made the first time."""
    if participant.session is not None:
        return participant.session
    session = _new_session(participant.room, participant.user_id)
    session.save()
    participant.session = session
    participant.save(update_fields=["session"])
    return session


def attend(participant_id: int) -> None:
    """Someone's screen came into the room: the first time, they count as having come.

    One UPDATE and nothing more, since every screen of a workshop arrives at once; their session
    (if a reading has not begun it) is made when the workshop ends (:func:`_finish_sessions`).
    """
    Participant.objects.filter(pk=participant_id, attended_at=None).update(attended_at=timezone.now())


def _finish_sessions(room: Room) -> None:
    """A workshop has ended: everyone who came has a finished session in their History.

    Those who gave a reading have one already; those who came and gave none get one now, so the
    workshop is in every participant's History. Sessions still open are over, as the plan ran.
    """
    places = list(room.participants.filter(role=Role.PARTICIPANT, session=None).exclude(attended_at=None))
    sessions = PracticeSession.objects.bulk_create([_new_session(room, p.user_id) for p in places])
    for place, session in zip(places, sessions, strict=True):
        place.session = session
    Participant.objects.bulk_update(places, ["session"])
    PracticeSession.objects.filter(
        pk__in=room.participants.exclude(session=None).values("session"), ended_at=None
    ).update(ended_at=timezone.now(), outcome=Outcome.COMPLETED)


def record_reading(participant: Participant, phase: str, safety: int | None, state: str) -> PracticeSession:
    """The two-tap reading before or after; stored as the member's own session, seen only by them."""
    room = participant.room
    session = _session_of(participant)
    if phase == "before":
        session.before_safety, session.before_state = safety, state
        session.save(update_fields=["before_safety", "before_state"])
    else:
        finished = tl.position(room.plan, room.timeline, now_ms()).state in ("finished", tl.ENDED)
        session.after_safety, session.after_state = safety, state
        session.ended_at = timezone.now()
        session.outcome = Outcome.COMPLETED if finished else Outcome.STOPPED
        session.elapsed_s = max(0, int((session.ended_at - session.started_at).total_seconds()))
        session.save(update_fields=["after_safety", "after_state", "ended_at", "outcome", "elapsed_s"])
    if not room.is_pair:
        broadcast(room, {"type": "shift", "shift": room_shift(room)})
    return session


def share_shift(participant: Participant, share: bool) -> None:
    """Pairs: show (or stop showing) my before and after to my partner."""
    participant.shares_shift = share
    participant.save(update_fields=["shares_shift"])
    shift = _shift_of(participant.session) if share else None
    broadcast(participant.room, {"type": "shared", "participant": participant.pk, "shared": share, "shift": shift})


def _shift_of(session: PracticeSession | None) -> dict[str, Any] | None:
    if session is None:
        return None
    return {
        "before_safety": session.before_safety,
        "before_state": session.before_state,
        "after_safety": session.after_safety,
        "after_state": session.after_state,
    }


def partner_shift(participant: Participant) -> dict[str, Any] | None:
    """Pairs: the partner's before and after, only if the partner chose to share them."""
    room = participant.room
    if not room.is_pair:
        return None
    partner = room.participants.present().exclude(pk=participant.pk).select_related("session").first()
    if partner is None or not partner.shares_shift:
        return None
    return _shift_of(partner.session)


def _summary(values: list[tuple[int | None, str]]) -> dict[str, Any]:
    answered = [(s, st) for s, st in values if s is not None or st]
    safeties = [s for s, _ in answered if s is not None]
    states = {"settled": 0, "activated": 0, "shut_down": 0}
    for _, st in answered:
        if st in states:
            states[st] += 1
    shown = len(answered) >= MIN_GROUP
    return {
        "answers": len(answered),
        "shown": shown,
        "states": states if shown else None,
        "safety_median": statistics.median(safeties) if shown and safeties else None,
    }


def room_shift(room: Room) -> dict[str, Any]:
    """The room's before and after as a distribution, only from five answers, never with a name."""
    sessions = list(
        PracticeSession.objects.filter(
            pk__in=room.participants.filter(status=Status.IN).exclude(session=None).values("session")
        )
    )
    before = _summary([(s.before_safety, s.before_state) for s in sessions])
    after = _summary([(s.after_safety, s.after_state) for s in sessions])
    changes = [s.safety_change for s in sessions if s.safety_change is not None]
    return {
        "min_group": MIN_GROUP,
        "before": before,
        "after": after,
        "change_median": statistics.median(changes) if len(changes) >= MIN_GROUP else None,
        "change_answers": len(changes),
    }


# ---------------------------------------------------------------------------------------------
# Workshops


def schedule_workshop(guide: User, practices: list[Practice], *, title: str, **fields: Any) -> Workshop:
    plan = build_plan(practices, title=title, gated=False)
    with transaction.atomic():
        room = _create_room(guide, Kind.WORKSHOP, title, plan)
        return Workshop.objects.create(room=room, **fields)


def attendance(workshop: Workshop) -> dict[str, int]:
    """For the guide: how many had a place and how many came. A count, never a list of names."""
    places = workshop.room.participants.filter(role=Role.PARTICIPANT, status__in=(Status.IN, Status.REMOVED))
    return {"places": places.count(), "came": places.exclude(attended_at=None).count()}


def may_see(user: User, workshop: Workshop, *, via_code: bool = False) -> bool:
    """Who may find and enrol: every member, those with the code, or members of the guide's groups."""
    room = workshop.room
    if room.host_id == user.pk or room.participants.filter(user=user).exists() or via_code:
        return True
    if workshop.audience == Audience.MEMBERS:
        return True
    if workshop.audience == Audience.GROUPS:
        return members_for(room.host).filter(pk=user.pk).exists()
    return False


def _mail(place: Participant, kind: str) -> None:
    """Queue a workshop e-mail for the worker, once the place it describes is committed (with the
    language active now, the request's, for a person who has none of their own stored)."""
    place_id = place.pk
    language = translation.get_language() or ""
    transaction.on_commit(lambda: tasks.workshop_email(place_id, kind, language))


def enrol(user: User, workshop: Workshop, language: str = "") -> Participant:
    """A place if there is one, otherwise a place on the waitlist; the person is told by e-mail,
    in ``language`` (the one they enrolled in) from then on."""
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=workshop.room_id)
        taken = room.participants.filter(status=Status.IN, role=Role.PARTICIPANT).count()
        status = Status.IN if taken < workshop.capacity else Status.WAITLIST
        place, created = Participant.objects.get_or_create(
            room=room, user=user, defaults={"role": Role.PARTICIPANT, "status": status, "language": language}
        )
        if not created and place.status == Status.CANCELLED:
            place.status = status
            place.joined_at = timezone.now()
            place.language = language or place.language
            place.save(update_fields=["status", "joined_at", "language"])
        elif not created:
            return place  # already in, or on the waitlist: nothing changed, nothing to tell
        _mail(place, emails.ENROLLED if place.status == Status.IN else emails.WAITLISTED)
        return place


def cancel(user: User, workshop: Workshop) -> Participant | None:
    """Give up a place (or a waitlist spot); the longest-waiting person moves up. Returns who did.

    Whoever gave up a place gets the invitation back, marked cancelled; whoever moved up, theirs.
    """
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=workshop.room_id)
        place = room.participants.filter(user=user, role=Role.PARTICIPANT).first()
        if place is None or place.status not in (Status.IN, Status.WAITLIST) or room.ended_at is not None:
            return None
        had_place = place.status == Status.IN
        place.status = Status.CANCELLED
        place.save(update_fields=["status"])
        if not had_place:
            return None
        _mail(place, emails.CANCELLED)
        promoted = room.participants.filter(status=Status.WAITLIST).order_by("joined_at", "pk").first()
        if promoted is not None:
            promoted.status = Status.IN
            promoted.save(update_fields=["status"])
            _mail(promoted, emails.PROMOTED)
        return promoted


# What a guide may change before a workshop begins; the first four are what an invitation says.
WORKSHOP_WHEN_WHERE = ("starts_at", "duration_min", "place", "call_url")
WORKSHOP_EDITABLE = (*WORKSHOP_WHEN_WHERE, "description", "capacity", "journal_prompt")


def _not_begun(room: Room) -> None:
    if room.ended_at is not None or room.timeline["status"] != tl.LOBBY:
        raise Refused("conflict", gettext("This workshop has begun or is over, so it can't be changed now."))


def edit_workshop(workshop: Workshop, *, title: str, **fields: Any) -> list[Participant]:
    """The guide changes a workshop that has not begun; returns who moved up from the waitlist.

    Places never go below the people who hold one. More places move the longest-waiting people
    up (each is told). A new time or place sends everyone with a place the updated invitation,
    and the reminder goes again before the new start.
    """
    unknown = set(fields) - set(WORKSHOP_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=workshop.room_id)
        _not_begun(room)
        w = Workshop.objects.get(pk=workshop.pk)
        places = room.participants.filter(status=Status.IN, role=Role.PARTICIPANT)
        taken = places.count()
        capacity = int(fields.get("capacity", w.capacity))
        if capacity < taken:
            raise Refused(
                "conflict",
                ngettext(
                    "%(n)s person has a place already, so there can't be fewer than %(n)s place.",
                    "%(n)s people have a place already, so there can't be fewer than %(n)s places.",
                    taken,
                )
                % {"n": taken},
            )
        moved = any(getattr(w, f) != fields[f] for f in WORKSHOP_WHEN_WHERE if f in fields) or title != room.title
        for name, value in fields.items():
            setattr(w, name, value)
        w.save(update_fields=list(fields))
        if title != room.title:
            room.title = title
            room.plan = {**room.plan, "title": title}
            room.save(update_fields=["title", "plan"])
        if "starts_at" in fields:
            places.update(reminded_at=None)
        if moved:
            for place in places:
                _mail(place, emails.UPDATED)
        promoted: list[Participant] = []
        waiting = room.participants.filter(status=Status.WAITLIST).order_by("joined_at", "pk")
        for place in waiting[: max(0, capacity - taken)]:
            place.status = Status.IN
            place.save(update_fields=["status"])
            _mail(place, emails.PROMOTED)
            promoted.append(place)
    workshop.refresh_from_db()
    return promoted


def cancel_workshop(workshop: Workshop, note: str = "") -> int:
    """The guide calls off a workshop that has not begun: everyone enrolled is told, the room is freed.

    The room ends (no screen can connect, nobody can enrol) and its code is released; each person
    with a place gets the invitation back marked cancelled, and each person waiting a short note.
    Returns how many people are written to.
    """
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=workshop.room_id)
        _not_begun(room)
        w = Workshop.objects.get(pk=workshop.pk)
        w.cancelled_at = timezone.now()
        w.cancel_note = note.strip()[:500]
        w.save(update_fields=["cancelled_at", "cancel_note"])
        room.timeline["status"] = tl.ENDED
        room.ended_at = w.cancelled_at
        room.code = None
        _save_timeline(room)
        room.save(update_fields=["code"])
        told = list(room.participants.filter(status__in=(Status.IN, Status.WAITLIST), role=Role.PARTICIPANT))
        for place in told:
            _mail(place, emails.CALLED_OFF)
    broadcast(room, _timeline_payload(room, "cancelled"))
    workshop.refresh_from_db()
    return len(told)


# ---------------------------------------------------------------------------------------------
# After a workshop: a note in each participant's own journal (the journal app's action)

NOTE_KEY = "after"


def _journal_slug(workshop: Workshop) -> str:
    """Where the note belongs in the journal: a colon no workbook's slug can hold, so never one of theirs."""
    return f"workshop:{workshop.pk}"


def workshop_note(user: User, workshop: Workshop) -> str:
    """The member's note to this workshop's journal prompt so far ("" if none)."""
    entry = journal_actions.answers_by_key(user, _journal_slug(workshop)).get(NOTE_KEY)
    return entry.read().body if entry is not None else ""


def write_workshop_note(user: User, workshop: Workshop, body: str) -> None:
    """Write (or rewrite) the member's one note to the workshop's prompt, sealed in their journal."""
    journal_actions.answer_prompt(
        user,
        workbook_slug=_journal_slug(workshop),
        workbook_version=1,
        day=0,
        prompt=Prompt(key=NOTE_KEY, text=workshop.prompt_text),
        body=body,
        workbook_title=workshop.room.title[:200],
    )
