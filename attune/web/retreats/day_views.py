"""Pages for the days of a retreat and after: the schedule, the retreat's Today, the group's
anonymous picture for the guide, asking for a word, the calendar feed and the member's arc.

Who sees what: a member sees these pages only while they hold an accepted place; the retreat's
guide sees the schedule, the group's days and the word requests; anyone else gets 404. The feed
is opened by its private link alone, and only while the link stands.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from attune.web.accounts.http import AuthedRequest, signed_in, valid
from attune.web.common.chips import chip_groups
from attune.web.retreats import actions, days
from attune.web.retreats.forms import ScheduleItemForm, ShareArcForm, ShortCheckInForm, WordForm
from attune.web.retreats.models import (
    GROUP_MINIMUM,
    Application,
    Moment,
    Retreat,
    ScheduleItem,
    State,
    WordRequest,
)
from attune.web.retreats.views import _attempt, _led_application, _own_retreat, _sent_back

# ------------------------------------------------------------------ access


def _place(request: AuthedRequest, pk: int) -> Application:
    """The caller's accepted place on retreat ``pk``; else 404."""
    return get_object_or_404(
        Application.objects.select_related("retreat", "retreat__guide", "user"),
        retreat_id=pk,
        user_id=request.user.pk,
        state=State.ACCEPTED,
        retreat__status="published",
    )


def _reader_of_schedule(request: AuthedRequest, pk: int) -> tuple[Retreat, Application | None]:
    """The retreat, for its guide or for a member with a place; else 404."""
    retreat = Retreat.objects.filter(pk=pk, guide_id=request.user.pk, guide__is_guide=True).first()
    if retreat is not None:
        return retreat, None
    place = _place(request, pk)
    return place.retreat, place


def _own_item(request: AuthedRequest, pk: int, item: int) -> ScheduleItem:
    return get_object_or_404(
        ScheduleItem.objects.select_related("retreat"),
        pk=item,
        retreat_id=pk,
        retreat__guide_id=request.user.pk,
        retreat__guide__is_guide=True,
    )


# ------------------------------------------------------------------ the schedule (guide)


def _schedule_context(retreat: Retreat, form: ScheduleItemForm, editing: ScheduleItem | None = None) -> dict[str, Any]:
    return {
        "retreat": retreat,
        "days": days.schedule(retreat),
        "form": form,
        "editing": editing,
        "untold": days.changes_untold(retreat),
        "people": retreat.applications.filter(state=State.ACCEPTED).count(),
    }


@signed_in("GET", "POST")
def schedule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    retreat = _own_retreat(request, pk)
    form = ScheduleItemForm(request.POST or None, retreat=retreat)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.retreat = retreat
        if _attempt(request, lambda: days.save_item(item), _("Added: %(title)s.") % {"title": item.title}):
            return redirect("retreats:schedule_edit", pk=retreat.pk)
    return render(
        request, "retreats/schedule_edit.html", _schedule_context(retreat, form), status=400 if form.errors else 200
    )


@signed_in("GET", "POST")
def item_edit(request: AuthedRequest, pk: int, item: int) -> HttpResponse:
    found = _own_item(request, pk, item)
    retreat = found.retreat
    form = ScheduleItemForm(request.POST or None, instance=found, retreat=retreat)
    if not request.POST:
        form.initial["day"] = found.day.isoformat()
    if request.method == "POST" and form.is_valid():
        changed = form.save(commit=False)
        if _attempt(request, lambda: days.save_item(changed), _("Changed: %(title)s.") % {"title": changed.title}):
            return redirect("retreats:schedule_edit", pk=retreat.pk)
    context = _schedule_context(retreat, form, editing=found)
    return render(request, "retreats/schedule_edit.html", context, status=400 if form.errors else 200)


