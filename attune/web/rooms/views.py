"""Rooms over HTTP: start a pair practice, join with a code, the room page, readings, workshops.

Thin views with one access helper per object: :func:`_place_for_user` answers 404 to anyone who
is not in the room, whether or not it exists. The live part (the timeline, consent, the guide's
console) runs over the websocket in ``consumers.py``; pages get their data through ``json_script``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext

from attune.web.accounts import throttle
from attune.web.accounts.http import AuthedRequest, signed_in, valid
from attune.web.common.bodies import errors_response
from attune.web.common.i18n import words_for_page
from attune.web.common.labels import STATE_WORDS
from attune.web.jobs.notices import language_of
from attune.web.practices.forms import readings_context
from attune.web.rooms import actions, emails, straps
from attune.web.rooms import timeline as tl
from attune.web.rooms.forms import (
    CancelWorkshopForm,
    JoinForm,
    PlanForm,
    RoomReadingForm,
    WorkshopDetailsForm,
    WorkshopForm,
    WorkshopNoteForm,
)
from attune.web.rooms.models import Kind, Participant, Role, Room, Status, Workshop
from attune.web.rooms.plan import group_pacer, pair_breathing, worded, worded_title
from attune.web.rooms.protocol import Refused
from attune.web.rooms.qr import qr_svg

# Guessing codes: at most this many wrong codes per member (and four times as many per network
# address) in a window; then every try is refused until the window closes.
JOIN_FAILURE_LIMIT = 8
JOIN_FAILURE_LIMIT_PER_ADDRESS = 4 * JOIN_FAILURE_LIMIT
JOIN_WINDOW_SECONDS = 600


# The sentences the room's script writes as it runs, handed to it in the member's language
# (static/js/words.js reads them from the page's #page-words, keyed by the English).
PAGE_WORDS = (
    gettext_noop("Reconnecting…"),
    gettext_noop("This room is closed."),
    gettext_noop("You are signed out. Sign in again to come back."),
    gettext_noop("Your turn to lead; your partner will follow."),
    gettext_noop("Your turn to follow; your partner will lead."),
    gettext_noop("Your turn to speak; your partner will listen."),
    gettext_noop("Your turn to listen; your partner will speak."),
    gettext_noop("Say what is true for you, as it is. There is nothing to tidy up or get right."),
    gettext_noop("Listen without fixing: no advice, no rescue, no story of your own. Just take it in."),
    gettext_noop("In a moment you swap: you might finish your thought; then it is your turn to listen."),
    gettext_noop("In a moment you swap: then it is your turn to speak."),
    gettext_noop("In a moment you swap: then it is your turn to lead the breath."),
    gettext_noop("In a moment you swap: then it is your turn to follow."),
    gettext_noop("%(time)s left in this turn"),
    gettext_noop("If not, you might each do “%(title)s” on your own instead."),
    gettext_noop("%(title)s · step %(n)s of %(total)s"),
    gettext_noop("This one is skipped for both of you. You might each do “%(title)s” on your own, side by side."),
    gettext_noop("If you like, a place to start: “%(prompt)s” Or anything else."),
    gettext_noop("Your partner might start from: “%(prompt)s”"),
    gettext_noop("You are both here."),
    gettext_noop("Waiting for your partner to join…"),
    gettext_noop("The guide will begin soon."),
    gettext_noop("Pause"),
    gettext_noop("Resume"),
    gettext_noop("%(time)s left"),
    gettext_noop("%(time)s left · paused"),
    gettext_noop("Show everything"),
    gettext_noop("Only the pacer"),
    gettext_noop("Tap again to ask them to leave"),
    gettext_noop("Saved, just for you."),
    gettext_noop("We couldn't save that just now. The practice goes on."),
    gettext_noop("Stop sharing my shift"),
    gettext_noop("Share my shift with my partner"),
    gettext_noop("felt safety %(n)s"),
    gettext_noop("no reading"),
    gettext_noop("%(answers)s answers · settled %(settled)s, activated %(activated)s, shut down %(shut_down)s"),
    gettext_noop(" · median felt safety %(median)s"),
    gettext_noop("Shown from %(n)s answers (%(answers)s so far)."),
    gettext_noop("Median change in felt safety: %(change)s"),
    gettext_noop(" (one is the demo strap)"),
    gettext_noop(" (%(n)s are the demo strap)"),
    gettext_noop("%(n)s strap connected%(demo)s."),
    gettext_noop("%(n)s straps connected%(demo)s."),
    gettext_noop("No straps connected."),
    gettext_noop("The room's median coherence: %(value)s (from %(n)s straps)."),
    gettext_noop(
        "The room's median coherence shows from %(min)s straps with a minute of clean beats (%(ready)s so far)."
    ),
    gettext_noop("Connecting…"),
    gettext_noop("%(name)s: connected."),
    gettext_noop("%(name)s: connected. Simulated, not a real heart."),
    gettext_noop("The strap dropped for a moment; reconnecting…"),
    gettext_noop("The strap is disconnected."),
    gettext_noop("That didn't connect. You might try again, or carry on without one."),
    gettext_noop("That didn't connect. You might try again."),
    gettext_noop("Your partner's heart appears here if they choose to share it."),
    gettext_noop("Your partner is sharing."),
    gettext_noop("Your partner is sharing (the demo strap: simulated)."),
    gettext_noop("Yours is the demo strap: simulated."),
    gettext_noop("In step: calibrating, until there is a minute of clean beats from both of you."),
    gettext_noop("In step: calibrating, until there is a minute of clean beats from both of you (%(reason)s)."),
    gettext_noop(
        "In step: %(r)s over the last minute. The same hearts shifted in time reach up to %(p95)s by chance "
        "(%(level)s). %(beyond)s"
    ),
    gettext_noop("More in step than these two hearts at a random timing would be."),
    gettext_noop("Not more in step than these two hearts at a random timing would be."),
)


def page_words() -> dict[str, str]:
    """PAGE_WORDS in the request's language, and the states as a partner's shift names them."""
    words = words_for_page(PAGE_WORDS)
    return {**words, **{str(slug).replace("_", " "): str(word) for slug, word in STATE_WORDS.items()}}


def _place_for_user(request: AuthedRequest, pk: int) -> Participant:
    """The member's place in room ``pk`` if they are in it; 404 for anyone else."""
    return get_object_or_404(
        Participant.objects.select_related("room", "session"), room_id=pk, user_id=request.user.pk, status=Status.IN
    )


