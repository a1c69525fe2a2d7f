"""Workbooks for guides: publishing, editing, versions, and leading cohorts. A 404 for anyone but the guide."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attune.content.errors import ContentError, ContentInvalid
from attune.content.frontmatter import parse
from attune.content.workbooks import CheckinStep, Item, PracticeStep, Prompt, Reading
from attune.content.workbooks import Day as DayContent
from attune.content.workbooks.writing import (
    ChapterFields,
    DayFields,
    HeadFields,
    Written,
    read_day,
    read_head,
    write_day,
    write_head,
)
from attune.web.accounts.http import AuthedRequest, signed_in
from attune.web.common.said import in_language
from attune.web.common.stats import MIN_SESSIONS
from attune.web.practices.library import current_library
from attune.web.practices.models import PracticeSession
from attune.web.workbooks import actions, clock, progress
from attune.web.workbooks.dayitems import day_entries
from attune.web.workbooks.forms import (
    ITEM_LABELS,
    MAX_CHAPTERS,
    CohortForm,
    DayForm,
    EditForm,
    HeadForm,
    UploadForm,
    apply_item_op,
    apply_list_op,
    chapters_from_post,
    items_from_post,
)
from attune.web.workbooks.models import Cohort, Workbook, WorkbookVersion
from attune.web.workbooks.render import render_markdown
from attune.web.workbooks.views import access


@signed_in("GET")
def guide_home(request: AuthedRequest) -> HttpResponse:
    access.require_guide(request)
    workbooks = []
    for wb in Workbook.objects.filter(owner=request.user):
        workbooks.append({"workbook": wb, "version": wb.latest_version(), "count": wb.versions.count()})
    cohorts = Cohort.objects.filter(guide=request.user).select_related("version__workbook")
    # The built-in workbooks: any guide may lead a group through them.
    builtin = [
        {"workbook": wb, "version": v}
        for wb in Workbook.objects.filter(owner__isnull=True, owner_deleted=False).order_by("slug")
        if (v := wb.latest_version()) is not None
    ]
    context = {"workbooks": workbooks, "builtin": builtin, "cohorts": cohorts, "form": UploadForm()}
    return render(request, "workbooks/guide.html", context)


@signed_in("GET", "POST")
def upload(request: AuthedRequest) -> HttpResponse:
    access.require_guide(request)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        archive = form.cleaned_data["archive"]
        name = getattr(archive, "name", "upload.zip") or "upload.zip"
        try:
            version, new = actions.upload_zip(request.user, archive.read(), label=name)
        except ContentInvalid as exc:
            errors = access.errors_by_file(exc.errors)
        except actions.SlugTaken as exc:
            errors = [
                _("The slug '%(slug)s' is already used by another workbook; choose a different slug in workbook.md.")
                % {"slug": exc}
            ]
        else:
            if new:
                messages.success(
                    request, _("Published version %(n)s of %(title)s.") % {"n": version.number, "title": version.title}
                )
            else:
                messages.info(
                    request,
                    _("Nothing changed since version %(n)s, so nothing new was published.") % {"n": version.number},
                )
            return redirect("workbooks:versions", slug=version.workbook.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "workbooks/upload.html", {"form": form, "errors": errors}, status=status)


@signed_in("GET")
def versions(request: AuthedRequest, slug: str) -> HttpResponse:
    workbook = access.get_own_workbook(request, slug)
    rows = workbook.versions.order_by("-number")
    counts = {v.pk: v.enrolments.count() for v in rows}
    context = {"workbook": workbook, "versions": [{"version": v, "following": counts[v.pk]} for v in rows]}
    return render(request, "workbooks/versions.html", context)


@signed_in("GET", "POST")
def edit(request: AuthedRequest, slug: str) -> HttpResponse:
    workbook = access.get_own_workbook(request, slug)
    latest = workbook.latest_version()
    if latest is None:
        raise Http404("Nothing published yet.")
    form = EditForm(request.POST if request.method == "POST" else None, sources=dict(latest.sources))
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            version, new = actions.save_edit(request.user, workbook, form.sources())
        except ContentInvalid as exc:
            errors = access.errors_by_file(exc.errors)
        else:
            _say_published(request, version, new)
            return redirect("workbooks:versions", slug=slug)
    days = sorted(_day_paths(latest))
    context = {"workbook": workbook, "latest": latest, "form": form, "errors": errors, "days": days}
    return render(request, "workbooks/edit.html", context, status=400 if request.method == "POST" else 200)


@signed_in("GET", "POST")
def cohort_new(request: AuthedRequest, slug: str) -> HttpResponse:
    workbook = access.get_groupable_workbook(request, slug)
    form = CohortForm(
        request.POST if request.method == "POST" else None,
        versions=workbook.versions.order_by("-number"),
        today=clock.today(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cohort = actions.create_cohort(request.user, data["version"], data["title"], data["start_date"])
        messages.success(request, _("%(group)s is ready. Share the invitation link below.") % {"group": cohort.title})
        return redirect("workbooks:cohort", pk=cohort.pk)
    return render(
        request, "workbooks/cohort_new.html", {"workbook": workbook, "form": form}, status=400 if form.errors else 200
    )


@signed_in("GET")
def cohort_dashboard(request: AuthedRequest, pk: int) -> HttpResponse:
    cohort = access.get_led_cohort(request, pk)
    today = clock.today(request.user)
    tz = request.user.zone
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
        (before, after, user_id) for before, after, user_id in rows if before is not None and after is not None
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
    }
    return render(request, "workbooks/cohort.html", context)


def _day_paths(latest: WorkbookVersion) -> dict[int, str]:
    """Which file holds each day of ``latest`` (translations left out)."""
    found: dict[int, str] = {}
    for path, text in latest.sources.items():
        parts = PurePosixPath(path).parts
        if len(parts) != 2 or parts[0] != "days" or not path.endswith(".md"):
            continue
        try:
            number = parse(text, Path(path)).meta.get("day")
        except ContentInvalid:
            continue
        if isinstance(number, int):
            found.setdefault(number, path)
    return found


def _own_day(request: AuthedRequest, slug: str, day: int) -> tuple[Workbook, WorkbookVersion, str]:
    workbook = access.get_own_workbook(request, slug)
    latest = workbook.latest_version()
    path = _day_paths(latest).get(day) if latest is not None else None
    if latest is None or path is None:
        raise Http404("There is no such day in this workbook.")
    return workbook, latest, path


def _posted_day(request: AuthedRequest, latest: WorkbookVersion, day: int) -> tuple[DayForm, DayFields | None]:
    form = DayForm(request.POST, chapters=_chapter_choices(latest))
    items = items_from_post(request.POST)
    if items is None:
        return form, None
    data = request.POST
    fields = DayFields(
        number=day,
        title=str(data.get("title", "")),
        chapter=str(data.get("chapter", "")),
        minutes=str(data.get("minutes", "")),
        body=str(data.get("body", "")),
        items=items,
    )
    return form, fields


def _chapter_choices(latest: WorkbookVersion) -> list[tuple[str, str]]:
    return [(c.slug, c.title) for c in latest.content.chapters]


def _practice_choices() -> list[tuple[str, str]]:
    return sorted(((p.slug, p.title) for p in current_library()), key=lambda choice: choice[1].lower())


def _preview_content(fields: DayFields) -> DayContent:
    """The day as a member would see it, built from the fields as they stand (steps still empty are left out)."""
    items: list[Item] = []
    for i, it in enumerate(fields.items):
        text = it.text.strip()
        if it.kind == "reading" and (text or fields.body.strip()):
            items.append(Reading(text=text or fields.body.strip()))
        elif it.kind == "prompt" and text:
            items.append(Prompt(key=it.key.strip() or f"question-{i + 1}", text=text))
        elif it.kind == "practice" and it.practice.strip():
            items.append(PracticeStep(slug=it.practice.strip(), note=it.note.strip()))
        elif it.kind == "checkin":
            items.append(CheckinStep(text=text) if text else CheckinStep())
    minutes = str(fields.minutes).strip()
    return DayContent(
        number=int(fields.number),
        title=fields.title.strip(),
        chapter=fields.chapter,
        minutes=int(minutes) if minutes.isdigit() else 0,
        items=tuple(items),
    )


def _preview_context(latest: WorkbookVersion, fields: DayFields) -> dict[str, Any]:
    day = _preview_content(fields)
    # The member's template part links to the member's own pages; in the preview they lead
    # nowhere real (number 0), and the preview's form controls are disabled.
    stand_in = SimpleNamespace(pk=0, version=SimpleNamespace(number=latest.number))
    return {
        "day": day,
        "total": len(latest.content.days),
        "items": day_entries(day, here="#"),
        "enrolment": stand_in,
        "content": SimpleNamespace(slug=latest.workbook.slug, title=latest.title),
        "here": "",
    }


def _field_errors(errors: list[ContentError], path: str, written: Written) -> tuple[dict[Any, list[str]], list[str]]:
    """The loader's errors by the field they concern in ``path``; the rest as ``file:line: message``."""
    by_field: dict[Any, list[str]] = {}
    other: list[ContentError] = []
    for error in errors:
        name = written.field_at(error.line) if str(error.path) == path and error.line > 1 else None
        if name is None or name in ("day", "slug", "guide", "version"):  # not fields of the form
            other.append(error)
        else:
            said = in_language(error.message)
            by_field.setdefault(name, []).append(said[:1].upper() + said[1:] + ".")
    return by_field, access.errors_by_file(other)


