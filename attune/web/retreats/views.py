"""Retreat pages: the guide's (overview, a retreat, its questions, applications) and the member's.

Every object loads through one access helper that answers 404 for anything not the caller's: a
draft retreat exists only for its guide; an application exists only for its member and for the
guide of its retreat; another guide sees nothing of either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attune.web.accounts.http import AuthedRequest, signed_in, valid
from attune.web.jobs.notices import language_of
from attune.web.retreats import actions, days
from attune.web.retreats.forms import ConsentForm, DecisionForm, IntakeForm, PaymentForm, QuestionForm, RetreatForm
from attune.web.retreats.models import (
    SAFETY_KEY,
    SAFETY_QUESTION,
    TOUCH_KEY,
    TOUCH_QUESTION,
    Answer,
    Application,
    Retreat,
    State,
    Status,
)

#: Changes that the people with a place are told of, with a new calendar file.
MOVES = {"starts_on", "ends_on", "timezone", "place"}

# ------------------------------------------------------------------ access


def _require_guide(request: AuthedRequest) -> None:
    if not getattr(request.user, "is_guide", False):
        raise Http404("There is nothing here.")


def _own_retreat(request: AuthedRequest, pk: int) -> Retreat:
    """A retreat the caller leads (and is still a guide); else 404."""
    return get_object_or_404(Retreat, pk=pk, guide_id=request.user.pk, guide__is_guide=True)


def _led_application(request: AuthedRequest, pk: int) -> Application:
    """An application to a retreat the caller leads; else 404 (to its own applicant too)."""
    return get_object_or_404(
        Application.objects.select_related("retreat", "user"),
        pk=pk,
        retreat__guide_id=request.user.pk,
        retreat__guide__is_guide=True,
    )


def _visible_retreat(request: AuthedRequest, pk: int) -> Retreat:
    """A published retreat, or a draft of the caller's own; else 404."""
    return get_object_or_404(
        Retreat.objects.select_related("guide"), Q(status=Status.PUBLISHED) | Q(guide_id=request.user.pk), pk=pk
    )


def _own_application(request: AuthedRequest, retreat_pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("retreat", "retreat__guide"), retreat_id=retreat_pk, user_id=request.user.pk
    )


def _counted(retreats: Any) -> Any:
    return retreats.annotate(
        waiting=Count("applications", filter=Q(applications__state=State.APPLIED)),
        accepted=Count("applications", filter=Q(applications__state=State.ACCEPTED)),
        offered=Count("applications", filter=Q(applications__state=State.OFFERED)),
        waitlisted=Count("applications", filter=Q(applications__state=State.WAITLISTED)),
        intake_done=Count("applications", filter=Q(applications__state=State.ACCEPTED) & ~Q(applications__key_id="")),
    )


def _worded(answer: Answer) -> Answer:
    """The two questions every application asks, in the reader's language (the sealed text is English)."""
    if answer.key == SAFETY_KEY:
        return replace(answer, question=_(SAFETY_QUESTION))
    if answer.key == TOUCH_KEY:
        return replace(answer, question=_(TOUCH_QUESTION))
    return answer


def _answers_context(application: Application) -> dict[str, Any]:
    """What both readers of an application (its member and its guide) see of it."""
    return {
        "application": application,
        "retreat": application.retreat,
        "answers": [_worded(a) for a in application.answers()],
        "touch_key": TOUCH_KEY,
    }


def _attempt(request: AuthedRequest, step: Callable[[], object], done: str) -> bool:
    """Take one step (of an application's life, or of a retreat's days), say how it went, and whether it did."""
    try:
        step()
    except days.NotNow as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, done)
    return True


def _sent_back(request: AuthedRequest, sentence: str, url_name: str, pk: int) -> Callable[[object], HttpResponse]:
    """The answer to a form sent with errors (for :func:`valid`): ``sentence``, back on page ``url_name``."""

    def answer(form: object) -> HttpResponse:
        messages.error(request, sentence)
        return redirect(url_name, pk=pk)

    return answer


# ------------------------------------------------------------------ guide


