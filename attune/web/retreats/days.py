"""The days of a retreat and the weeks after: the schedule, daily check-ins, asking for a word,
the calendar feed, follow-ups and each member's arc.

Times of schedule items are times at the venue (the retreat's zone); a member's follow-up day is a
day in their own zone. Everything that writes is a POST in the views; the jobs in ``tasks`` send
follow-up invitations.
"""

from __future__ import annotations

import datetime as dt
import secrets
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import icalendar
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attune.web.checkins.models import CheckIn
from attune.web.common.states import State as CheckInState
from attune.web.practices.library import current_library
from attune.web.retreats.models import (
    FOLLOW_UP_WEEKS,
    GROUP_MINIMUM,
    Application,
    FollowUp,
    ItemKind,
    Moment,
    Retreat,
    RetreatCheckIn,
    ScheduleItem,
    State,
    WordRequest,
)
from attune.web.rooms import actions as rooms
from attune.web.rooms.models import Audience, Participant, Role, Workshop
from attune.web.rooms.models import Status as Seat
from attune.web.rooms.plan import practices_for
from attune.web.workbooks import actions as workbooks
from attune.web.workbooks.models import Cohort, Workbook

if TYPE_CHECKING:
    from attune.web.accounts.models import User

WORD_NOTE_MAX = 500


class NotNow(Exception):
    """The step does not fit now (a day, a follow-up, an application's state); the message says why, kindly."""


def current_time(now: dt.datetime | None) -> dt.datetime:
    """``now`` when the caller gives one (a job, a test), else the present moment."""
    return now if now is not None else timezone.now()


# ------------------------------------------------------------------ where we are in time


def venue_today(retreat: Retreat, now: dt.datetime | None = None) -> dt.date:
    return current_time(now).astimezone(retreat.zone).date()


def phase(retreat: Retreat, now: dt.datetime | None = None) -> str:
    """``"before"``, ``"during"`` or ``"after"``, by the day at the venue."""
    today = venue_today(retreat, now)
    if today < retreat.starts_on:
        return "before"
    return "during" if today <= retreat.ends_on else "after"


def retreat_days(retreat: Retreat) -> list[dt.date]:
    return [retreat.starts_on + dt.timedelta(days=i) for i in range(retreat.nights + 1)]


# ------------------------------------------------------------------ the schedule


def practices_for_schedule() -> list[Any]:
    """The library's practices a group can do together: what a practice item may run."""
    return practices_for("group")


def _seat(room_ids: list[int], user_ids: list[int]) -> int:
    """Seat each of ``user_ids`` in each room as a participant (no email: the schedule is their invitation)."""
    seated = 0
    for room_id in room_ids:
        for user_id in user_ids:
            _, created = Participant.objects.get_or_create(
                room_id=room_id, user_id=user_id, defaults={"role": Role.PARTICIPANT, "status": Seat.IN}
            )
            seated += int(created)
    return seated


def seat_everyone(item: ScheduleItem) -> int:
    """Seat everyone with a place in the item's room."""
    if item.workshop_id is None:
        return 0
    room_ids = list(Workshop.objects.filter(pk=item.workshop_id).values_list("room_id", flat=True))
    people = list(item.retreat.applications.filter(state=State.ACCEPTED).values_list("user_id", flat=True))
    return _seat(room_ids, people)


def seat_in_schedule(application: Application) -> None:
    """Seat a member given a place in every practice room of their retreat's schedule."""
    rooms_ = Workshop.objects.filter(retreat_item__retreat_id=application.retreat_id).values_list("room_id", flat=True)
    _seat(list(rooms_), [application.user_id])


def _room_for(item: ScheduleItem) -> None:
    """Make or update the workshop room behind a practice item."""
    retreat = item.retreat
    practice = current_library().get(item.practice) if item.practice else None
    if item.kind != ItemKind.PRACTICE or practice is None:
        if item.workshop_id is not None:
            Workshop.objects.select_related("room").get(pk=item.workshop_id).room.delete()
            item.workshop = None
        return
    fields = {
        "description": item.note,
        "starts_at": item.starts(),
        "duration_min": item.duration_min,
        "capacity": retreat.capacity,
        "place": retreat.place[:200],
    }
    if item.workshop_id is None:
        item.workshop = rooms.schedule_workshop(
            retreat.guide, [practice], title=item.title, audience=Audience.LINK, **fields
        )
    else:
        Workshop.objects.filter(pk=item.workshop_id).update(**fields)


