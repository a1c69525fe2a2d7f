"""Check-in views: new, detail, edit and delete. Each check-in is visible to its member only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from attune.web.accounts.http import AuthedRequest, signed_in
from attune.web.checkins.forms import CheckInForm, form_context
from attune.web.checkins.models import CheckIn
from attune.web.common.offline import believed_time
from attune.web.common.recent import remember_reading
from attune.web.common.safety import crisis_resources


def _get_checkin_for_user(request: AuthedRequest, pk: int) -> CheckIn:
    """The check-in ``pk`` if it belongs to the signed-in member; 404 for anyone else."""
    return get_object_or_404(CheckIn, pk=pk, user_id=request.user.pk)


@signed_in("GET", "POST")
def new(request: AuthedRequest) -> HttpResponse:
    form = CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data.get("key")
        # Today then moves focus to what the check-in brought (the suggestion), not the page's top.
        done = HttpResponseRedirect(reverse("today:today") + "?checked_in=1")
        if key is not None and CheckIn.objects.filter(user=request.user, client_key=key).exists():
            return done  # sent again (a lost reply, or the offline queue): it is saved already
        checkin = form.save(commit=False)
        checkin.user = request.user
        checkin.client_key = key
        checkin.created_at = believed_time(form.cleaned_data.get("taken_at"), timezone.now())
        try:
            with transaction.atomic():
                checkin.save()
        except IntegrityError:
            if key is None or not CheckIn.objects.filter(user=request.user, client_key=key).exists():
                raise
        remember_reading(request, safety=checkin.felt_safety, state=checkin.state)
        return done
    status = 400 if request.method == "POST" else 200
    context = {**form_context(form), "action": reverse("checkins:new"), "mode": "new"}
    return render(request, "checkins/checkin_form.html", context, status=status)


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    checkin = _get_checkin_for_user(request, pk)
    context = {
        "checkin": checkin,
        "crisis": crisis_resources() if checkin.feels_unsafe else [],
    }
    return render(request, "checkins/checkin_detail.html", context)


@signed_in("GET", "POST")
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    checkin = _get_checkin_for_user(request, pk)
    form = CheckInForm(request.POST if request.method == "POST" else None, instance=checkin)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your check-in is updated.")
        return redirect("checkins:detail", pk=checkin.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        **form_context(form),
        "action": reverse("checkins:edit", args=[checkin.pk]),
        "mode": "edit",
        "checkin": checkin,
    }
    return render(request, "checkins/checkin_form.html", context, status=status)


@signed_in("GET", "POST")
def delete(request: AuthedRequest, pk: int) -> HttpResponse:
    checkin = _get_checkin_for_user(request, pk)
    if request.method == "POST":
        checkin.delete()
        messages.success(request, "That check-in is deleted.")
        return redirect("today:history")
    return render(request, "checkins/checkin_confirm_delete.html", {"checkin": checkin})