@signed_in("GET")
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    upcoming = [
        w
        for w in Workshop.objects.select_related("room", "room__host").filter(
            room__ended_at=None, starts_at__gte=timezone.now() - timedelta(hours=12)
        )
        if actions.may_see(user, w)
    ]
    mine = Participant.objects.select_related("room").filter(
        user=user, status=Status.IN, room__ended_at=None, room__kind=Kind.PAIR
    )
    led = (
        Workshop.objects.select_related("room").filter(room__host=user).exclude(pk__in=[w.pk for w in upcoming])
        if user.is_guide
        else Workshop.objects.none()
    )
    return render(
        request,
        "rooms/home.html",
        {
            "plan_form": PlanForm(),
            "join_form": JoinForm(),
            "workshops": upcoming,
            "open_pairs": mine,
            "led": led.order_by("-starts_at")[:20],
        },
    )


@signed_in("POST")
def start_pair(request: AuthedRequest) -> HttpResponse:
    form = PlanForm(request.POST)
    if not form.is_valid():
        return render(
            request, "rooms/home.html", {"plan_form": form, "join_form": JoinForm(), "workshops": []}, status=400
        )
    practices = form.practices(pair_breathing)
    room = actions.create_pair(request.user, practices, title=" · ".join(p.title for p in practices)[:120])
    return redirect("rooms:room", pk=room.pk)


def _throttle_keys(request: AuthedRequest) -> list[tuple[str, int]]:
    address = request.META.get("REMOTE_ADDR", "")
    return [
        (f"attune:roomcode:user:{request.user.pk}", JOIN_FAILURE_LIMIT),
        (f"attune:roomcode:addr:{throttle.digest(address)}", JOIN_FAILURE_LIMIT_PER_ADDRESS),
    ]


def _locked_out(request: AuthedRequest) -> float:
    """Seconds until codes may be tried again (0 when they may be now)."""
    from django.core.cache import cache

    waits = [
        throttle.window_remaining(key, JOIN_WINDOW_SECONDS)
        for key, limit in _throttle_keys(request)
        if int(cache.get(key) or 0) >= limit
    ]
    return max(waits, default=0.0)