@signed_in("POST")
def item_remove(request: AuthedRequest, pk: int, item: int) -> HttpResponse:
    found = _own_item(request, pk, item)
    title = found.title
    days.remove_item(found)
    messages.success(request, _("Taken off the schedule: %(title)s.") % {"title": title})
    return redirect("retreats:schedule_edit", pk=pk)


@signed_in("POST")
def schedule_tell(request: AuthedRequest, pk: int) -> HttpResponse:
    retreat = _own_retreat(request, pk)
    told = days.tell_schedule(retreat)
    messages.success(
        request,
        ngettext("We'll email the new schedule to %(n)s person.", "We'll email the new schedule to %(n)s people.", told)
        % {"n": told},
    )
    return redirect("retreats:schedule_edit", pk=retreat.pk)


# ------------------------------------------------------------------ the schedule (everyone on it)


@signed_in("GET")
def schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    """The printable schedule, in the venue's time zone."""
    retreat, place = _reader_of_schedule(request, pk)
    owner: Retreat | Application = place if place is not None else retreat
    feed = request.build_absolute_uri(reverse("retreats:feed", args=[owner.feed_token])) if owner.feed_token else ""
    return render(
        request,
        "retreats/schedule.html",
        {"retreat": retreat, "days": days.schedule(retreat), "place": place, "feed": feed},
    )


@signed_in("POST")
def feed_link(request: AuthedRequest, pk: int) -> HttpResponse:
    """Make a new private calendar link (the old one stops working), or stop it (``stop``)."""
    retreat, place = _reader_of_schedule(request, pk)
    owner: Retreat | Application = place if place is not None else retreat
    if request.POST.get("stop"):
        days.stop_feed_link(owner)
        messages.success(request, _("The calendar link no longer works. Calendars that used it will stop updating."))
    else:
        days.new_feed_link(owner)
        messages.success(request, _("Here is your private calendar link. Any earlier link no longer works."))
    return redirect("retreats:schedule", pk=pk)


