"""Today (check in, then a suggestion), History (by day, with a chart), What helps me, the weekly reflection, About."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET

from attune.content.practices import Practice
from attune.core.insights import (
    INTERVAL_LEVEL,
    LearnedSuggestion,
    Pick,
    Posterior,
    PracticeLike,
    PracticeOutcome,
    fit_posterior,
    personal_map,
    suggest,
    weekly_reflection,
)
from attune.core.insights import MIN_SESSIONS as MAP_MIN_SESSIONS
from attune.web.accounts.http import AuthedRequest, signed_in
from attune.web.checkins.forms import CheckInForm, form_context
from attune.web.checkins.models import CheckIn
from attune.web.common.i18n import words_for_page
from attune.web.common.labels import CONDITION_LABELS, STATE_WORDS
from attune.web.common.safety import crisis_resources
from attune.web.common.states import State
from attune.web.common.stats import MIN_SESSIONS, safety_change
from attune.web.physio.models import Recording, ResonanceAssessment
from attune.web.practices.library import current_library
from attune.web.practices.models import STOPPED_WORDS, PracticeSession
from attune.web.retreats import days as retreat_days
from attune.web.today import insights
from attune.web.today.history import imported_days_for_history, recent_for_history
from attune.web.today.observation import observation_text
from attune.web.today.what_helps import sections
from attune.web.today.why import why_text
from attune.web.workbooks.today import today_step

RANGES: dict[str, int | None] = {"30": 30, "90": 90, "365": 365, "all": None}
DEFAULT_RANGE = "90"
DAYS_PER_PAGE = 14


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# The hierarchy's standard deviations are cached per member and number of sessions (the cache, never
# the database, so a GET still writes nothing); a new session refits them on the next view.
HYPER_CACHE_S = 7 * 24 * 3600


def _outcomes(user: Any, lo: dt.datetime | None = None, hi: dt.datetime | None = None) -> list[PracticeOutcome]:
    """The member's practice outcomes (``lo <= started_at < hi`` when given), for the insights."""
    sessions = PracticeSession.objects.for_user(user).with_both_readings().exclude(before_state="")
    checkins = CheckIn.objects.for_user(user)
    if lo is not None and hi is not None:
        sessions = sessions.filter(started_at__gte=lo, started_at__lt=hi)
        checkins = checkins.filter(created_at__gte=lo, created_at__lt=hi)
    return insights.outcomes(
        sessions.order_by("started_at").values_list(*insights.SESSION_FIELDS),
        list(checkins.order_by("created_at").values_list(*insights.CHECKIN_FIELDS)),
        _practices(),
        timezone.get_current_timezone(),
    )


def _practices() -> tuple[PracticeLike, ...]:
    return insights.with_pacer(current_library().practices)


def _hyper_key(user: Any, outcomes: list[PracticeOutcome]) -> str:
    return f"insights:hyper:{user.pk}:{len(outcomes)}"


def _posterior(user: Any, outcomes: list[PracticeOutcome]) -> Posterior:
    key = _hyper_key(user, outcomes)
    hyper = cache.get(key)
    posterior = fit_posterior(outcomes, _practices(), hyper=hyper)
    if hyper is None:
        cache.set(key, posterior.hyper, HYPER_CACHE_S)
    return posterior


@dataclass(frozen=True)
class Offer:
    """A practice the learner picked, with the library's practice for its title, condition and length."""

    practice: Practice
    pick: Pick

    @property
    def why(self) -> str:
        """The pick's "why this?" in the member's language."""
        return why_text(self.pick, self.practice.title)


def _offers(learned: LearnedSuggestion | None) -> tuple[Offer | None, list[Offer]]:
    library = current_library()
    picks = [] if learned is None else [learned.practice, *learned.alternatives]
    offers = [Offer(p, pick) for pick in picks if (p := library.get(pick.slug)) is not None]
    return (offers[0], offers[1:]) if offers else (None, [])


# A pacer session with a heart recording was a live practice, and is listed as one.
LIVE_TITLE = gettext_lazy("Breathing with your heart in view")
# What the History chart's script writes (static/js/history-chart.js, through static/js/words.js).
HISTORY_WORDS = (gettext_noop("Weekly mean felt safety"), gettext_noop("Daily mean felt safety"))


