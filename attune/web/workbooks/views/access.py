"""Every workbook page loads its object through one of these helpers: anything not the caller's is a 404."""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import get_object_or_404

from attune.content.errors import ContentError
from attune.web.accounts.http import AuthedRequest
from attune.web.common.said import in_language
from attune.web.workbooks.models import Cohort, DayProgress, Enrolment, Workbook

INVITE_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,100}")


def get_enrolment_for_user(request: AuthedRequest, pk: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.select_related("version", "workbook", "cohort"), pk=pk, user_id=request.user.pk
    )


def get_visible_workbook(request: AuthedRequest, slug: str) -> Workbook:
    """A built-in workbook, one of the caller's own, or one they are following; else 404."""
    user = request.user
    workbook = get_object_or_404(Workbook, slug=slug)
    if workbook.is_builtin or workbook.owner_id == user.pk or workbook.enrolments.filter(user_id=user.pk).exists():
        return workbook
    raise Http404("There is no workbook here.")


def require_guide(request: AuthedRequest) -> None:
    if not getattr(request.user, "is_guide", False):
        raise Http404("There is nothing here.")


def get_own_workbook(request: AuthedRequest, slug: str) -> Workbook:
    require_guide(request)
    return get_object_or_404(Workbook, slug=slug, owner_id=request.user.pk)


def get_groupable_workbook(request: AuthedRequest, slug: str) -> Workbook:
    """A workbook the calling guide may start a group on: one of their own, or a built-in one; else 404."""
    require_guide(request)
    workbook = get_object_or_404(Workbook, slug=slug)
    if workbook.owner_id == request.user.pk or workbook.is_builtin:
        return workbook
    raise Http404("There is no workbook here.")


def get_led_cohort(request: AuthedRequest, pk: int) -> Cohort:
    require_guide(request)
    return get_object_or_404(Cohort.objects.select_related("version__workbook"), pk=pk, guide_id=request.user.pk)


def errors_by_file(errors: list[ContentError]) -> list[str]:
    """Each error as ``file:line: message``, the message in the reader's language (the file and line as they are)."""
    return [
        f"{e.path}:{e.line}: {in_language(e.message)}" if str(e.path) not in ("", ".") else in_language(e.message)
        for e in errors
    ]


def progress_map(enrolment: Enrolment) -> dict[int, DayProgress]:
    return {p.day: p for p in enrolment.days.all()}