def _say_published(request: AuthedRequest, version: WorkbookVersion, new: bool) -> None:
    if new:
        messages.success(
            request, _("Published version %(n)s. People already following keep theirs.") % {"n": version.number}
        )
    else:
        messages.info(request, _("Nothing changed, so nothing new was published."))


def _publish_file(
    request: AuthedRequest, workbook: Workbook, latest: WorkbookVersion, path: str, written: Written
) -> tuple[dict[Any, list[str]], list[str]] | None:
    """Publish ``latest`` with ``path`` rewritten as ``written`` and say so; None when published,
    else the check's errors (by field of ``path``, and the rest as ``file:line: message``)."""
    try:
        version, new = actions.save_edit(request.user, workbook, {**latest.sources, path: written.text})
    except ContentInvalid as exc:
        return _field_errors(list(exc.errors), path, written)
    _say_published(request, version, new)
    return None


def _form_context(
    workbook: Workbook, latest: WorkbookVersion, form: forms.Form, by_field: dict[Any, list[str]], errors: list[str]
) -> dict[str, Any]:
    """What the day form and workbook.md's form both show: the fields, their errors, the days to go to."""
    return {
        "workbook": workbook,
        "latest": latest,
        "form": form,
        "field_errors": {k: v for k, v in by_field.items() if isinstance(k, str)},
        "has_errors": bool(by_field) or bool(form.errors),
        "errors": errors,
        "days": sorted(_day_paths(latest)),
    }