def _with_live(sessions: QuerySet[PracticeSession]) -> QuerySet[PracticeSession]:
    """``sessions``, each marked ``live`` when a heart recording was made with it."""
    return sessions.annotate(live=Exists(Recording.objects.filter(practice_session=OuterRef("pk"))))


def _resonance_checks(user: Any, lo: dt.datetime, hi: dt.datetime) -> list[ResonanceAssessment]:
    """The member's resonance checks begun in ``[lo, hi)``, each marked ``simulated`` if the demo strap ran it."""
    return list(
        ResonanceAssessment.objects.filter(user=user, created_at__gte=lo, created_at__lt=hi).annotate(
            simulated=Exists(Recording.objects.filter(assessment=OuterRef("pk"), simulated=True))
        )
    )


@require_GET
def today(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "today/welcome.html", {"allow_signup": getattr(settings, "ALLOW_SIGNUP", True)})
    user = request.user
    start = _day_start(timezone.localdate())
    latest = CheckIn.objects.filter(user=user, created_at__gte=start).order_by("-created_at").first()
    sessions = list(
        _with_live(PracticeSession.objects.filter(user=user, started_at__gte=start))
        .order_by("started_at")
        .only("practice_slug", "practice_title", "started_at", "outcome", "before_safety", "after_safety")
    )
    suggestion: Offer | None = None
    alternatives: list[Offer] = []
    if latest is not None:
        tz = timezone.get_current_timezone()
        row = (latest.created_at, latest.state, latest.felt_safety, latest.context, latest.both_opt_in)
        rng = insights.suggestion_rng(user.pk, timezone.localdate(), latest.pk)
        learned = suggest(_posterior(user, _outcomes(user)), _practices(), insights.moment(row, tz), rng)
        suggestion, alternatives = _offers(learned)
    form = CheckInForm()
    context = {
        **form_context(form),
        "action": reverse("checkins:new"),
        "latest": latest,
        "suggestion": suggestion,
        "alternatives": alternatives,
        # An alternative that quotes the member's own average carries the same "what is this?".
        "alternative_numbers": any(o.pick.n >= MAP_MIN_SESSIONS for o in alternatives),
        "min_sessions": MAP_MIN_SESSIONS,
        "sessions": sessions,
        "live_title": LIVE_TITLE,
        "crisis": crisis_resources() if latest is not None and latest.feels_unsafe else [],
        "workbook_step": today_step(user),
        "just_checked_in": latest is not None and request.GET.get("checked_in") == "1",
    }
    return render(request, "today/today.html", context)


@signed_in("GET")
def what_helps(request: AuthedRequest) -> HttpResponse:
    """The personal map: what has helped, from each starting state, in the member's sessions so far."""
    user = request.user
    outcomes = _outcomes(user)
    key = _hyper_key(user, outcomes)
    labels = {slug: str(label) for slug, label in CONDITION_LABELS.items()}
    pmap = personal_map(outcomes, _practices(), hyper=cache.get(key), condition_labels=labels)
    cache.set(key, pmap.posterior.hyper, HYPER_CACHE_S)
    axis, by_state = sections(pmap)
    context = {
        "pmap": pmap,
        "axis": axis,
        "sections": by_state,
        "min_sessions": pmap.min_sessions,
        "level": round(100 * INTERVAL_LEVEL),
    }
    return render(request, "today/what_helps.html", context)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@signed_in("GET")