def save_item(item: ScheduleItem, now: dt.datetime | None = None) -> ScheduleItem:
    """Add or change a schedule item; a practice item gets its room, with everyone seated."""
    retreat = item.retreat
    if not retreat.starts_on <= item.day <= retreat.ends_on:
        raise NotNow(
            _("Pick a day of the retreat, from %(start)s to %(end)s.")
            % {
                "start": date_format(retreat.starts_on, "MONTH_DAY_FORMAT"),
                "end": date_format(retreat.ends_on, "MONTH_DAY_FORMAT"),
            }
        )
    with transaction.atomic():
        item.changed_at = current_time(now) if retreat.is_published else None
        if item.pk is None:
            item.save()
        _room_for(item)
        item.save()
        seat_everyone(item)
    return item


def remove_item(item: ScheduleItem, now: dt.datetime | None = None) -> None:
    """Take an item off the schedule (its room goes too); the change is told with the next notice."""
    with transaction.atomic():
        retreat = item.retreat
        if item.workshop_id is not None:
            room = Workshop.objects.select_related("room").get(pk=item.workshop_id).room
            room.delete()
        item.delete()
        if retreat.is_published:
            Retreat.objects.filter(pk=retreat.pk).update(schedule_removed_at=current_time(now))


def changes_untold(retreat: Retreat) -> int:
    """Schedule items added or changed (and removals) since the people with a place were told."""
    return retreat.items.exclude(changed_at=None).count() + int(retreat.schedule_removed_at is not None)


def tell_schedule(retreat: Retreat) -> int:
    """Queue one "the schedule has changed" email (with the schedule as .ics) to each person with a place."""
    from attune.web.retreats import emails

    with transaction.atomic():
        retreat.items.update(changed_at=None)
        Retreat.objects.filter(pk=retreat.pk).update(schedule_removed_at=None)
        ids = list(retreat.applications.filter(state=State.ACCEPTED).values_list("pk", flat=True))
        for application_id in ids:
            emails.after_commit(application_id, emails.SCHEDULE)
    return len(ids)


@dataclass(frozen=True)
class Day:
    day: dt.date
    items: list[ScheduleItem] = field(default_factory=list)


def schedule(retreat: Retreat) -> list[Day]:
    """Every day of the retreat with its items, in order (a day with none is kept)."""
    by_day: dict[dt.date, list[ScheduleItem]] = {d: [] for d in retreat_days(retreat)}
    for item in retreat.items.select_related("workshop__room"):
        by_day.setdefault(item.day, []).append(item)
    return [Day(d, items) for d, items in sorted(by_day.items())]


# ------------------------------------------------------------------ the calendar feed


def schedule_calendar(retreat: Retreat) -> bytes:
    """The schedule as iCalendar: one event an item, in the venue's zone (TZID), stable UIDs."""
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{settings.SITE_NAME}//retreat schedule//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", retreat.title)
    cal.add("x-wr-timezone", retreat.timezone)
    items = list(retreat.items.all())
    if items:
        cal.add_missing_timezones()
    for item in items:
        event = icalendar.Event()
        event.add("uid", f"retreat-{retreat.pk}-item-{item.pk}@{settings.SITE_NAME}")
        event.add("dtstamp", dt.datetime.now(dt.UTC))
        event.add("summary", item.title)
        event.add("dtstart", item.starts())
        event.add("dtend", item.ends())
        event.add("location", retreat.place)
        if item.note:
            event.add("description", item.note)
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def new_feed_link(owner: Retreat | Application) -> str:
    """Give ``owner`` a fresh private calendar link; the old one stops working at once."""
    owner.feed_token = secrets.token_urlsafe(32)
    owner.save(update_fields=["feed_token"])
    return owner.feed_token


def stop_feed_link(owner: Retreat | Application) -> None:
    owner.feed_token = ""
    owner.save(update_fields=["feed_token"])


def retreat_for_feed(token: str) -> Retreat | None:
    """The retreat a calendar link opens: the guide's own, or a member's while they hold a place."""
    if len(token) < 32:
        return None
    retreat = Retreat.objects.filter(feed_token=token, guide__is_guide=True).first()
    if retreat is not None:
        return retreat
    application = (
        Application.objects.select_related("retreat")
        .filter(feed_token=token, state=State.ACCEPTED, retreat__status="published")
        .first()
    )
    return application.retreat if application is not None else None


# ------------------------------------------------------------------ check-ins and asking for a word


