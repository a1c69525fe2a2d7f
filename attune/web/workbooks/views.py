"""Workbooks: browsing and following them (members), publishing and leading them (guides).

Every object is loaded through one access helper; anything not the caller's is a 404, and the
guide pages are a 404 for anyone who is not the guide concerned.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.content.errors import ContentError, ContentInvalid
from attune.content.workbooks import CheckinStep, PracticeStep, Prompt, Reading
from attune.web.http import AuthedRequest
from attune.web.practices.library import current_library
from attune.web.practices.models import PracticeSession
from attune.web.today.stats import MIN_SESSIONS
from attune.web.workbooks import actions, clock, journal_bridge, progress
from attune.web.workbooks.forms import CohortForm, EditForm, PracticeRecordForm, UploadForm
from attune.web.workbooks.models import Cohort, DayProgress, Enrolment, Workbook
from attune.web.workbooks.render import render_markdown

# --------------------------------------------------------------------------- access helpers


_INVITE_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,100}")

def _get_enrolment_for_user(request: AuthedRequest, pk: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.select_related("version", "workbook", "cohort"), pk=pk, user_id=request.user.pk
    )


def _get_visible_workbook(request: AuthedRequest, slug: str) -> Workbook:
    """A built-in workbook, one of the caller's own, or one they are following; else 404."""
    user = request.user
    workbook = get_object_or_404(Workbook, slug=slug)
    if (
        workbook.owner_id is None
        or workbook.owner_id == user.pk
        or workbook.enrolments.filter(user_id=user.pk).exists()
    ):
        return workbook
    raise Http404("There is no workbook here.")


def _require_guide(request: AuthedRequest) -> None:
    if not getattr(request.user, "is_guide", False):
        raise Http404("There is nothing here.")


def _get_own_workbook(request: AuthedRequest, slug: str) -> Workbook:
    _require_guide(request)
    return get_object_or_404(Workbook, slug=slug, owner_id=request.user.pk)


def _get_led_cohort(request: AuthedRequest, pk: int) -> Cohort:
    _require_guide(request)
    return get_object_or_404(Cohort.objects.select_related("version__workbook"), pk=pk, guide_id=request.user.pk)


def _errors_by_file(errors: list[ContentError]) -> list[str]:
    return [f"{e.path}:{e.line}: {e.message}" if str(e.path) not in ("", ".") else e.message for e in errors]


def _progress_map(enrolment: Enrolment) -> dict[int, DayProgress]:
    return {p.day: p for p in enrolment.days.all()}


# --------------------------------------------------------------------------- members


@login_required
@require_GET
def workbook_list(request: AuthedRequest) -> HttpResponse:
    actions.sync_builtin()
    user = request.user
    enrolments = list(Enrolment.objects.filter(user=user).select_related("version", "workbook", "cohort"))
    following = []
    today = clock.today(user)
    for e in enrolments:
        statuses = progress.day_statuses(e, _progress_map(e), today)
        following.append(
            {
                "enrolment": e,
                "current": progress.current(statuses),
                "done": sum(1 for s in statuses if s.done),
                "total": len(statuses),
            }
        )
    workbooks = []
    for wb in Workbook.objects.filter(Q(owner=None) | Q(owner_id=user.pk)).order_by("slug"):
        latest = wb.latest_version()
        if latest is not None:
            workbooks.append({"workbook": wb, "version": latest})
    context = {"following": following, "workbooks": workbooks}
    return render(request, "workbooks/list.html", context)


@login_required
@require_GET
def workbook_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    actions.sync_builtin()
    workbook = _get_visible_workbook(request, slug)
    version = workbook.latest_version()
    if version is None:
        raise Http404("This workbook has nothing published yet.")
    content = version.content
    chapters = [{"chapter": c, "days": content.days_in(c.slug)} for c in content.chapters]
    context = {
        "workbook": workbook,
        "version": version,
        "content": content,
        "introduction": render_markdown(content.introduction),
        "chapters": chapters,
        "own_enrolment": Enrolment.objects.filter(user=request.user, workbook=workbook, mode="self_paced").first(),
        "enrolments": Enrolment.objects.filter(user=request.user, workbook=workbook).select_related("cohort"),
        "is_owner": workbook.owner_id == request.user.pk,
    }
    return render(request, "workbooks/detail.html", context)


@login_required
@require_POST
def enrol(request: AuthedRequest, slug: str) -> HttpResponse:
    workbook = _get_visible_workbook(request, slug)
    if workbook.latest_version() is None:
        raise Http404("This workbook has nothing published yet.")
    enrolment = actions.enrol_self_paced(request.user, workbook)
    return redirect("workbooks:day", pk=enrolment.pk, day=1)