def _join_page(request: AuthedRequest, form: JoinForm, status: int = 200, room: Room | None = None) -> HttpResponse:
    return render(request, "rooms/join.html", {"form": form, "room": room}, status=status)


@signed_in("GET", "POST")
def join(request: AuthedRequest) -> HttpResponse:
    if request.method == "GET":
        return _join_page(request, JoinForm(initial={"code": request.GET.get("code", "")[:16]}))
    form = JoinForm(request.POST)
    if not form.is_valid():
        return _join_page(request, form, 400)
    wait = _locked_out(request)
    if wait > 0:
        minutes = int(wait // 60) + 1
        form.add_error(
            None,
            ngettext(
                "That's a lot of codes in a short time. You might try again in %(n)d minute.",
                "That's a lot of codes in a short time. You might try again in %(n)d minutes.",
                minutes,
            )
            % {"n": minutes},
        )
        response = _join_page(request, form, 429)
        response["Retry-After"] = str(int(wait) + 1)
        return response
    code = actions.normalise_code(form.cleaned_data["code"])
    workshop = Workshop.objects.filter(room__code=code, room__ended_at=None).first()
    if workshop is not None:
        return redirect(f"{reverse('rooms:workshop', args=[workshop.pk])}?code={code}")
    try:
        room = actions.join_pair(request.user, code)
    except Refused as exc:
        if exc.code == "unknown":
            for key, _limit in _throttle_keys(request):
                throttle.count_event(key, JOIN_WINDOW_SECONDS)
        form.add_error("code", exc.message)
        return _join_page(request, form, 404 if exc.code == "unknown" else 410)
    return redirect("rooms:room", pk=room.pk)


@signed_in("GET")
def join_link(request: AuthedRequest, code: str) -> HttpResponse:
    """The link a partner opens: a page that asks before joining (a GET never joins anyone)."""
    return _join_page(request, JoinForm(initial={"code": actions.normalise_code(code)}))


def _room_data(place: Participant) -> dict[str, Any]:
    room = place.room
    return {
        "room": room.pk,
        "kind": room.kind,
        "plan": worded(room.plan),
        "state": room.state(),
        "serverMs": actions.now_ms(),
        "wsPath": f"/ws/rooms/{room.pk}/",
        "readingUrl": reverse("rooms:reading", args=[room.pk]),
        "shareUrl": reverse("rooms:share", args=[room.pk]),
        "you": {
            "participant": place.pk,
            "role": place.role,
            "canControl": place.can_control,
            "consent": place.consent,
            "sharing": place.shares_shift,
        },
        "readings": _own_readings(place),
        "partnerShift": actions.partner_shift(place),
        "present": room.participants.present().count(),
    }


def _own_readings(place: Participant) -> dict[str, bool]:
    s = place.session
    return {
        "before": s is not None and (s.before_safety is not None or bool(s.before_state)),
        "after": s is not None and s.ended_at is not None,
    }


@signed_in("GET")
def room(request: AuthedRequest, pk: int) -> HttpResponse:
    place = _place_for_user(request, pk)
    r = place.room
    context: dict[str, Any] = {
        "room": r,
        "place": place,
        "room_data": _room_data(place),
        **readings_context(),
        "join_url": request.build_absolute_uri(reverse("rooms:join_link", args=[r.code])) if r.code else "",
        "code_open": r.is_pair and r.code_used_at is None and r.code_expires_at and r.code_expires_at > timezone.now(),
        "ended": r.ended_at is not None or r.timeline["status"] == tl.ENDED,
        "page_words": page_words(),
        "title": worded_title(r.title, r.plan) if r.is_pair else r.title,
    }
    if not r.is_pair:
        context["workshop"] = r.workshop
        context["shift"] = actions.room_shift(r)
        if place.role == Role.HOST:
            context["min_straps"] = straps.MIN_STRAPS
            context["people"] = r.participants.present().exclude(role=Role.HOST).select_related("user")
    return render(request, "rooms/room.html", context)


@signed_in("POST")
def reading(request: AuthedRequest, pk: int) -> JsonResponse:
    place = _place_for_user(request, pk)
    data = valid(RoomReadingForm(request.POST), errors_response).cleaned_data
    session = actions.record_reading(place, data["phase"], data.get("safety"), data.get("state") or "")
    low = data.get("safety") is not None and data["safety"] <= 2
    return JsonResponse({"ok": True, "phase": data["phase"], "lowSafety": low, "change": session.safety_change})


@signed_in("POST")
def share(request: AuthedRequest, pk: int) -> JsonResponse:
    place = _place_for_user(request, pk)
    if not place.room.is_pair:
        raise Http404("Only pair practice shares with a partner.")
    actions.share_shift(place, request.POST.get("share", "yes") != "no")
    return JsonResponse({"ok": True, "sharing": place.shares_shift})


@signed_in("GET")
def projector(request: AuthedRequest, pk: int) -> HttpResponse:
    place = _place_for_user(request, pk)
    if place.role != Role.HOST or place.room.is_pair:
        raise Http404("The projector view belongs to the workshop's guide.")
    r = place.room
    if r.code is None:  # a cancelled workshop's room is closed
        raise Http404("This room is closed.")
    join_url = request.build_absolute_uri(reverse("rooms:join_link", args=[r.code]))
    return render(
        request,
        "rooms/projector.html",
        {
            "room": r,
            "room_data": {**_room_data(place), "projector": True},
            "code": r.code,
            "qr": qr_svg(join_url),
            "join_url": join_url,
            "page_words": page_words(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Workshops


@signed_in("GET", "POST")
def workshop_new(request: AuthedRequest) -> HttpResponse:
    if not request.user.is_guide:
        raise Http404("Only guides schedule workshops.")
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        w = actions.schedule_workshop(
            request.user,
            form.practices(group_pacer),
            title=d["title"],
            description=d["description"],
            starts_at=d["starts_at"],
            duration_min=d["duration_min"],
            capacity=d["capacity"],
            audience=d["audience"],
            place=d["place"],
            call_url=d["call_url"],
            journal_prompt=d["journal_prompt"],
        )
        return redirect("rooms:workshop", pk=w.pk)
    return render(request, "rooms/workshop_new.html", {"form": form}, status=400 if form.errors else 200)


def _workshop_for_user(request: AuthedRequest, pk: int, code: str = "") -> Workshop:
    """The workshop if this member may see it (its audience, or the right code); 404 otherwise."""
    w = get_object_or_404(Workshop.objects.select_related("room", "room__host"), pk=pk)
    via_code = bool(code) and actions.normalise_code(code) == w.room.code
    if not actions.may_see(request.user, w, via_code=via_code):
        raise Http404("No such workshop.")
    return w


def _looking_back(w: Workshop) -> dict[str, Any]:
    """The guide's look back: how many came, and the room's shift (from five answers only)."""
    shift = actions.room_shift(w.room)
    return {
        "attendance": actions.attendance(w),
        "shift": shift,
        "phases": [(gettext("Before"), shift["before"]), (gettext("After"), shift["after"])],
    }


def _note_for(request: AuthedRequest, w: Workshop, place: Participant | None) -> dict[str, Any] | None:
    """After a workshop: the journal prompt for someone who had a place, with their note so far."""
    if place is None or place.role != Role.PARTICIPANT or place.status != Status.IN or w.cancelled_at:
        return None
    if tl.position(w.room.plan, w.room.timeline, actions.now_ms()).state not in ("finished", tl.ENDED):
        return None  # the invitation comes once the plan has run (or the guide has ended it)
    written = actions.workshop_note(request.user, w)
    return {"prompt": w.prompt_text, "form": WorkshopNoteForm(initial={"body": written}), "written": bool(written)}


@signed_in("GET")
def workshop(request: AuthedRequest, pk: int) -> HttpResponse:
    code = request.GET.get("code", "")[:16]
    w = _workshop_for_user(request, pk, code)
    place = w.room.participants.filter(user=request.user).first()
    taken = w.room.participants.filter(status=Status.IN, role=Role.PARTICIPANT).count()
    is_guide = w.room.host_id == request.user.pk
    begun = w.room.timeline["status"] != tl.LOBBY
    return render(
        request,
        "rooms/workshop.html",
        {
            "w": w,
            "plan": worded(w.room.plan),
            # The guide's look back: how many came, and the room's shift (from five answers only).
            "after": _looking_back(w) if is_guide and begun else None,
            "place": place,
            "taken": taken,
            "full": taken >= w.capacity,
            "code": code,
            "is_guide": is_guide,
            "waiting": w.room.participants.filter(status=Status.WAITLIST).count(),
            "note": _note_for(request, w, place),
            "editable": is_guide and not begun and w.room.ended_at is None,
            "cancel_form": CancelWorkshopForm(),
        },
    )


def _workshop_for_guide(request: AuthedRequest, pk: int) -> Workshop:
    """The workshop if this member is its guide; 404 for everyone else, participants included."""
    return get_object_or_404(Workshop.objects.select_related("room"), pk=pk, room__host_id=request.user.pk)


@signed_in("GET", "POST")
def workshop_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    w = _workshop_for_guide(request, pk)
    initial = {
        "title": w.room.title,
        **{f: getattr(w, f) for f in actions.WORKSHOP_EDITABLE},
        "starts_at": timezone.localtime(w.starts_at),
    }
    form = WorkshopDetailsForm(request.POST or None, initial=initial)
    status = 200
    if w.room.ended_at is not None or w.room.timeline["status"] != tl.LOBBY:
        form.add_error(None, gettext("This workshop has begun or is over, so it can't be changed now."))
        status = 409
    elif request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.edit_workshop(w, title=d["title"], **{f: d[f] for f in actions.WORKSHOP_EDITABLE})
            except Refused as exc:
                form.add_error("capacity", exc.message)
                status = 409
            else:
                return redirect("rooms:workshop", pk=w.pk)
        else:
            status = 400
    return render(request, "rooms/workshop_edit.html", {"w": w, "form": form}, status=status)


@signed_in("POST")
def workshop_call_off(request: AuthedRequest, pk: int) -> HttpResponse:
    """The guide cancels the workshop: the room is freed and everyone enrolled is written to."""
    w = _workshop_for_guide(request, pk)
    form = CancelWorkshopForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            gettext("The word to people is at most 500 characters."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        actions.cancel_workshop(w, form.cleaned_data["note"])
    except Refused as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    return redirect("rooms:workshop", pk=w.pk)


@signed_in("POST")
def workshop_note(request: AuthedRequest, pk: int) -> HttpResponse:
    """After a workshop: a participant's note to the workshop's journal prompt, in their own journal."""
    w = get_object_or_404(Workshop.objects.select_related("room"), pk=pk)
    place = w.room.participants.filter(user=request.user).first()
    note = _note_for(request, w, place)
    if note is None:
        raise Http404("No note to write here.")
    form = WorkshopNoteForm(request.POST)
    if not form.is_valid():
        return render(request, "rooms/workshop_note.html", {"w": w, "note": {**note, "form": form}}, status=400)
    actions.write_workshop_note(request.user, w, form.cleaned_data["body"])
    return redirect(f"{reverse('rooms:workshop', args=[w.pk])}?noted=1#note")


@signed_in("POST")
def enrol(request: AuthedRequest, pk: int) -> HttpResponse:
    w = _workshop_for_user(request, pk, request.POST.get("code", "")[:16])
    if w.room.ended_at is not None or w.room.host_id == request.user.pk:
        raise Http404("This workshop is not taking places.")
    actions.enrol(request.user, w, language_of(request))
    return redirect("rooms:workshop", pk=w.pk)


@signed_in("POST")
def cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    w = get_object_or_404(Workshop, pk=pk, room__participants__user=request.user)
    actions.cancel(request.user, w)
    return redirect("rooms:workshop", pk=w.pk)


@signed_in("GET")
def workshop_calendar(request: AuthedRequest, pk: int) -> HttpResponse:
    """ "Add to calendar": the same invitation the e-mails carry, in this member's own zone."""
    w = get_object_or_404(
        Workshop.objects.select_related("room"),
        pk=pk,
        room__participants__user=request.user,
        room__participants__status=Status.IN,
    )
    response = HttpResponse(emails.invitation(w, request.user.zone), content_type=emails.ICS_MIME)
    response["Content-Disposition"] = 'attachment; filename="workshop.ics"'
    return response
