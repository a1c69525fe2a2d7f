"""Workbooks for guides: publishing, editing, versions, and leading cohorts. A 404 for anyone but the guide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from attune.content.errors import ContentInvalid
from attune.web.accounts.http import AuthedRequest
from attune.web.common.stats import MIN_SESSIONS
from attune.web.practices.models import PracticeSession
from attune.web.workbooks import actions, clock, progress
from attune.web.workbooks.forms import CohortForm, EditForm, UploadForm
from attune.web.workbooks.models import Cohort, Workbook
from attune.web.workbooks.views import access


@login_required
@require_GET
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


@login_required
@require_http_methods(["GET", "POST"])
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
    workbook = access.get_own_workbook(request, slug)
    rows = workbook.versions.order_by("-number")
    counts = {v.pk: v.enrolments.count() for v in rows}
    context = {"workbook": workbook, "versions": [{"version": v, "following": counts[v.pk]} for v in rows]}
    return render(request, "workbooks/versions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
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
    workbook = access.get_groupable_workbook(request, slug)
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