def reflection(request: AuthedRequest) -> HttpResponse:
    """A gentle look back at one week (Monday to Sunday, the member's own calendar): this week by default."""
    user = request.user
    this_week = _monday(timezone.localdate())
    week, problems = this_week, []
    if "week" in request.GET:
        parsed = _parse_day(request.GET["week"])
        if parsed is None or parsed > this_week + dt.timedelta(days=6) or parsed.year < 2000:
            problems.append(_("That week isn't one we can show, so here is this week."))
        else:
            week = _monday(parsed)
    lo, hi = _day_start(week), _day_start(week + dt.timedelta(days=7))
    checkins = CheckIn.objects.for_user(user).filter(created_at__gte=lo, created_at__lt=hi)
    records = insights.checkin_records(
        checkins.order_by("created_at").values_list(*insights.CHECKIN_FIELDS), timezone.get_current_timezone()
    )
    titles = {p.slug: p.title for p in _practices()}
    week_data = weekly_reflection(records, _outcomes(user, lo, hi), week, titles)
    earlier = (
        CheckIn.objects.for_user(user).filter(created_at__lt=lo).exists()
        or PracticeSession.objects.for_user(user).filter(started_at__lt=lo).exists()
    )
    labels = dict(State.choices)
    context = {
        "week": week_data,
        "observation": observation_text(week_data),
        "last_day": week + dt.timedelta(days=6),
        "is_this_week": week == this_week,
        "earlier": (week - dt.timedelta(days=7)).isoformat() if earlier else None,
        "later": (week + dt.timedelta(days=7)).isoformat() if week < this_week else None,
        "problems": problems,
        "states": [(state, labels[state], n) for state, n in week_data.states if n],
        "helped": [(h, str(STATE_WORDS[h.state])) for h in week_data.helped],
    }
    return render(request, "today/reflection.html", context, status=400 if problems else 200)


def _range(request: HttpRequest, first_day: dt.date | None, today: dt.date) -> tuple[str, int | None, bool]:
    """The chosen range, or, when none is asked for, the shortest that holds all the member's check-ins."""
    if "range" not in request.GET:
        return _range_for_data(first_day, today), RANGES[_range_for_data(first_day, today)], False
    key = request.GET["range"]
    if key not in RANGES:
        return DEFAULT_RANGE, RANGES[DEFAULT_RANGE], True
    return key, RANGES[key], False


def _range_for_data(first_day: dt.date | None, today: dt.date) -> str:
    if first_day is None:
        return DEFAULT_RANGE
    span = (today - first_day).days + 1
    for key, days in RANGES.items():
        if days is not None and span <= days:
            return key
    return "all"


def _axis_start(first_day: dt.date | None, days: int | None, today: dt.date, *, weekly: bool) -> dt.date:
    """Where the chart's x axis begins: the first check-in in range, at least a week back."""
    start = first_day or today
    if days is not None:
        start = max(start, today - dt.timedelta(days=days - 1))
    start = min(start, today - dt.timedelta(days=6))
    return _monday(start) if weekly else start


