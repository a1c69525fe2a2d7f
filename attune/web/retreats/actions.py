"""Multi-step writes: applying, the guide's decisions, offers from the waitlist, forgetting intake.

Every change to who holds a place locks the retreat's row first (``select_for_update``), so two
guides' tabs, a member withdrawing and the offer job never count the same free place twice. On
SQLite, attune's transactions are IMMEDIATE, which serialises writers the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from attune.web.audit import actions as audit
from attune.web.audit.models import Kind as AuditKind
from attune.web.retreats import days, emails
from attune.web.retreats.days import NotNow, current_time
from attune.web.retreats.models import (
    OFFER_HOURS,
    TOUCH_KEY,
    TOUCH_QUESTION,
    Answer,
    Application,
    Kind,
    Question,
    Retreat,
    State,
    Status,
)
from attune.web.workbooks import actions as workbooks
from attune.web.workbooks.models import Cohort

if TYPE_CHECKING:
    from attune.web.accounts.models import User

#: Days after a retreat's departure day when its intake answers are deleted, unless configured.
DEFAULT_INTAKE_DAYS = 90


class Full(NotNow):
    """No place is free."""


def add_question(retreat: Retreat, text: str, kind: Kind, required: bool, options: list[str]) -> Question:
    last = retreat.questions.order_by("-position").values_list("position", flat=True).first()
    return Question.objects.create(
        retreat=retreat, text=text, kind=kind, required=required, options=options, position=(last or 0) + 1
    )


def apply(
    user: User, retreat: Retreat, answers: list[Answer], now: dt.datetime | None = None, language: str = ""
) -> Application:
    """Apply to ``retreat`` with sealed ``answers``; ``language`` is the one the member applied in (their emails').

    Raises
    ------
    NotNow
        When the member has applied already, or the retreat is not open to applications.
    """
    if not retreat.is_published or retreat.guide_id == user.pk:
        raise NotNow(_("This retreat is not open to applications."))
    application = Application(retreat=retreat, user=user, applied_at=current_time(now), language=language)
    application.seal(answers)
    try:
        with transaction.atomic():
            application.save(force_insert=True)
    except IntegrityError:
        raise NotNow(_("You have applied to this retreat already.")) from None
    return application


def change_consent(application: Application, touch: str) -> None:
    """Change the answer to the touch question, keeping every other answer as it was."""
    if not application.has_intake:
        raise NotNow(_("Your answers for this retreat were deleted after it ended."))
    answers = [a for a in application.answers() if a.key != TOUCH_KEY]
    application.seal([*answers, Answer(TOUCH_KEY, TOUCH_QUESTION, touch)])
    application.save(update_fields=["key_id", "nonce", "ciphertext"])


def _locked(application: Application) -> tuple[Retreat, Application]:
    """Lock the retreat, then read the application afresh (call inside a transaction)."""
    retreat = Retreat.objects.select_for_update().get(pk=application.retreat_id)
    return retreat, Application.objects.select_for_update().get(pk=application.pk)


def accept(application: Application, now: dt.datetime | None = None) -> Application:
    """Give ``application`` a place if one is free (or if it holds an offer).

    Raises
    ------
    Full
        When every place is taken; nothing changes.
    NotNow
        When the application is not waiting, waitlisted or offered.
    """
    with transaction.atomic():
        retreat, fresh = _locked(application)
        if fresh.state not in (State.APPLIED, State.WAITLISTED, State.OFFERED):
            raise NotNow(_("Only an application that is waiting can be accepted."))
        if fresh.state != State.OFFERED and retreat.places_taken() >= retreat.capacity:
            raise Full(_("Every place is taken. You might put them on the waitlist."))
        fresh.state, fresh.decided_at, fresh.offer_expires_at = State.ACCEPTED, current_time(now), None
        fresh.save(update_fields=["state", "decided_at", "offer_expires_at"])
        enrol_in_preparation(retreat, fresh)
        days.enrol_after(retreat, fresh)
        emails.after_commit(fresh.pk, State.ACCEPTED)
    return fresh


def waitlist(application: Application, now: dt.datetime | None = None) -> Application:
    """Put a waiting application on the waitlist; only when every place is taken.

    With places free, the waitlist would hand one straight back: accept or decline instead.
    """
    with transaction.atomic():
        retreat, fresh = _locked(application)
        if fresh.state != State.APPLIED:
            raise NotNow(_("Only an application that is waiting can go on the waitlist."))
        if retreat.places_taken() < retreat.capacity:
            raise NotNow(_("There are places left: you might accept or decline instead."))
        fresh.state, fresh.decided_at, fresh.waitlisted_at = State.WAITLISTED, current_time(now), current_time(now)
        fresh.save(update_fields=["state", "decided_at", "waitlisted_at"])
        emails.after_commit(fresh.pk, State.WAITLISTED)
    return fresh


def _close(application: Application, state: State, now: dt.datetime | None) -> Application:
    with transaction.atomic():
        retreat, fresh = _locked(application)
        if not fresh.is_open:
            raise NotNow(_("This application is already closed."))
        freed = fresh.takes_a_place
        fresh.state, fresh.decided_at, fresh.offer_expires_at = state, current_time(now), None
        fresh.save(update_fields=["state", "decided_at", "offer_expires_at"])
        if state == State.DECLINED:
            emails.after_commit(fresh.pk, state)
        if freed:
            offer_places(retreat, now)
    return fresh


def decline(application: Application, now: dt.datetime | None = None) -> Application:
    """The guide says no (also to someone who held a place: it goes to the waitlist)."""
    return _close(application, State.DECLINED, now)


def withdraw(application: Application, now: dt.datetime | None = None) -> Application:
    """The member steps back; a place they held is offered to the next on the waitlist."""
    return _close(application, State.WITHDRAWN, now)


def take_offer(application: Application, now: dt.datetime | None = None) -> bool:
    """Take an offered place while the offer stands; one conditional UPDATE. False if it passed."""
    moment = current_time(now)
    with transaction.atomic():
        taken = Application.objects.filter(pk=application.pk, state=State.OFFERED, offer_expires_at__gt=moment).update(
            state=State.ACCEPTED, decided_at=moment, offer_expires_at=None
        )
        if taken:
            retreat = Retreat.objects.select_for_update().get(pk=application.retreat_id)
            enrol_in_preparation(retreat, application)
            days.enrol_after(retreat, application)
            emails.after_commit(application.pk, State.ACCEPTED)
    return taken == 1


def preparation_cohort(retreat: Retreat) -> Cohort | None:
    """The cohort of the retreat's preparation workbook, timed so its last day is the arrival day.

    Made at the first acceptance from the workbook's latest version; made again when the guide has
    since chosen another workbook or moved the dates (those already following keep theirs). Dates
    are days in each member's own zone, so everyone's last day is the arrival date wherever they
    live. Call with the retreat locked.
    """
    version = retreat.preparation.latest_version() if retreat.preparation is not None else None
    days_long = max(1, version.day_count) if version is not None else 1
    start = retreat.starts_on - dt.timedelta(days=days_long - 1)
    return days.cohort_for(retreat, "preparation", start, f"Preparing for {retreat.title}")


def enrol_in_preparation(retreat: Retreat, application: Application) -> None:
    cohort = preparation_cohort(retreat)
    if cohort is not None:
        workbooks.join_cohort(application.user, cohort)


def offer_places(retreat: Retreat, now: dt.datetime | None = None) -> list[Application]:
    """Let offers that ran out pass, then offer each free place to the next on the waitlist.

    Returns the applications offered a place now. Nothing is offered once the retreat has begun.
    """
    moment = current_time(now)
    with transaction.atomic():
        retreat = Retreat.objects.select_for_update().get(pk=retreat.pk)
        retreat.applications.filter(state=State.OFFERED, offer_expires_at__lte=moment).update(
            state=State.LAPSED, offer_expires_at=None
        )
        if moment.astimezone(retreat.zone).date() >= retreat.starts_on:
            return []
        free = retreat.capacity - retreat.places_taken()
        offered = list(retreat.applications.waitlist()[: max(0, free)])
        for application in offered:
            application.state = State.OFFERED
            application.offer_expires_at = moment + dt.timedelta(hours=OFFER_HOURS)
            application.save(update_fields=["state", "offer_expires_at"])
            emails.after_commit(application.pk, State.OFFERED)
    return offered


def offer_all_places(now: dt.datetime | None = None) -> int:
    """:func:`offer_places` for every published retreat with a waitlist or an offer out (the job)."""
    moment = current_time(now)
    retreats = Retreat.objects.filter(
        status=Status.PUBLISHED,
        ends_on__gte=moment.date() - dt.timedelta(days=1),
        applications__state__in=(State.WAITLISTED, State.OFFERED),
    ).distinct()
    return sum(len(offer_places(r, moment)) for r in retreats)


def tell_of_change(retreat: Retreat) -> int:
    """Email everyone with a place the retreat's new dates and place (after the edit commits)."""
    accepted = list(retreat.applications.filter(state=State.ACCEPTED).values_list("pk", flat=True))
    for application_id in accepted:
        emails.after_commit(application_id, emails.CHANGED)
    return len(accepted)


def intake_days() -> int:
    return int(getattr(settings, "ATTUNE_RETREAT_INTAKE_DAYS", DEFAULT_INTAKE_DAYS))


def forget_intake(now: dt.datetime | None = None) -> int:
    """Delete the sealed answers of retreats that ended more than :func:`intake_days` ago.

    The application's state stays (the guide's list of who came); the answers go. Returns how many.
    """
    moment = current_time(now)
    cutoff = moment.date() - dt.timedelta(days=intake_days())
    return (
        Application.objects.filter(retreat__ends_on__lt=cutoff, intake_deleted_at=None)
        .exclude(key_id="")
        .update(key_id="", nonce=b"", ciphertext=b"", intake_deleted_at=moment)
    )


def _record_opened(kind: AuditKind, request: HttpRequest, guide: User, application: Application) -> None:
    """The retreat's guide opened something of a member's: an audit event the member can read."""
    audit.record(
        kind,
        account=application.user,
        actor=guide,
        request=request,
        target=f"retreat application {application.uuid}",
        detail={"retreat": application.retreat.title[:120]},
    )


def record_intake_opened(request: HttpRequest, guide: User, application: Application) -> None:
    """The retreat's guide opened a member's intake answers: an audit event the member can read.

    Written during a GET, the one documented exception to "a GET writes nothing" (docs/architecture.md).
    Nothing is recorded once the answers are deleted: then there is nothing left to read.
    """
    if application.has_intake:
        _record_opened(AuditKind.INTAKE_OPENED, request, guide, application)


def record_arc_opened(request: HttpRequest, guide: User, application: Application) -> None:
    """The retreat's guide opened the arc a member shared: an audit event the member can read (a GET)."""
    _record_opened(AuditKind.ARC_OPENED, request, guide, application)
