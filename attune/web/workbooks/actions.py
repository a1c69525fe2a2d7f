"""Multi-step writes: publishing versions, enrolling, and recording a member's progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from attune.content.errors import ContentError, ContentInvalid
from attune.content.workbooks import Workbook as WorkbookContent
from attune.content.workbooks import (
    load_workbook_zip,
    load_workbook_zip_with_sources,
    serialize_workbook,
    workbook_digest,
)
from attune.web.practices.models import Outcome, PracticeSession
from attune.web.workbooks import catalog, clock
from attune.web.workbooks.models import Cohort, DayProgress, Enrolment, Mode, Workbook, WorkbookVersion
from attune.words import _

if TYPE_CHECKING:
    from attune.web.accounts.models import User


class SlugTaken(Exception):
    """The uploaded workbook's slug belongs to a workbook this guide doesn't own."""


def publish(workbook: Workbook, content: WorkbookContent, sources: dict[str, str]) -> tuple[WorkbookVersion, bool]:
    """Publish ``content`` as the next version of ``workbook``, unless it equals the latest one.

    Returns the version now latest and whether it is new. Call inside a transaction.
    """
    digest = workbook_digest(content)
    latest = Workbook.objects.select_for_update().get(pk=workbook.pk).latest_version()
    if latest is not None and latest.digest == digest:
        return latest, False
    version = WorkbookVersion(
        workbook=workbook,
        number=(latest.number + 1) if latest is not None else 1,
        title=content.title,
        snapshot=serialize_workbook(content),
        sources=sources,
        digest=digest,
        published_at=timezone.now(),
    )
    version.save(force_insert=True)
    return version, True


def sync_builtin(progress: Callable[[int, int], None] | None = None) -> int:
    """Publish a new version of every built-in workbook whose files changed since the last one.

    Returns how many versions were published. ``progress(done, total)`` is called after each
    workbook (the start-up job reports through it).
    """
    builtin = catalog.builtin_workbooks()
    published = 0
    for done, (slug, loaded) in enumerate(builtin.items(), start=1):
        published += _publish_builtin(slug, loaded.content, loaded.sources)
        if progress is not None:
            progress(done, len(builtin))
    return published


def _publish_builtin(slug: str, content: WorkbookContent, sources: dict[str, str]) -> bool:
    digest = workbook_digest(content)
    latest = WorkbookVersion.objects.filter(workbook__slug=slug).order_by("-number").only("digest").first()
    if latest is not None and latest.digest == digest:
        return False
    try:
        with transaction.atomic():
            workbook, _created = Workbook.objects.get_or_create(slug=slug, defaults={"owner": None})
            if not workbook.is_builtin:
                return False  # a guide's workbook (or one its guide left behind) has this slug; theirs wins
            return publish(workbook, content, sources)[1]
    except IntegrityError:
        return False  # another process published it at the same moment


def _check_owner(guide: User, slug: str) -> Workbook:
    workbook, _created = Workbook.objects.get_or_create(slug=slug, defaults={"owner": guide})
    if workbook.owner_id != guide.pk:
        raise SlugTaken(slug)
    return workbook


def upload_zip(guide: User, data: bytes, label: str = "upload.zip") -> tuple[WorkbookVersion, bool]:
    """Validate a zipped workbook and publish it for ``guide``; all or nothing.

    Raises
    ------
    ContentInvalid
        With every problem found; nothing is published.
    SlugTaken
        When the slug is a built-in workbook's or another guide's.
    """
    content, sources = load_workbook_zip_with_sources(
        data,
        max_unpacked_bytes=catalog.max_unpacked_bytes(),
        max_files=catalog.max_files(),
        practice_slugs=catalog.practice_slugs(),
        label=label,
    )
    with transaction.atomic():
        workbook = _check_owner(guide, content.slug)
        return publish(workbook, content, sources)


def check_edit(workbook: Workbook, sources: dict[str, str]) -> WorkbookContent:
    """Validate edited files as a whole workbook, exactly as :func:`save_edit` does; writes nothing.

    Raises
    ------
    ContentInvalid
        With every problem found (files named as in the form).
    """
    content = load_workbook_zip(
        catalog.zip_of(sources),
        max_unpacked_bytes=catalog.max_unpacked_bytes(),
        max_files=catalog.max_files(),
        practice_slugs=catalog.practice_slugs(),
        label="your workbook",
    )
    if content.slug != workbook.slug:
        raise ContentInvalid(
            [
                ContentError(
                    Path(catalog.WORKBOOK_FILE),
                    1,
                    _(
                        "the slug must stay '%(slug)s'; to start a new workbook, upload it as a zip",
                        slug=workbook.slug,
                    ),
                )
            ]
        )
    return content


def save_edit(guide: User, workbook: Workbook, sources: dict[str, str]) -> tuple[WorkbookVersion, bool]:
    """Validate edited files as a whole workbook and publish them as a new version if valid.

    Raises
    ------
    ContentInvalid
        With every problem found (files named as in the form); nothing is published.
    """
    content = check_edit(workbook, sources)
    with transaction.atomic():
        return publish(workbook, content, sources)


def enrol_self_paced(user: User, workbook: Workbook) -> Enrolment:
    """Start ``workbook`` at the member's own pace, from today, on its latest version.

    Enrolling again returns the existing enrolment (still on the version first started).
    """
    existing = Enrolment.objects.filter(user=user, workbook=workbook, mode=Mode.SELF_PACED).first()
    if existing is not None:
        return existing
    version = workbook.latest_version()
    if version is None:
        raise ValueError("This workbook has no published version yet.")
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                user=user,
                workbook=workbook,
                version=version,
                mode=Mode.SELF_PACED,
                start_date=clock.today(user),
                last_active_at=timezone.now(),
            )
    except IntegrityError:
        return Enrolment.objects.get(user=user, workbook=workbook, mode=Mode.SELF_PACED)


def start_for(cohort: Cohort, user: User) -> dt.date:
    """The day ``cohort`` starts for ``user``, as a date in the member's own zone.

    A group whose first day is its guide's today starts on the member's today, wherever they are:
    a guide in London who opens a group "today" has not made it "tomorrow" for a member in New
    York, and day 1 is open on the day they join. Any other start date is the calendar date the
    guide chose, the same for everyone.
    """
    if cohort.start_date == clock.today(cohort.guide):
        return clock.today(user)
    return cohort.start_date


def join_cohort(user: User, cohort: Cohort) -> Enrolment:
    """Join ``cohort`` (idempotent): the cohort's version, starting on :func:`start_for`."""
    existing = Enrolment.objects.filter(user=user, cohort=cohort).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                user=user,
                workbook=cohort.version.workbook,
                version=cohort.version,
                cohort=cohort,
                mode=Mode.COHORT,
                start_date=start_for(cohort, user),
                last_active_at=timezone.now(),
            )
    except IntegrityError:
        return Enrolment.objects.get(user=user, cohort=cohort)