def check_in(application: Application, state: str, felt_safety: int, now: dt.datetime | None = None) -> RetreatCheckIn:
    """Today's check-in at the retreat (once a day: a second one replaces the first)."""
    retreat = application.retreat
    if application.state != State.ACCEPTED or phase(retreat, now) != "during":
        raise NotNow(_("The daily check-in is open on the days of the retreat."))
    moment = current_time(now)
    checkin, _created = RetreatCheckIn.objects.update_or_create(
        application=application,
        moment=Moment.DAY,
        day=venue_today(retreat, now),
        defaults={"state": state, "felt_safety": felt_safety, "created_at": moment},
    )
    return checkin


def follow_up_due(application: Application, now: dt.datetime | None = None) -> int | None:
    """The follow-up week a member may answer now (the latest reached and not yet answered), or None."""
    if application.state != State.ACCEPTED:
        return None
    today = current_time(now).astimezone(application.user.zone).date()
    done = set(application.checkins.filter(moment=Moment.FOLLOW_UP).values_list("week", flat=True))
    reached = [w for w in FOLLOW_UP_WEEKS if today >= application.retreat.ends_on + dt.timedelta(weeks=w)]
    open_weeks = [w for w in reached if w not in done]
    return open_weeks[-1] if open_weeks else None


def follow_up(
    application: Application, week: int, state: str, felt_safety: int, now: dt.datetime | None = None
) -> RetreatCheckIn:
    if follow_up_due(application, now) != week:
        raise NotNow(_("This follow-up is not open now."))
    moment = current_time(now)
    try:
        with transaction.atomic():
            return RetreatCheckIn.objects.create(
                application=application,
                moment=Moment.FOLLOW_UP,
                week=week,
                day=moment.astimezone(application.user.zone).date(),
                state=state,
                felt_safety=felt_safety,
                created_at=moment,
            )
    except IntegrityError:
        raise NotNow(_("You have answered this follow-up already.")) from None


def ask_for_a_word(application: Application, note: str, now: dt.datetime | None = None) -> WordRequest:
    if application.state != State.ACCEPTED or phase(application.retreat, now) == "after":
        raise NotNow(_("You can ask your guide for a word before and during the retreat."))
    request = WordRequest(application=application, created_at=current_time(now))
    request.seal(note.strip()[:WORD_NOTE_MAX])
    request.save()
    return request


def mark_word_seen(request: WordRequest, now: dt.datetime | None = None) -> None:
    if request.seen_at is None:
        request.seen_at = current_time(now)
        request.save(update_fields=["seen_at"])


@dataclass(frozen=True)
class GroupDay:
    """The group's anonymous picture for one day: counts only, and only from GROUP_MINIMUM answers."""

    day: dt.date
    answers: int
    states: list[tuple[str, int]]  # (label, count), in the order settled, activated, shut down
    safety_median: float | None
    safety_counts: list[int]  # how many answered 0, 1, ..., 10

    @property
    def shown(self) -> bool:
        return self.answers >= GROUP_MINIMUM


def group_days(retreat: Retreat) -> list[GroupDay]:
    rows = list(
        RetreatCheckIn.objects.filter(
            application__retreat=retreat, application__state=State.ACCEPTED, moment=Moment.DAY
        ).values_list("day", "state", "felt_safety")
    )
    out = []
    for day in retreat_days(retreat):
        today = [(s, f) for d, s, f in rows if d == day]
        n = len(today)
        if n < GROUP_MINIMUM:
            out.append(GroupDay(day, n, [], None, []))
            continue
        counts = Counter(s for s, _ in today)
        safety = Counter(f for _, f in today)
        out.append(
            GroupDay(
                day,
                n,
                [(str(label), counts.get(value, 0)) for value, label in CheckInState.choices],
                float(statistics.median(f for _, f in today)),
                [safety.get(i, 0) for i in range(11)],
            )
        )
    return out


# ------------------------------------------------------------------ after: integration, follow-ups


def cohort_for(
    retreat: Retreat, which: Literal["preparation", "integration"], start: dt.date, title: str
) -> Cohort | None:
    """The cohort of the retreat's ``which`` workbook (its latest version) starting on ``start``.

    The one kept in ``<which>_cohort`` if it still is that, else a new one, kept there in its place
    (those already following keep theirs). None while no such workbook is chosen. Call with the
    retreat locked.
    """
    workbook: Workbook | None = getattr(retreat, which)
    current: Cohort | None = getattr(retreat, f"{which}_cohort")
    version = workbook.latest_version() if workbook is not None else None
    if version is None:
        return None
    if current is None or current.version.workbook_id != version.workbook_id or current.start_date != start:
        current = workbooks.create_cohort(retreat.guide, version, title[:120], start)
        setattr(retreat, f"{which}_cohort", current)
        retreat.save(update_fields=[f"{which}_cohort"])
    return current


