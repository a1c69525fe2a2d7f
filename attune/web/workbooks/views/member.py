"""Workbooks for members: browsing, following day by day, answering prompts, printing, joining a cohort."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from attune.content.workbooks import PracticeStep, Prompt, Reading
from attune.web.accounts.http import AuthedRequest, signed_in
from attune.web.common.redirects import safe_next
from attune.web.journal import actions as journal_actions
from attune.web.practices.library import active_language, current_library, language_name
from attune.web.practices.models import PracticeSession
from attune.web.workbooks import actions, clock, progress
from attune.web.workbooks.dayitems import day_entries
from attune.web.workbooks.forms import AnswerForm, PracticeRecordForm
from attune.web.workbooks.models import Cohort, DayProgress, Enrolment, Workbook
from attune.web.workbooks.render import render_markdown
from attune.web.workbooks.views import access


@signed_in("GET")
def workbook_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    enrolments = list(Enrolment.objects.filter(user=user).select_related("version", "workbook", "cohort"))
    following = []
    today = clock.today(user)
    for e in enrolments:
        statuses = progress.day_statuses(e, access.progress_map(e), today)
        following.append(
            {
                "enrolment": e,
                "current": progress.current(statuses),
                "done": sum(1 for s in statuses if s.done),
                "total": len(statuses),
            }
        )
    workbooks = []
    for wb in Workbook.objects.filter(Q(owner=None, owner_deleted=False) | Q(owner_id=user.pk)).order_by("slug"):
        latest = wb.latest_version()
        if latest is not None:
            workbooks.append({"workbook": wb, "version": latest})
    context = {"following": following, "workbooks": workbooks}
    return render(request, "workbooks/list.html", context)


@signed_in("GET")
def workbook_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    workbook = access.get_visible_workbook(request, slug)
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


@signed_in("POST")
def enrol(request: AuthedRequest, slug: str) -> HttpResponse:
    workbook = access.get_visible_workbook(request, slug)
    if workbook.latest_version() is None:
        raise Http404("This workbook has nothing published yet.")
    enrolment = actions.enrol_self_paced(request.user, workbook)
    return redirect("workbooks:day", pk=enrolment.pk, day=1)


@signed_in("GET")
def enrolment_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    enrolment = access.get_enrolment_for_user(request, pk)
    today = clock.today(request.user)
    statuses = progress.day_statuses(enrolment, access.progress_map(enrolment), today)
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
    request: AuthedRequest,
    enrolment: Enrolment,
    day_number: int,
    record: DayProgress | None,
    found: dict[int, PracticeSession],
) -> list[dict[str, Any]]:
    """The day's steps, ready to show; ``found`` holds practice sessions done for a step and not yet linked."""
    content = enrolment.version.content
    day = content.day_in(day_number, active_language())

    def session_for(index: int, info: Any) -> PracticeSession | None:
        if info and info.get("session"):
            return PracticeSession.objects.filter(pk=info["session"], user_id=request.user.pk).first()
        return found.get(index)

    return day_entries(
        day,
        here=reverse("workbooks:day", args=[enrolment.pk, day_number]),
        answers=journal_actions.answers_by_key(request.user, content.slug),
        done=record.items_done if record is not None else {},
        session_for=session_for,
    )


@signed_in("GET")
def day_page(request: AuthedRequest, pk: int, day: int) -> HttpResponse:
    enrolment = access.get_enrolment_for_user(request, pk)
    content = enrolment.version.content
    if not 1 <= day <= len(content.days):
        raise Http404("There is no such day in this workbook.")
    today = clock.today(request.user)
    records = access.progress_map(enrolment)
    statuses = progress.day_statuses(enrolment, records, today)
    status = statuses[day - 1]
    if not status.ready:
        context = {"enrolment": enrolment, "content": content, "status": status, "current": progress.current(statuses)}
        return render(request, "workbooks/day_later.html", context)
    # A GET reads: the day's record is written by the first POST that changes it, and practice
    # sessions done for its steps are linked then (actions.attach_sessions); until then they are shown.
    record = records.get(day)
    language = active_language()
    day_content = content.day_in(day, language)
    untranslated = language != "en" and day not in content.translated_days(language)
    found = actions.unlinked_sessions(enrolment, record, _practice_items(day_content))
    context = {
        "enrolment": enrolment,
        "content": content,
        "day": day_content,
        "chapter": content.chapter(day_content.chapter),
        "status": status,
        "record": record,
        "items": _day_items(request, enrolment, day, record, found),
        "previous": day - 1 if day > 1 else None,
        "next": day + 1 if day < len(content.days) and (statuses[day].ready or status.done) else None,
        "next_status": statuses[day] if day < len(content.days) else None,
        "total": len(content.days),
        "here": reverse("workbooks:day", args=[enrolment.pk, day]),
        "day_language": language if language != "en" and not untranslated else None,
        "fallback_notice": (
            _("This day is not yet written in %(language)s, so here it is in English.")
            % {"language": language_name(language)}
            if untranslated
            else None
        ),
    }
    return render(request, "workbooks/day.html", context)


def _practice_items(day: Any) -> dict[int, str]:
    return {i: it.slug for i, it in enumerate(day.items) if isinstance(it, PracticeStep)}