def create_cohort(guide: User, version: WorkbookVersion, title: str, start_date: dt.date) -> Cohort:
    return Cohort.objects.create(guide=guide, version=version, title=title, start_date=start_date)


def release_guide(guide: User) -> None:
    """Before a guide's account is deleted: end their groups and let go of their workbooks.

    Members keep what is theirs. Each enrolment in a group the guide leads becomes self-paced (its
    days and answers stay; a member who already follows that workbook alone keeps the group's
    enrolment as it was, its days still opening on the group's dates), and the groups are deleted.
    A workbook the guide published that other members follow is kept for them without an owner
    (``owner_deleted``): nobody else can find it and nobody can edit it. Any other workbook of the
    guide's is deleted, with the guide's own enrolments.
    """
    led = Enrolment.objects.filter(cohort__guide=guide).exclude(user=guide)
    for enrolment in led:
        alone = Enrolment.objects.filter(user_id=enrolment.user_id, workbook_id=enrolment.workbook_id)
        if not alone.filter(mode=Mode.SELF_PACED).exists():
            enrolment.mode = Mode.SELF_PACED
            enrolment.save(update_fields=["mode"])
    Enrolment.objects.filter(user=guide).delete()
    Cohort.objects.filter(guide=guide).delete()  # the members' enrolments lose their cohort (SET_NULL)
    for workbook in Workbook.objects.filter(owner=guide):
        if workbook.enrolments.exists():
            workbook.owner = None
            workbook.owner_deleted = True
            workbook.save(update_fields=["owner", "owner_deleted"])
        else:
            workbook.delete()


