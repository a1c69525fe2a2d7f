"""The practice library, a practice's page, the player, the breathing pacer, and session endpoints."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from attune.content.practices import (
    BREATHS_PER_MIN_RANGE,
    CONDITIONS,
    STATES,
    Practice,
)
from attune.web.accounts.http import AuthedRequest, signed_in, valid
from attune.web.common.bodies import errors_response
from attune.web.common.i18n import words_for_page
from attune.web.common.labels import (
    CONDITION_DESCRIPTIONS,
    CONDITION_LABELS,
    STATE_DESCRIPTIONS,
    STATE_LABELS,
    STATE_PHRASES,
    WITH_LABELS,
)
from attune.web.common.offline import believed_time
from attune.web.common.recent import recent_reading
from attune.web.practices.forms import FinishForm, StartForm, readings_context
from attune.web.practices.library import current_library, fallback_notice
from attune.web.practices.models import PACER_SLUG, PACER_TITLE, PracticeSession

PACER_DEFAULT_BPM = 6.0


def _get_session_for_user(request: AuthedRequest, pk: int) -> PracticeSession:
    """The session ``pk`` if it belongs to the signed-in member; 404 for anyone else."""
    return get_object_or_404(PracticeSession, pk=pk, user_id=request.user.pk)


def _get_practice(slug: str) -> Practice:
    practice = current_library().get(slug)
    if practice is None:
        raise Http404("There is no practice with that name.")
    return practice


def practice_card(practice: Practice) -> dict[str, Any]:
    return {
        "practice": practice,
        "with_labels": [WITH_LABELS.get(w, w) for w in practice.with_whom],
        "suits_labels": [STATE_LABELS.get(s, s) for s in practice.suits],
    }


@signed_in("GET")
def library(request: AuthedRequest) -> HttpResponse:
    lib = current_library()
    condition = request.GET.get("condition", "")
    state = request.GET.get("state", "")
    problems = []
    if condition and condition not in CONDITIONS:
        problems.append(_("We don't know that condition, so here is every practice."))
        condition = ""
    if state and state not in STATES:
        problems.append(_("We don't know that state, so here is every practice."))
        state = ""
    sections = []
    for slug in CONDITIONS:
        if condition and slug != condition:
            continue
        practices = [p for p in lib.by_condition(slug) if not state or state in p.suits]
        sections.append(
            {
                "slug": slug,
                "label": CONDITION_LABELS[slug],
                "description": CONDITION_DESCRIPTIONS.get(slug, ""),
                "cards": [practice_card(p) for p in practices],
            }
        )
    context = {
        "sections": sections,
        "conditions": [(slug, CONDITION_LABELS[slug]) for slug in CONDITIONS],
        "states": [(s, STATE_LABELS[s], STATE_DESCRIPTIONS.get(s, "")) for s in STATES],
        "state_phrase": STATE_PHRASES.get(state, ""),
        "condition": condition,
        "state": state,
        "state_label": STATES.get(state, ""),
        "problems": problems,
        "count": sum(len(s["cards"]) for s in sections),
    }
    return render(request, "practices/library.html", context, status=400 if problems else 200)


@signed_in("GET")
def detail(request: AuthedRequest, slug: str) -> HttpResponse:
    practice = _get_practice(slug)
    lib = current_library()
    context = {
        **practice_card(practice),
        "condition_label": CONDITION_LABELS[practice.condition],
        "solo": lib.solo_alternative_for(practice),
        "step_minutes": [(s, _fmt_seconds(s.seconds)) for s in practice.steps],
        "paragraphs": _paragraphs(practice.body),
        "fallback_notice": fallback_notice(practice),
    }
    return render(request, "practices/detail.html", context)


def _paragraphs(text: str) -> list[str]:
    """The body's paragraphs as plain text (blank-line separated; hard wraps joined)."""
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def _fmt_seconds(seconds: int) -> str:
    minutes, secs = divmod(int(seconds), 60)
    if minutes and secs:
        return f"{minutes} min {secs} s"
    return f"{minutes} min" if minutes else f"{secs} s"


# The sentences the player's and the pacer's scripts write as they run, handed to them in the
# member's language (static/js/words.js reads them from the page, keyed by the English).
PAGE_WORDS = (
    gettext_noop("Step %(n)s of %(total)s"),
    gettext_noop("Finish"),
    gettext_noop("Next step"),
    gettext_noop("%(time)s left in this step"),
    gettext_noop("Paused · %(time)s left in this step"),
    gettext_noop("Paused. Take all the time you need."),
    gettext_noop("Paused."),
    gettext_noop("Pause"),
    gettext_noop("Resume"),
    gettext_noop("Resumed."),
    gettext_noop("%(done)s in · %(left)s left"),
    gettext_noop("%(done)s in"),
    gettext_noop("Felt safety %(before)s → %(after)s."),
    gettext_noop("That is useful to know, too."),
    gettext_noop("in %(s)s s"),
    gettext_noop("hold %(s)s s"),
    gettext_noop("out %(s)s s"),
    gettext_noop("%(rate)s breaths a minute: %(parts)s."),
    gettext_noop("That comes to a pace outside 3 to 10 breaths a minute; try a longer or shorter breath."),
    gettext_noop("Breathing in and out each need at least a moment."),
    gettext_noop("Breathing in and out each need at least 1 second."),
    gettext_noop("Holds can be 0 seconds, but not less."),
    gettext_noop("Holds can be up to 10 seconds."),
    gettext_noop("%(label)s needs a number of seconds."),
    gettext_noop("That timing does not work."),
)


