"""A member's own account activity. Nobody else's events are ever on it (not even an admin's view
of it: the admin reads the log in Django's admin)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from attune.web.accounts.http import AuthedRequest, signed_in
from attune.web.audit.actions import line_for_member, retention
from attune.web.audit.models import AuditEvent

PER_PAGE = 50


@signed_in("GET")
def activity(request: AuthedRequest) -> HttpResponse:
    events = AuditEvent.objects.for_account(request.user).select_related("actor").order_by("-at", "-pk")
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    lines = [line_for_member(event) for event in page.object_list]
    context = {"page": page, "lines": lines, "retention_days": retention().days}
    return render(request, "audit/activity.html", context)