@require_GET
def feed(request: AuthedRequest, token: str) -> HttpResponse:
    """The schedule as iCalendar, for a calendar app that holds the private link."""
    retreat = days.retreat_for_feed(token)
    if retreat is None:
        raise Http404("There is nothing here.")
    response = HttpResponse(days.schedule_calendar(retreat), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    return response


# ------------------------------------------------------------------ the retreat's Today (member)


def _today_page(request: AuthedRequest, place: Application, form: ShortCheckInForm | None = None) -> HttpResponse:
    """The day's page for the member with ``place``; a 400 when ``form`` is a check-in sent with errors."""
    status = 400 if form is not None and form.errors else 200
    return render(request, "retreats/today.html", _today_context(place, form), status=status)


def _today_context(place: Application, form: ShortCheckInForm | None) -> dict[str, Any]:
    retreat = place.retreat
    phase = days.phase(retreat)
    today = days.venue_today(retreat)
    todays = next((d for d in days.schedule(retreat) if d.day == today), None)
    checked = place.checkins.filter(moment=Moment.DAY, day=today).first()
    week = days.follow_up_due(place)
    form = form or ShortCheckInForm()
    return {
        "retreat": retreat,
        "application": place,
        "phase": phase,
        "today": today,
        "day_number": (today - retreat.starts_on).days + 1,
        "todays": todays,
        "checked": checked,
        "groups": chip_groups(form),
        "form": form,
        "word_form": WordForm(),
        "follow_up_week": week,
        "group_minimum": GROUP_MINIMUM,
        "until": (retreat.starts_on - today).days,
    }


@signed_in("GET")
def today(request: AuthedRequest, pk: int) -> HttpResponse:
    return _today_page(request, _place(request, pk))


@signed_in("POST")
def checkin(request: AuthedRequest, pk: int) -> HttpResponse:
    place = _place(request, pk)
    data = valid(ShortCheckInForm(request.POST), partial(_today_page, request, place)).cleaned_data
    week = days.follow_up_due(place) if days.phase(place.retreat) == "after" else None
    if week is not None:
        step = lambda: days.follow_up(place, week, data["state"], data["felt_safety"])  # noqa: E731
    else:
        step = lambda: days.check_in(place, data["state"], data["felt_safety"])  # noqa: E731
    _attempt(request, step, _("Thank you. It's in your arc."))
    return redirect("retreats:today", pk=pk)


@signed_in("POST")
def word(request: AuthedRequest, pk: int) -> HttpResponse:
    place = _place(request, pk)
    too_long = _sent_back(request, _("A note can be up to 500 characters."), "retreats:today", pk)
    form = valid(WordForm(request.POST), too_long)
    guide = place.retreat.guide.display_name or place.retreat.guide.username
    _attempt(
        request,
        lambda: days.ask_for_a_word(place, form.cleaned_data["note"]),
        _("%(guide)s will see that you'd like a word. Nobody else will.") % {"guide": guide},
    )
    return redirect("retreats:today", pk=pk)


# ------------------------------------------------------------------ the arc (member, and guide if shared)


def _arc_context(place: Application) -> dict[str, Any]:
    points = days.arc(place)
    width, height, left, pad = 320, 150, 40, 14

    def y(value: float) -> float:
        return round(height - pad - value * (height - 2 * pad) / 10, 1)

    step = (width - left - pad) / max(1, len(points) - 1)
    coords = [(round(left + i * step, 1), y(p.felt_safety)) for i, p in enumerate(points)]
    return {
        "retreat": place.retreat,
        "application": place,
        "points": list(zip(points, coords, strict=True)),
        "polyline": " ".join(f"{x},{y}" for x, y in coords),
        "width": width,
        "height": height,
        "grid": [{"value": v, "y": y(v)} for v in (0, 5, 10)],
    }


@signed_in("GET")
def arc(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "retreats/arc.html", {**_arc_context(_place(request, pk)), "mine": True})


@signed_in("POST")
def arc_share(request: AuthedRequest, pk: int) -> HttpResponse:
    place = _place(request, pk)
    form = ShareArcForm(request.POST)
    share = form.is_valid() and bool(form.cleaned_data["share"])
    days.share_arc(place, share)
    guide = place.retreat.guide.display_name or place.retreat.guide.username
    messages.success(
        request,
        _("%(guide)s can now see your arc.") % {"guide": guide} if share else _("Your arc is yours alone again."),
    )
    return redirect("retreats:arc", pk=pk)


@signed_in("GET")
def shared_arc(request: AuthedRequest, pk: int) -> HttpResponse:
    """A member's arc, for the guide of the retreat, only while the member shares it."""
    found = _led_application(request, pk)
    if not found.arc_shared or found.state != State.ACCEPTED:
        raise Http404("There is nothing here.")
    actions.record_arc_opened(request, request.user, found)
    return render(request, "retreats/arc.html", {**_arc_context(found), "mine": False})


# ------------------------------------------------------------------ the group's days (guide)


@signed_in("GET")
def group(request: AuthedRequest, pk: int) -> HttpResponse:
    retreat = _own_retreat(request, pk)
    words = WordRequest.objects.select_related("application__user").filter(application__retreat=retreat)
    shared = retreat.applications.filter(state=State.ACCEPTED, arc_shared=True).select_related("user")
    return render(
        request,
        "retreats/group.html",
        {
            "retreat": retreat,
            "group_days": days.group_days(retreat),
            "words": words,
            "shared": shared,
            "group_minimum": GROUP_MINIMUM,
            "today": days.venue_today(retreat),
        },
    )


@signed_in("POST")
def word_seen(request: AuthedRequest, pk: int, word: int) -> HttpResponse:
    retreat = _own_retreat(request, pk)
    found = get_object_or_404(WordRequest, pk=word, application__retreat=retreat)
    days.mark_word_seen(found)
    return redirect("retreats:group", pk=retreat.pk)