@signed_in("GET", "POST")
def edit_day(request: AuthedRequest, slug: str, day: int) -> HttpResponse:
    """A day through a form: fields, a list of steps, the reading beside them, and a live preview."""
    workbook, latest, path = _own_day(request, slug, day)
    by_field: dict[Any, list[str]] = {}
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form, fields = _posted_day(request, latest, day)
        if fields is None:
            return HttpResponse(_("The list of steps could not be read; please reload the page."), status=400)
        op = str(request.POST.get("op", "save"))
        if op != "save":
            if not apply_item_op(fields.items, op):
                return HttpResponse(_("Unknown action."), status=400)
        elif form.is_valid():
            refused = _publish_file(request, workbook, latest, path, write_day(fields))
            if refused is None:
                return redirect("workbooks:edit_day", slug=slug, day=day)
            by_field, errors = refused
            status = 400
        else:
            status = 400
    else:
        try:
            fields = read_day(latest.sources[path], Path(path))
        except ContentInvalid:
            messages.info(
                request,
                _("%(file)s is written in a way the form cannot show; here is the file itself.") % {"file": path},
            )
            return redirect(reverse("workbooks:edit", args=[slug]) + f"#id_file_{list(latest.sources).index(path)}")
        form = DayForm(
            initial={"title": fields.title, "chapter": fields.chapter, "minutes": fields.minutes, "body": fields.body},
            chapters=_chapter_choices(latest),
        )
    items = [
        {"index": i, "fields": it, "label": ITEM_LABELS[it.kind], "errors": by_field.get(("item", i), [])}
        for i, it in enumerate(fields.items)
    ]
    context = {
        **_form_context(workbook, latest, form, by_field, errors),
        "path": path,
        "file_index": list(latest.sources).index(path),
        "items": items,
        "item_count": len(items),
        "items_errors": by_field.get("items", []),
        "practices": _practice_choices(),
        "kinds": ITEM_LABELS,
        "number": day,
        "preview": _preview_context(latest, fields),
    }
    return render(request, "workbooks/edit_day.html", context, status=status)