@signed_in("GET")
def guide_home(request: AuthedRequest) -> HttpResponse:
    _require_guide(request)
    today = timezone.now().astimezone(request.user.zone).date()
    rows = []
    for retreat in _counted(Retreat.objects.filter(guide=request.user, ends_on__gte=today)):
        left = max(0, retreat.capacity - retreat.accepted - retreat.offered)
        rows.append({"retreat": retreat, "places_left": left, "untold": days.changes_untold(retreat)})
    past = Retreat.objects.filter(guide=request.user, ends_on__lt=today).order_by("-starts_on")[:20]
    return render(request, "retreats/guide.html", {"rows": rows, "past": past})


@signed_in("GET", "POST")
def new(request: AuthedRequest) -> HttpResponse:
    _require_guide(request)
    form = RetreatForm(request.POST if request.method == "POST" else None, guide=request.user)
    if request.method == "POST" and form.is_valid():
        retreat = form.save(commit=False)
        retreat.guide = request.user
        retreat.save()
        messages.success(
            request, _("%(title)s is saved. Add your intake questions when you're ready.") % {"title": retreat.title}
        )
        return redirect("retreats:manage", pk=retreat.pk)
    return render(request, "retreats/edit.html", {"form": form}, status=400 if form.errors else 200)


@signed_in("GET", "POST")
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    retreat = _own_retreat(request, pk)
    form = RetreatForm(request.POST if request.method == "POST" else None, instance=retreat, guide=request.user)
    if request.method == "POST" and form.is_valid():
        moved = bool(MOVES & set(form.changed_data))
        form.save()
        told = actions.tell_of_change(retreat) if moved and retreat.is_published else 0
        messages.success(
            request,
            ngettext(
                "Saved. The %(n)s person with a place will hear of it.",
                "Saved. The %(n)s people with a place will hear of it.",
                told,
            )
            % {"n": told}
            if told
            else _("Saved."),
        )
        return redirect("retreats:manage", pk=retreat.pk)
    context = {"form": form, "retreat": retreat}
    return render(request, "retreats/edit.html", context, status=400 if form.errors else 200)


def _manage_page(request: AuthedRequest, retreat: Retreat, question_form: QuestionForm) -> HttpResponse:
    """The retreat's page for its guide; a 400 when ``question_form`` is a question sent with errors."""
    status = 400 if question_form.errors else 200
    return render(request, "retreats/manage.html", _manage_context(retreat, question_form), status=status)


def _manage_context(retreat: Retreat, question_form: QuestionForm) -> dict[str, Any]:
    applications = list(retreat.applications.select_related("user").order_by("applied_at", "pk"))
    by_state = {s: [a for a in applications if a.state == s] for s in State}
    waitlist = sorted(by_state[State.WAITLISTED], key=lambda a: (a.waitlisted_at, a.pk))
    return {
        "retreat": retreat,
        "questions": retreat.questions.all(),
        "question_form": question_form,
        "waiting": by_state[State.APPLIED],
        "placed": by_state[State.ACCEPTED] + by_state[State.OFFERED],
        "waitlist": waitlist,
        "closed": by_state[State.DECLINED] + by_state[State.WITHDRAWN] + by_state[State.LAPSED],
        "places_left": retreat.places_left(),
    }


@signed_in("GET")
def manage(request: AuthedRequest, pk: int) -> HttpResponse:
    return _manage_page(request, _own_retreat(request, pk), QuestionForm())


@signed_in("POST")
def question_add(request: AuthedRequest, pk: int) -> HttpResponse:
    retreat = _own_retreat(request, pk)
    data = valid(QuestionForm(request.POST), partial(_manage_page, request, retreat)).cleaned_data
    actions.add_question(retreat, data["text"], data["kind"], data["required"], data["options"])
    return redirect("retreats:manage", pk=retreat.pk)


@signed_in("POST")
def question_remove(request: AuthedRequest, pk: int, qid: int) -> HttpResponse:
    retreat = _own_retreat(request, pk)
    get_object_or_404(retreat.questions, pk=qid).delete()
    messages.info(request, _("Question removed. Answers already given keep it."))
    return redirect("retreats:manage", pk=retreat.pk)