@login_required
@require_GET
def enrolment_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    today = clock.today(request.user)
    statuses = progress.day_statuses(enrolment, _progress_map(enrolment), today)
    content = enrolment.version.content
    chapters = [{"chapter": c, "days": [s for s in statuses if s.chapter == c.slug]} for c in content.chapters]
    newer = enrolment.workbook.latest_version()
    context = {
        "enrolment": enrolment,
        "content": content,
        "chapters": chapters,
        "current": progress.current(statuses),
        "next_later": progress.next_later(statuses),
        "done": sum(1 for s in statuses if s.done),
        "total": len(statuses),
        "newer_version": newer if newer is not None and newer.number > enrolment.version.number else None,
    }
    return render(request, "workbooks/progress.html", context)


def _day_items(
    request: AuthedRequest, enrolment: Enrolment, day_number: int, record: DayProgress | None
) -> list[dict[str, Any]]:
    content = enrolment.version.content
    day = content.day(day_number)
    library = current_library()
    answers = journal_bridge.answers(request.user, content.slug)
    here = reverse("workbooks:day", args=[enrolment.pk, day_number])
    done = record.items_done if record is not None else {}
    items: list[dict[str, Any]] = []
    for index, item in enumerate(day.items):
        entry: dict[str, Any] = {"index": index, "kind": item.kind, "done": str(index) in done}
        if isinstance(item, Reading):
            entry["html"] = render_markdown(item.text)
        elif isinstance(item, Prompt):
            answer = answers.get(item.key)
            entry.update(
                prompt=item,
                answer=answer,
                answer_text=answer.text if answer is not None else "",
                answer_url=journal_bridge.entry_url(answer) if answer is not None else None,
                done=entry["done"] or answer is not None,
            )
        elif isinstance(item, PracticeStep):
            practice = library.get(item.slug)
            info = done.get(str(index)) if isinstance(done.get(str(index)), dict) else None
            session = None
            if info and info.get("session"):
                session = PracticeSession.objects.filter(pk=info["session"], user_id=request.user.pk).first()
            entry.update(
                step=item,
                practice=practice,
                note_html=render_markdown(item.note) if item.note else "",
                player_url=(reverse("practices:player", args=[item.slug]) + f"?next={here}") if practice else None,
                session=session,
                form=PracticeRecordForm(prefix=f"p{index}"),
            )
        elif isinstance(item, CheckinStep):
            entry["text"] = item.text
            entry["checkin_url"] = reverse("today:today")
        items.append(entry)
    return items