def _ready_record(request: AuthedRequest, pk: int, day: int) -> tuple[Enrolment, DayProgress]:
    """For a POST that changes a day: its record (opened now if this is the first change), with
    the practice sessions done for its steps linked first."""
    enrolment = access.get_enrolment_for_user(request, pk)
    records = access.progress_map(enrolment)
    if not progress.is_ready(enrolment, day, records, clock.today(request.user)):
        raise Http404("This day isn't open yet.")
    record = records.get(day) or actions.open_day(enrolment, day)
    actions.attach_sessions(record, _practice_items(enrolment.version.content.day(day)))
    return enrolment, record


@signed_in("POST")
def item_done(request: AuthedRequest, pk: int, day: int, index: int) -> HttpResponse:
    enrolment, record = _ready_record(request, pk, day)
    if not 0 <= index < len(enrolment.version.content.day(day).items):
        raise Http404("There is no such step.")
    actions.mark_item(record, index, done=request.POST.get("undo") != "1")
    return redirect(f"{reverse('workbooks:day', args=[pk, day])}#item-{index}")


@signed_in("POST")
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
    messages.success(request, _("%(title)s is saved with this day.") % {"title": title})
    return redirect(f"{reverse('workbooks:day', args=[pk, day])}#item-{index}")


@signed_in("POST")
def complete(request: AuthedRequest, pk: int, day: int) -> HttpResponse:
    enrolment, record = _ready_record(request, pk, day)
    undo = request.POST.get("undo") == "1"
    actions.complete_day(record, done=not undo)
    total = len(enrolment.version.content.days)
    if undo:
        return redirect("workbooks:day", pk=pk, day=day)
    if day >= total:
        messages.success(request, _("That's the whole workbook. Thank you for the time you gave it."))
        return redirect("workbooks:progress", pk=pk)
    done = _("Day %(day)s is done. Day %(next)s is there whenever you're ready.") % {"day": day, "next": day + 1}
    messages.success(request, done)
    records = access.progress_map(enrolment)
    if progress.is_ready(enrolment, day + 1, records, clock.today(request.user)):
        return redirect("workbooks:day", pk=pk, day=day + 1)
    return redirect("workbooks:progress", pk=pk)


@signed_in("GET")
def print_view(request: AuthedRequest, pk: int) -> HttpResponse:
    enrolment = access.get_enrolment_for_user(request, pk)
    content = enrolment.version.content
    answers = journal_actions.answers_by_key(request.user, content.slug)
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


@signed_in("GET", "POST")
def join(request: AuthedRequest, token: str) -> HttpResponse:
    # Invite tokens come from secrets.token_urlsafe; anything else (a NUL byte, say, which PostgreSQL
    # refuses outright) cannot be one, so it is a 404 before it reaches the database.
    if not access.INVITE_TOKEN.fullmatch(token):
        raise Http404("No such invitation.")
    cohort = get_object_or_404(Cohort.objects.select_related("version__workbook", "guide"), invite_token=token)
    existing = Enrolment.objects.filter(user=request.user, cohort=cohort).first()
    if request.method == "POST":
        enrolment = actions.join_cohort(request.user, cohort)
        messages.success(request, _("You've joined %(group)s.") % {"group": cohort.title})
        return redirect("workbooks:progress", pk=enrolment.pk)
    content = cohort.version.content
    start = existing.start_date if existing else actions.start_for(cohort, request.user)
    context = {
        "cohort": cohort,
        "content": content,
        "existing": existing,
        "summary": content.summary,
        "start": start,
        "starts_today": start == clock.today(request.user),
    }
    return render(request, "workbooks/join.html", context)


def _prompt_of(enrolment: Enrolment, day: int, key: str) -> Prompt | None:
    """The prompt ``key`` on ``day`` of the version ``enrolment`` follows, or None."""
    content = enrolment.version.content
    if not 1 <= day <= len(content.days):
        return None
    return next((p for p in content.day(day).prompts if p.key == key), None)


@signed_in("POST")
def answer(request: AuthedRequest) -> HttpResponse:
    """Save the member's answer to a prompt of a workbook day they follow, in their private journal."""
    form = AnswerForm(request.POST)
    back = safe_next(request, reverse("journal:list"))
    prompt = None
    enrolment = None
    if form.is_valid():
        data = form.cleaned_data
        enrolment = (
            Enrolment.objects.filter(
                user=request.user, workbook__slug=data["workbook"], version__number=data["version"]
            )
            .select_related("version")
            .first()
        )
        prompt = _prompt_of(enrolment, data["day"], data["prompt_key"]) if enrolment else None
        if prompt is None:
            form.add_error(None, _("That question is not part of this workbook day, so the answer was not saved."))
    if not form.is_valid() or prompt is None or enrolment is None:
        return render(request, "workbooks/answer_error.html", {"form": form, "back": back}, status=400)
    data = form.cleaned_data
    journal_actions.answer_prompt(
        request.user,
        workbook_slug=data["workbook"],
        workbook_version=data["version"],
        day=data["day"],
        prompt=prompt,
        body=data["body"],
        workbook_title=enrolment.version.title,
    )
    messages.success(request, _("Your answer is saved in your journal. Only you can read it."))
    return redirect(back)