@signed_in("POST")
def preview(request: AuthedRequest, slug: str, day: int | None = None) -> HttpResponse:
    """What a member would see, from a guide's form as it stands: day ``day``, or without a day the
    workbook's own page (from workbook.md's form). Writes nothing; the check's objections come along."""
    if day is None:
        try:
            workbook, latest, original = _own_head(request, slug)
        except ContentInvalid:
            message = _("%(file)s is written in a way the form cannot show; edit the file itself.")
            return HttpResponse(message % {"file": HEAD_FILE}, status=400)
        fields = _posted_head(request, original)
        if fields is None:
            return HttpResponse(_("The list of chapters could not be read; please reload the page."), status=400)
        path, written = HEAD_FILE, write_head(fields)
        template, shown = "workbooks/edit_head.html#preview", _head_preview_context(latest, fields)
    else:
        workbook, latest, path = _own_day(request, slug, day)
        _form, day_fields = _posted_day(request, latest, day)
        if day_fields is None:
            return HttpResponse(_("The list of steps could not be read; please reload the page."), status=400)
        written = write_day(day_fields)
        template, shown = "workbooks/edit_day.html#preview", _preview_context(latest, day_fields)
    problems: list[str] = []
    try:
        actions.check_edit(workbook, {**latest.sources, path: written.text})
    except ContentInvalid as exc:
        by_field, others = _field_errors(list(exc.errors), path, written)
        problems = [f"{_field_name(key, path)}: {m}" for key, ms in by_field.items() for m in ms] + others
    return render(request, template, {"preview": shown, "problems": problems})


_FIELD_NAMES = {
    "title": gettext_lazy("Title"),
    "summary": gettext_lazy("Summary"),
    "chapter": gettext_lazy("Chapter"),
    "chapters": gettext_lazy("Chapters"),
    "minutes": gettext_lazy("Minutes"),
    "items": gettext_lazy("Steps"),
}


def _field_name(key: Any, path: str) -> str:
    """How the form names the field ``key`` of ``path`` (a string, or ``("item", i)``/``("chapter", i)``)."""
    if key == "body":
        return _("Introduction") if path == HEAD_FILE else _("The reading")
    if isinstance(key, tuple):
        n = key[1] + 1
        return _("Chapter %(n)s") % {"n": n} if key[0] == "chapter" else _("Step %(n)s") % {"n": n}
    return str(_FIELD_NAMES.get(key, key))