@login_required
@require_GET
def day_page(request: AuthedRequest, pk: int, day: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    content = enrolment.version.content
    if not 1 <= day <= len(content.days):
        raise Http404("There is no such day in this workbook.")
    today = clock.today(request.user)
    records = _progress_map(enrolment)
    statuses = progress.day_statuses(enrolment, records, today)
    status = statuses[day - 1]
    if not status.ready:
        context = {"enrolment": enrolment, "content": content, "status": status, "current": progress.current(statuses)}
        return render(request, "workbooks/day_later.html", context)
    record = records.get(day) or actions.open_day(enrolment, day)
    day_content = content.day(day)
    practice_items = {i: it.slug for i, it in enumerate(day_content.items) if isinstance(it, PracticeStep)}
    actions.attach_sessions(record, practice_items)
    actions.touch(enrolment)
    context = {
        "enrolment": enrolment,
        "content": content,
        "day": day_content,
        "chapter": content.chapter(day_content.chapter),
        "status": status,
        "record": record,
        "items": _day_items(request, enrolment, day, record),
        "previous": day - 1 if day > 1 else None,
        "next": day + 1 if day < len(content.days) and (statuses[day].ready or status.done) else None,
        "next_status": statuses[day] if day < len(content.days) else None,
        "total": len(content.days),
        "here": reverse("workbooks:day", args=[enrolment.pk, day]),
        "journal": journal_bridge.installed() and journal_bridge.url("answer") is not None,
        "journal_answer_url": journal_bridge.url("answer"),
    }
    return render(request, "workbooks/day.html", context)


def _ready_record(request: AuthedRequest, pk: int, day: int) -> tuple[Enrolment, DayProgress]:
    enrolment = _get_enrolment_for_user(request, pk)
    records = _progress_map(enrolment)
    if not progress.is_ready(enrolment, day, records, clock.today(request.user)):
        raise Http404("This day isn't open yet.")
    return enrolment, records.get(day) or actions.open_day(enrolment, day)


@login_required
@require_POST
def item_done(request: AuthedRequest, pk: int, day: int, index: int) -> HttpResponse:
    enrolment, record = _ready_record(request, pk, day)
    if not 0 <= index < len(enrolment.version.content.day(day).items):
        raise Http404("There is no such step.")
    actions.mark_item(record, index, done=request.POST.get("undo") != "1")
    return redirect(f"{reverse('workbooks:day', args=[pk, day])}#item-{index}")


@login_required
@require_POST
def practice_record(request: AuthedRequest, pk: int, day: int, index: int) -> HttpResponse:
    enrolment, record = _ready_record(request, pk, day)
    items = enrolment.version.content.day(day).items
    if not 0 <= index < len(items) or not isinstance(items[index], PracticeStep):
        raise Http404("There is no such practice step.")
    step = items[index]
    assert isinstance(step, PracticeStep)
    form = PracticeRecordForm(request.POST, prefix=f"p{index}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(f"{reverse('workbooks:day', args=[pk, day])}#item-{index}")
    practice = current_library().get(step.slug)
    title = practice.title if practice is not None else step.slug
    actions.record_practice(record, index, step.slug, title, form.cleaned_data["before"], form.cleaned_data["after"])
    messages.success(request, f"{title} is saved with this day.")
    return redirect(f"{reverse('workbooks:day', args=[pk, day])}#item-{index}")


@login_required
@require_POST
def complete(request: AuthedRequest, pk: int, day: int) -> HttpResponse:
    enrolment, record = _ready_record(request, pk, day)
    undo = request.POST.get("undo") == "1"
    actions.complete_day(record, done=not undo)
    total = len(enrolment.version.content.days)
    if undo:
        return redirect("workbooks:day", pk=pk, day=day)
    if day >= total:
        messages.success(request, "That's the whole workbook. Thank you for the time you gave it.")
        return redirect("workbooks:progress", pk=pk)
    messages.success(request, f"Day {day} is done. Day {day + 1} is there whenever you're ready.")
    records = _progress_map(enrolment)
    if progress.is_ready(enrolment, day + 1, records, clock.today(request.user)):
        return redirect("workbooks:day", pk=pk, day=day + 1)
    return redirect("workbooks:progress", pk=pk)


@login_required
@require_GET
def print_view(request: AuthedRequest, pk: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    content = enrolment.version.content
    answers = journal_bridge.answers(request.user, content.slug)
    library = current_library()
    chapters = []
    for chapter in content.chapters:
        days = []
        for day in content.days_in(chapter.slug):
            items: list[dict[str, Any]] = []
            for item in day.items:
                if isinstance(item, Reading):
                    items.append({"kind": "reading", "html": render_markdown(item.text)})
                elif isinstance(item, Prompt):
                    answer = answers.get(item.key)
                    items.append({"kind": "prompt", "prompt": item, "answer": answer.text if answer else ""})
                elif isinstance(item, PracticeStep):
                    practice = library.get(item.slug)
                    items.append(
                        {"kind": "practice", "title": practice.title if practice else item.slug, "note": item.note}
                    )
                else:
                    items.append({"kind": "checkin", "text": item.text})
            days.append({"day": day, "items": items})
        chapters.append({"chapter": chapter, "days": days})
    context = {
        "enrolment": enrolment,
        "content": content,
        "introduction": render_markdown(content.introduction),
        "chapters": chapters,
        "printed_on": clock.today(request.user),
    }
    return render(request, "workbooks/print.html", context)


# --------------------------------------------------------------------------- guides


@login_required
@require_GET
def guide_home(request: AuthedRequest) -> HttpResponse:
    _require_guide(request)
    workbooks = []
    for wb in Workbook.objects.filter(owner=request.user):
        workbooks.append({"workbook": wb, "version": wb.latest_version(), "count": wb.versions.count()})
    cohorts = Cohort.objects.filter(guide=request.user).select_related("version__workbook")
    context = {"workbooks": workbooks, "cohorts": cohorts, "form": UploadForm()}
    return render(request, "workbooks/guide.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthedRequest) -> HttpResponse:
    _require_guide(request)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        archive = form.cleaned_data["archive"]
        name = getattr(archive, "name", "upload.zip") or "upload.zip"
        try:
            version, new = actions.upload_zip(request.user, archive.read(), label=name)
        except ContentInvalid as exc:
            errors = _errors_by_file(exc.errors)
        except actions.SlugTaken as exc:
            errors = [f"The slug '{exc}' is already used by another workbook; choose a different slug in workbook.md."]
        else:
            if new:
                messages.success(request, f"Published version {version.number} of {version.title}.")
            else:
                messages.info(request, f"Nothing changed since version {version.number}, so nothing new was published.")
            return redirect("workbooks:versions", slug=version.workbook.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "workbooks/upload.html", {"form": form, "errors": errors}, status=status)


@login_required
@require_GET
def versions(request: AuthedRequest, slug: str) -> HttpResponse:
    workbook = _get_own_workbook(request, slug)
    rows = workbook.versions.order_by("-number")
    counts = {v.pk: v.enrolments.count() for v in rows}
    context = {"workbook": workbook, "versions": [{"version": v, "following": counts[v.pk]} for v in rows]}
    return render(request, "workbooks/versions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, slug: str) -> HttpResponse:
    workbook = _get_own_workbook(request, slug)
    latest = workbook.latest_version()
    if latest is None:
        raise Http404("Nothing published yet.")
    form = EditForm(request.POST if request.method == "POST" else None, sources=dict(latest.sources))
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            version, new = actions.save_edit(request.user, workbook, form.sources())
        except ContentInvalid as exc:
            errors = _errors_by_file(exc.errors)
        else:
            if new:
                messages.success(request, f"Published version {version.number}. People already following keep theirs.")
            else:
                messages.info(request, "Nothing changed, so nothing new was published.")
            return redirect("workbooks:versions", slug=slug)
    context = {"workbook": workbook, "latest": latest, "form": form, "errors": errors}
    return render(request, "workbooks/edit.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_new(request: AuthedRequest, slug: str) -> HttpResponse:
    workbook = _get_own_workbook(request, slug)
    form = CohortForm(
        request.POST if request.method == "POST" else None,
        versions=workbook.versions.order_by("-number"),
        today=clock.today(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cohort = actions.create_cohort(request.user, data["version"], data["title"], data["start_date"])
        messages.success(request, f"{cohort.title} is ready. Share the invitation link below.")
        return redirect("workbooks:cohort", pk=cohort.pk)
    return render(
        request, "workbooks/cohort_new.html", {"workbook": workbook, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def cohort_dashboard(request: AuthedRequest, pk: int) -> HttpResponse:
    cohort = _get_led_cohort(request, pk)
    today = clock.today(request.user)
    tz = clock.member_zone(request.user)
    enrolments = list(cohort.enrolments.select_related("user", "version").prefetch_related("days"))
    participants = [progress.participant(e, e.days.all(), today, tz) for e in enrolments]
    session_ids = [sid for e in enrolments for d in e.days.all() for sid in d.session_ids]
    rows = list(
        PracticeSession.objects.with_both_readings()
        .filter(pk__in=session_ids, user_id__in=[e.user_id for e in enrolments])
        .values_list("before_safety", "after_safety", "user_id")
    )
    # with_both_readings() leaves out sessions missing either reading; the test only narrows the type.
    shift = progress.cohort_shift(
        (before, after) for before, after, _ in rows if before is not None and after is not None
    )
    people = len({user_id for _, _, user_id in rows})
    context = {
        "cohort": cohort,
        "participants": participants,
        "shift": shift,
        "shift_people": people,
        "shift_too_few_people": people < progress.MIN_SHIFT_PEOPLE,
        "min_sessions": MIN_SESSIONS,
        "min_people": progress.MIN_SHIFT_PEOPLE,
        "quiet_days": progress.QUIET_DAYS,
        "invite_url": request.build_absolute_uri(reverse("workbooks:join", args=[cohort.invite_token])),
        "shared_url": journal_bridge.url("shared"),
    }
    return render(request, "workbooks/cohort.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def join(request: AuthedRequest, token: str) -> HttpResponse:
    # Invite tokens come from secrets.token_urlsafe; anything else (a NUL byte, say, which PostgreSQL
    # refuses outright) cannot be one, so it is a 404 before it reaches the database.
    if not _INVITE_TOKEN.fullmatch(token):
        raise Http404("No such invitation.")
    cohort = get_object_or_404(Cohort.objects.select_related("version__workbook", "guide"), invite_token=token)
    existing = Enrolment.objects.filter(user=request.user, cohort=cohort).first()
    if request.method == "POST":
        enrolment = actions.join_cohort(request.user, cohort)
        messages.success(request, f"You've joined {cohort.title}.")
        return redirect("workbooks:progress", pk=enrolment.pk)
    content = cohort.version.content
    context = {"cohort": cohort, "content": content, "existing": existing, "summary": content.summary}
    return render(request, "workbooks/join.html", context)