@signed_in("GET")
def application(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _led_application(request, pk)
    actions.record_intake_opened(request, request.user, found)
    context = {**_answers_context(found), "payment_form": PaymentForm(initial={"payment": found.payment})}
    return render(request, "retreats/application.html", context)


@signed_in("POST")
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _led_application(request, pk)
    undecided = _sent_back(request, _("Please choose accept, waitlist or decline."), "retreats:application", found.pk)
    form = valid(DecisionForm(request.POST), undecided)
    step = {"accept": actions.accept, "waitlist": actions.waitlist, "decline": actions.decline}
    _attempt(request, lambda: step[form.cleaned_data["decision"]](found), _("Done."))
    return redirect("retreats:application", pk=found.pk)


@signed_in("POST")
def payment(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _led_application(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid() and found.state == State.ACCEPTED:
        found.payment = form.cleaned_data["payment"]
        found.save(update_fields=["payment"])
        messages.success(request, _("Marked."))
    else:
        messages.error(request, _("Only a place that is accepted can be marked."))
    return redirect("retreats:application", pk=found.pk)


# ------------------------------------------------------------------ member


@signed_in("GET")
def retreat_list(request: AuthedRequest) -> HttpResponse:
    today = timezone.now().date()
    retreats = Retreat.objects.filter(status=Status.PUBLISHED, starts_on__gt=today).select_related("guide")
    mine = Application.objects.filter(user=request.user).select_related("retreat").order_by("-applied_at")
    return render(request, "retreats/list.html", {"retreats": retreats, "mine": mine})


@signed_in("GET")
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    retreat = _visible_retreat(request, pk)
    applied = Application.objects.filter(retreat=retreat, user=request.user).first()
    context = {"retreat": retreat, "applied": applied, "places_left": retreat.places_left()}
    return render(request, "retreats/detail.html", context)


@signed_in("GET", "POST")
def apply(request: AuthedRequest, pk: int) -> HttpResponse:
    retreat = _visible_retreat(request, pk)
    if Application.objects.filter(retreat=retreat, user=request.user).exists():
        return redirect("retreats:mine", pk=retreat.pk)
    form = IntakeForm(request.POST if request.method == "POST" else None, questions=list(retreat.questions.all()))
    if request.method == "POST" and form.is_valid():
        try:
            actions.apply(request.user, retreat, form.answers(), language=language_of(request))
        except days.NotNow as exc:
            messages.error(request, str(exc))
            return redirect("retreats:detail", pk=retreat.pk)
        messages.success(
            request,
            _("Your application is with %(guide)s.") % {"guide": retreat.guide.display_name}
            if retreat.guide.display_name
            else _("Your application is with the guide."),
        )
        return redirect("retreats:mine", pk=retreat.pk)
    status = 400 if form.errors else 200
    return render(request, "retreats/apply.html", {"retreat": retreat, "form": form}, status=status)


@signed_in("GET")
def mine(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _own_application(request, pk)
    consent_form = ConsentForm(initial={"touch": found.answer(TOUCH_KEY)}) if found.has_intake else None
    context = {**_answers_context(found), "consent_form": consent_form}
    return render(request, "retreats/mine.html", context)


@signed_in("POST")
def consent(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _own_application(request, pk)
    unchosen = _sent_back(request, _("Please choose one."), "retreats:mine", pk)
    touch = valid(ConsentForm(request.POST), unchosen).cleaned_data["touch"]
    _attempt(request, lambda: actions.change_consent(found, touch), _("Changed. Your guide sees your new answer."))
    return redirect("retreats:mine", pk=pk)


@signed_in("POST")
def withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _own_application(request, pk)
    _attempt(request, lambda: actions.withdraw(found), _("You have stepped back from this retreat."))
    return redirect("retreats:mine", pk=pk)


@signed_in("POST")
def take(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _own_application(request, pk)
    if actions.take_offer(found):
        messages.success(request, _("The place is yours."))
    else:
        messages.error(request, _("This offer has passed. You might ask the guide."))
    return redirect("retreats:mine", pk=pk)