@signed_in("GET")
def player(request: AuthedRequest, slug: str) -> HttpResponse:
    practice = _get_practice(slug)
    steps = [
        {
            "title": s.title,
            "seconds": s.seconds,
            "text": s.text,
            "pacer": None
            if s.pacer is None
            else {
                "inhale": s.pacer.inhale_s,
                "holdIn": s.pacer.hold_in_s,
                "exhale": s.pacer.exhale_s,
                "holdOut": s.pacer.hold_out_s,
            },
        }
        for s in practice.steps
    ]
    data = {
        "slug": practice.slug,
        "title": practice.title,
        "calming": practice.mode == "calming",
        "steps": steps,
        "startUrl": reverse("practices:session_start"),
        "finishUrl": reverse("practices:session_finish", args=[0]),
        "historyUrl": reverse("today:history"),
    }
    # Where "done" leads back to: Today, or the page that sent the member here (a workbook day).
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    context = {
        **practice_card(practice),
        "player_data": data,
        "page_words": words_for_page(PAGE_WORDS),
        **readings_context(recent_reading(request)),
        "back_url": back or reverse("today:today"),
        "back_label": _("Back to your workbook") if back else _("Back to today"),
    }
    return render(request, "practices/player.html", context)


@signed_in("GET")
def pacer(request: AuthedRequest) -> HttpResponse:
    bpm = request.user.default_pacer_bpm
    low, high = BREATHS_PER_MIN_RANGE
    own_bpm = float(bpm) if bpm is not None and low <= float(bpm) <= high else None
    own = own_bpm is not None
    data = {
        "defaultBpm": own_bpm if own_bpm is not None else PACER_DEFAULT_BPM,
        "ownRate": own,
        "startUrl": reverse("practices:session_start"),
        "finishUrl": reverse("practices:session_finish", args=[0]),
        "slug": PACER_SLUG,
    }
    context = {
        "pacer_data": data,
        "page_words": words_for_page(PAGE_WORDS),
        "own_rate": own_bpm,
        "minutes": (3, 5, 10, 20),
        **readings_context(recent_reading(request)),
    }
    return render(request, "practices/pacer.html", context)


@signed_in("POST")
def session_start(request: AuthedRequest) -> JsonResponse:
    form = valid(StartForm(request.POST), errors_response)
    slug = form.cleaned_data["practice"]
    if slug == PACER_SLUG:
        title = PACER_TITLE
    else:
        practice = current_library().get(slug)
        if practice is None:
            return JsonResponse(
                {"ok": False, "errors": {"practice": ["There is no practice with that name."]}}, status=400
            )
        title = practice.title
        if practice.mode == "calming" and (form.cleaned_data.get("hold_in") or form.cleaned_data.get("hold_out")):
            return JsonResponse(
                {"ok": False, "errors": {"__all__": ["This is a calming practice; it never holds the breath."]}},
                status=400,
            )
    data = form.cleaned_data
    key = data.get("key")
    if key is not None and (again := PracticeSession.objects.filter(user=request.user, client_key=key).first()):
        return _started(again, status=200)  # sent again: this session is begun already
    now = timezone.now()
    session = PracticeSession(
        user=request.user,
        practice_slug=slug,
        practice_title=title,
        started_at=believed_time(data.get("started_at"), now),
        before_safety=data.get("safety"),
        before_state=data.get("state") or "",
        pacer_inhale_s=data.get("inhale"),
        pacer_hold_in_s=data.get("hold_in") if data.get("inhale") is not None else None,
        pacer_exhale_s=data.get("exhale"),
        pacer_hold_out_s=data.get("hold_out") if data.get("inhale") is not None else None,
        client_key=key,
    )
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        again = PracticeSession.objects.filter(user=request.user, client_key=key).first() if key else None
        if again is None:
            raise
        return _started(again, status=200)
    return _started(session, status=201)


def _started(session: PracticeSession, *, status: int) -> JsonResponse:
    low = session.before_safety is not None and session.before_safety <= 2
    return JsonResponse(
        {
            "ok": True,
            "id": session.pk,
            "finishUrl": reverse("practices:session_finish", args=[session.pk]),
            "lowSafety": low,
        },
        status=status,
    )


@signed_in("POST")
def session_finish(request: AuthedRequest, pk: int) -> JsonResponse:
    session = _get_session_for_user(request, pk)
    data = valid(FinishForm(request.POST), errors_response).cleaned_data
    if not session.is_open:
        if data.get("key") is not None and data["key"] == session.client_key and session.ended_at is not None:
            return _finished(session)  # the same finish, sent again: it is saved already
        return JsonResponse({"ok": False, "errors": {"__all__": ["This session has already ended."]}}, status=409)
    session.ended_at = max(believed_time(data.get("ended_at"), timezone.now()), session.started_at)
    session.outcome = data["outcome"]
    session.elapsed_s = data.get("elapsed_s")
    session.after_safety = data.get("safety")
    session.after_state = data.get("state") or ""
    session.save(update_fields=["ended_at", "outcome", "elapsed_s", "after_safety", "after_state"])
    return _finished(session)


def _finished(session: PracticeSession) -> JsonResponse:
    change = session.safety_change
    return JsonResponse(
        {
            "ok": True,
            "id": session.pk,
            "outcome": session.outcome,
            "change": change,
            "lowSafety": session.after_safety is not None and session.after_safety <= 2,
        }
    )