def _parse_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@signed_in("GET")
def history(request: AuthedRequest) -> HttpResponse:
    user = request.user
    tz = timezone.get_current_timezone()
    today_local = timezone.localdate()
    problems: list[str] = []

    first_checkin = CheckIn.objects.filter(user=user).aggregate(first=Min("created_at"))["first"]
    first_checkin_day = first_checkin.astimezone(tz).date() if first_checkin is not None else None
    range_key, days, bad_range = _range(request, first_checkin_day, today_local)
    if bad_range:
        problems.append(_("That time range isn't one we offer, so here are the last 90 days."))

    until = today_local
    if "until" in request.GET:
        parsed = _parse_day(request.GET["until"])
        if parsed is None or parsed > today_local or parsed.year < 2000:
            problems.append(_("That date isn't one we can show, so here are the most recent days."))
        else:
            until = parsed

    # The chart: daily (or weekly, for long ranges) mean felt safety.
    chart_qs = CheckIn.objects.filter(user=user)
    if days is not None:
        chart_qs = chart_qs.filter(created_at__gte=_day_start(today_local - dt.timedelta(days=days - 1)))
    weekly = days is None or days > 120
    buckets: dict[dt.date, list[int]] = defaultdict(list)
    for created_at, safety in chart_qs.order_by("created_at").values_list("created_at", "felt_safety"):
        day = created_at.astimezone(tz).date()
        if weekly:
            day = day - dt.timedelta(days=day.weekday())
        buckets[day].append(safety)
    series = [
        {"day": day.isoformat(), "mean": round(sum(v) / len(v), 2), "n": len(v)} for day, v in sorted(buckets.items())
    ]

    # The day-by-day list, a page of days at a time.
    first_day = until - dt.timedelta(days=DAYS_PER_PAGE - 1)
    lo, hi = _day_start(first_day), _day_start(until + dt.timedelta(days=1))
    by_day: dict[dt.date, dict[str, list[Any]]] = defaultdict(lambda: {"checkins": [], "sessions": [], "resonance": []})
    for c in CheckIn.objects.filter(user=user, created_at__gte=lo, created_at__lt=hi).order_by("-created_at"):
        by_day[timezone.localtime(c.created_at).date()]["checkins"].append(c)
    for s in _with_live(PracticeSession.objects.filter(user=user, started_at__gte=lo, started_at__lt=hi)):
        by_day[timezone.localtime(s.started_at).date()]["sessions"].append(s)
    for a in _resonance_checks(user, lo, hi):
        by_day[timezone.localtime(a.created_at).date()]["resonance"].append(a)
    # Within a day, check-ins and sessions interleave by time, the latest first.
    day_list = [
        {
            "day": d,
            **by_day[d],
            "entries": sorted(
                [("checkin", c.created_at, c) for c in by_day[d]["checkins"]]
                + [("session", s.started_at, s) for s in by_day[d]["sessions"]]
                + [("resonance", a.created_at, a) for a in by_day[d]["resonance"]],
                key=lambda e: e[1],
                reverse=True,
            ),
        }
        for d in sorted(by_day, reverse=True)
    ]
    earlier = (
        CheckIn.objects.filter(user=user, created_at__lt=lo).exists()
        or PracticeSession.objects.filter(user=user, started_at__lt=lo).exists()
        or ResonanceAssessment.objects.filter(user=user, created_at__lt=lo).exists()
    )

    # How felt safety moved from before to after, per practice, over all time.
    rows = (
        PracticeSession.objects.with_both_readings()
        .filter(user=user)
        .annotate(change=F("after_safety") - F("before_safety"))
        .values("practice_slug")
        .annotate(
            n=Count("id"),
            total=Sum("change"),
            total_sq=Sum(F("change") * F("change")),
            title=Max("practice_title"),
            before=Avg("before_safety"),
            after=Avg("after_safety"),
        )
        .order_by()
    )
    # Each practice's mean felt safety before and after, read at a glance as "3.4 → 5.1".
    changes = sorted(
        (
            (
                safety_change(
                    r["practice_slug"], r["title"], r["n"], float(r["total"] or 0), float(r["total_sq"] or 0)
                ),
                r["before"],
                r["after"],
            )
            for r in rows
        ),
        key=lambda row: (row[0].calibrating, -row[0].n, row[0].title),
    )

    context = {
        "recordings": recent_for_history(user, days),
        "retreats": [(a, retreat_days.arc(a)) for a in retreat_days.retreats_of(user)],
        "imported_days": imported_days_for_history(user, days),
        "range_key": range_key,
        "ranges": [("30", _("30 days")), ("90", _("90 days")), ("365", _("A year")), ("all", _("All time"))],
        "weekly": weekly,
        "series": series,
        "chart_data": {
            "points": [[s["day"], s["mean"]] for s in series],
            "weekly": weekly,
            # The x axis spans the data within the chosen range (a new member's first days are not a
            # dot at the end of 90 empty ones), never less than a week.
            "first": _axis_start(first_checkin_day, days, today_local, weekly=weekly).isoformat(),
            "last": today_local.isoformat(),
        },
        "days": day_list,
        "live_title": LIVE_TITLE,
        "stopped_words": STOPPED_WORDS,
        "until": until,
        "earlier_until": (first_day - dt.timedelta(days=1)).isoformat() if earlier else None,
        "later_until": (
            min(until + dt.timedelta(days=DAYS_PER_PAGE), today_local).isoformat() if until < today_local else None
        ),
        "changes": changes,
        "min_sessions": MIN_SESSIONS,
        "problems": problems,
        "page_words": words_for_page(HISTORY_WORDS),
    }
    return render(request, "today/history.html", context, status=400 if problems else 200)


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "today/about.html", {"crisis": crisis_resources(), "states": State.choices})