HEAD_FILE = "workbook.md"


@signed_in("GET", "POST")
def edit_head(request: AuthedRequest, slug: str) -> HttpResponse:
    """workbook.md through a form: title, summary, chapters to add, remove and reorder, and the introduction."""
    try:
        workbook, latest, original = _own_head(request, slug)
    except ContentInvalid:
        messages.info(
            request,
            _("%(file)s is written in a way the form cannot show; here is the file itself.") % {"file": HEAD_FILE},
        )
        return redirect(reverse("workbooks:edit", args=[slug]) + "#id_file_0")
    by_field: dict[Any, list[str]] = {}
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = HeadForm(request.POST)
        posted = _posted_head(request, original)
        if posted is None:
            return HttpResponse(_("The list of chapters could not be read; please reload the page."), status=400)
        fields = posted
        op = str(request.POST.get("op", "save"))
        if op != "save":
            if not apply_list_op(fields.chapters, op, lambda _kind: ChapterFields(), ("chapter",), MAX_CHAPTERS):
                return HttpResponse(_("Unknown action."), status=400)
        elif form.is_valid():
            refused = _publish_file(request, workbook, latest, HEAD_FILE, write_head(fields))
            if refused is None:
                return redirect("workbooks:edit_head", slug=slug)
            by_field, errors = refused
            status = 400
        else:
            status = 400
    else:
        fields = original
        form = HeadForm(initial={"title": fields.title, "summary": fields.summary, "introduction": fields.introduction})
    chapters_shown = [
        {"index": i, "fields": c, "errors": by_field.get(("chapter", i), [])} for i, c in enumerate(fields.chapters)
    ]
    context = {
        **_form_context(workbook, latest, form, by_field, errors),
        "chapters": chapters_shown,
        "chapter_count": len(chapters_shown),
        "chapters_errors": by_field.get("chapters", []),
        "preview": _head_preview_context(latest, fields),
    }
    return render(request, "workbooks/edit_head.html", context, status=status)


def _own_head(request: AuthedRequest, slug: str) -> tuple[Workbook, WorkbookVersion, HeadFields]:
    """The caller's workbook, its latest version and that version's workbook.md as fields (else 404).

    Raises
    ------
    ContentInvalid
        When workbook.md is written in a way the form cannot show.
    """
    workbook = access.get_own_workbook(request, slug)
    latest = workbook.latest_version()
    if latest is None or HEAD_FILE not in latest.sources:
        raise Http404("Nothing published yet.")
    return workbook, latest, read_head(latest.sources[HEAD_FILE], Path(HEAD_FILE))


def _posted_head(request: AuthedRequest, original: HeadFields) -> HeadFields | None:
    """workbook.md's fields as posted (slug, guide and version kept from ``original``); None when the
    list of chapters cannot be read."""
    chapters = chapters_from_post(request.POST)
    if chapters is None:
        return None
    data = request.POST
    return HeadFields(
        title=str(data.get("title", "")),
        summary=str(data.get("summary", "")),
        introduction=str(data.get("introduction", "")),
        chapters=chapters,
        kept=original.kept,
    )


def _head_preview_context(latest: WorkbookVersion, fields: HeadFields) -> dict[str, Any]:
    """The workbook's own page as a member would see it, from workbook.md's fields as they stand;
    the days are the latest version's, under the chapter whose slug they name."""
    content = latest.content
    return {
        "content": SimpleNamespace(
            title=fields.title.strip(),
            summary=fields.summary.strip(),
            days=content.days,
            total_minutes=content.total_minutes,
            guide=content.guide,
        ),
        "introduction": render_markdown(fields.introduction),
        "chapters": [
            {
                "chapter": SimpleNamespace(slug=c.slug.strip(), title=c.title.strip(), summary=c.summary.strip()),
                "days": content.days_in(c.slug.strip()),
            }
            for c in fields.chapters
        ],
    }