def integration_cohort(retreat: Retreat) -> Cohort | None:
    """The integration workbook's cohort: its first day is the day after departure (call with the retreat locked)."""
    return cohort_for(retreat, "integration", retreat.ends_on + dt.timedelta(days=1), f"After {retreat.title}")


def enrol_after(retreat: Retreat, application: Application) -> None:
    """Everything a place brings beyond preparation: integration afterwards, and a seat in each practice."""
    cohort = integration_cohort(retreat)
    if cohort is not None:
        workbooks.join_cohort(application.user, cohort)
    seat_in_schedule(application)


def invitations_due(now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """``(application id, week)`` of follow-up invitations due and not yet sent, claimed as sent."""
    moment = current_time(now)
    latest_end = moment.date() - dt.timedelta(weeks=min(FOLLOW_UP_WEEKS)) + dt.timedelta(days=1)
    earliest_end = moment.date() - dt.timedelta(weeks=max(FOLLOW_UP_WEEKS) + 2)
    due = []
    candidates = Application.objects.select_related("retreat", "user").filter(
        state=State.ACCEPTED, retreat__ends_on__lte=latest_end, retreat__ends_on__gte=earliest_end
    )
    for application in candidates:
        today = moment.astimezone(application.user.zone).date()
        for week in FOLLOW_UP_WEEKS:
            if today < application.retreat.ends_on + dt.timedelta(weeks=week):
                continue
            if today > application.retreat.ends_on + dt.timedelta(weeks=week, days=14):
                continue  # long past: not sent late
            try:
                with transaction.atomic():
                    FollowUp.objects.create(application=application, week=week, sent_at=moment)
            except IntegrityError:
                continue
            due.append((application.pk, week))
    return due


# ------------------------------------------------------------------ the arc


@dataclass(frozen=True)
class ArcPoint:
    part: str  # "before", "day", "after"
    label: str
    day: dt.date
    felt_safety: float
    state: str
    count: int = 1


def arc(application: Application) -> list[ArcPoint]:
    """The member's arc: their own check-ins in the week before arrival (one mean), each retreat
    day's check-in, then each follow-up, in order."""
    retreat = application.retreat
    user = application.user
    zone = user.zone
    before_start = dt.datetime.combine(retreat.starts_on - dt.timedelta(days=7), dt.time(), tzinfo=zone)
    before_end = dt.datetime.combine(retreat.starts_on, dt.time(), tzinfo=zone)
    before = list(
        CheckIn.objects.filter(user=user, created_at__gte=before_start, created_at__lt=before_end).values_list(
            "felt_safety", "state"
        )
    )
    points: list[ArcPoint] = []
    if before:
        common = Counter(s for _, s in before).most_common(1)[0][0]
        points.append(
            ArcPoint(
                "before",
                _("The week before"),
                retreat.starts_on - dt.timedelta(days=1),
                round(statistics.fmean(f for f, _ in before), 1),
                common,
                len(before),
            )
        )
    for c in application.checkins.all():
        if c.moment == Moment.DAY:
            n = (c.day - retreat.starts_on).days + 1
            points.append(ArcPoint("day", _("Day %(n)s") % {"n": n}, c.day, float(c.felt_safety), c.state))
        else:
            label = ngettext("%(n)s week after", "%(n)s weeks after", c.week or 0) % {"n": c.week}
            points.append(ArcPoint("after", label, c.day, float(c.felt_safety), c.state))
    return sorted(points, key=lambda p: (p.day, p.part != "before"))


def share_arc(application: Application, share: bool) -> None:
    application.arc_shared = share
    application.save(update_fields=["arc_shared"])


def retreats_of(user: User) -> list[Application]:
    """The member's places on retreats, newest first (for History)."""
    return list(
        Application.objects.select_related("retreat")
        .filter(user=user, state=State.ACCEPTED)
        .order_by("-retreat__starts_on")
    )


def export_rows(user: User) -> dict[str, list[dict[str, Any]]]:
    checkins = RetreatCheckIn.objects.select_related("application__retreat").filter(application__user=user)
    words = WordRequest.objects.select_related("application__retreat").filter(application__user=user)
    return {
        "retreat_checkins": [c.export_row() for c in checkins],
        "retreat_word_requests": [w.export_row() for w in words],
    }