def touch(enrolment: Enrolment) -> None:
    enrolment.last_active_at = timezone.now()
    enrolment.save(update_fields=["last_active_at"])


def open_day(enrolment: Enrolment, day: int) -> DayProgress:
    progress, _created = DayProgress.objects.get_or_create(
        enrolment=enrolment, day=day, defaults={"opened_at": timezone.now()}
    )
    touch(enrolment)
    return progress


def mark_item(progress: DayProgress, index: int, done: bool = True, session_id: int | None = None) -> None:
    key = str(index)
    if done:
        entry: dict[str, Any] = {"at": timezone.now().isoformat()}
        if session_id is not None:
            entry["session"] = session_id
        elif isinstance(progress.items_done.get(key), dict) and progress.items_done[key].get("session"):
            entry["session"] = progress.items_done[key]["session"]
        progress.items_done[key] = entry
    else:
        progress.items_done.pop(key, None)
    progress.save(update_fields=["items_done"])
    touch(progress.enrolment)


def record_practice(
    progress: DayProgress, index: int, slug: str, title: str, before: int | None, after: int | None
) -> PracticeSession:
    """Record a practice done on a workbook day with its before and after felt-safety readings."""
    now = timezone.now()
    with transaction.atomic():
        session = PracticeSession.objects.create(
            user=progress.enrolment.user,
            practice_slug=slug,
            practice_title=title,
            started_at=now,
            ended_at=now,
            outcome=Outcome.COMPLETED,
            before_safety=before,
            after_safety=after,
        )
        mark_item(progress, index, session_id=session.pk)
    return session


def unlinked_sessions(
    enrolment: Enrolment, progress: DayProgress | None, practice_items: dict[int, str]
) -> dict[int, PracticeSession]:
    """Practice sessions done for a day's practice steps and not yet linked to any step: a read.

    ``practice_items`` maps a step's index to its practice slug. A session counts when it is of
    that practice, finished (not underway), started on or after the member's local midnight of the
    day the day's record was opened (of today, for a day with no record yet, so that what a GET
    shows and what the next POST links agree), and not linked to a step of this enrolment.
    Each session goes to the first matching step that has none.
    """
    done = progress.items_done if progress is not None else {}
    pending = {i: slug for i, slug in practice_items.items() if not _linked_session(done.get(str(i)))}
    if not pending:
        return {}
    user = enrolment.user
    since = _midnight(user, progress.opened_at if progress is not None else timezone.now())
    linked = {s for other in DayProgress.objects.filter(enrolment=enrolment) for s in other.session_ids}
    sessions = (
        PracticeSession.objects.filter(user=user, started_at__gte=since, practice_slug__in=set(pending.values()))
        .exclude(outcome=Outcome.UNDERWAY)
        .exclude(pk__in=linked)
        .order_by("started_at")
    )
    found: dict[int, PracticeSession] = {}
    for session in sessions:
        index = next((i for i, slug in sorted(pending.items()) if slug == session.practice_slug), None)
        if index is not None:
            found[index] = session
            del pending[index]
    return found


def _linked_session(entry: object) -> bool:
    return isinstance(entry, dict) and bool(entry.get("session"))


def _midnight(user: User, moment: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(moment.astimezone(user.zone).date(), dt.time.min, tzinfo=user.zone)


def attach_sessions(progress: DayProgress, practice_items: dict[int, str]) -> None:
    """Link the sessions :func:`unlinked_sessions` finds to their steps (on a POST that changes the day)."""
    found = unlinked_sessions(progress.enrolment, progress, practice_items)
    if not found:
        return
    for index, session in found.items():
        progress.items_done[str(index)] = {"at": timezone.now().isoformat(), "session": session.pk}
    progress.save(update_fields=["items_done"])


def complete_day(progress: DayProgress, done: bool = True) -> None:
    progress.completed_at = timezone.now() if done else None
    progress.save(update_fields=["completed_at"])
    touch(progress.enrolment)
