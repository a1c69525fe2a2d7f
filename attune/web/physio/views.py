"""Recording and resonance-assessment views. Everything here is visible to its member only."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

from attune.web.accounts import throttle
from attune.web.accounts.http import AuthedRequest, signed_in
from attune.web.common.bodies import BadBody, first_error, posted_fields
from attune.web.common.i18n import words_for_page
from attune.web.physio import actions, charts, codec
from attune.web.physio.forms import ApplyRateForm, StartAssessmentForm
from attune.web.physio.metrics import summary_metrics
from attune.web.physio.models import RESONANCE_RATES_BPM, Recording, ResonanceAssessment
from attune.web.physio.protocol import MAX_UPLOAD_BYTES, ProtocolError, parse_upload, refusal

# The beats upload is meant for one upload (in a few batches) at the end of a practice; this caps a
# client stuck in a loop (docs/live-protocol.md). Counted per recording, refused uploads included.
BEATS_UPLOAD_LIMIT = 30
BEATS_UPLOAD_WINDOW_SECONDS = 60
_BEATS_UPLOAD_PREFIX = "attune:beats-upload"


def _get_recording_for_user(request: AuthedRequest, pk: int) -> Recording:
    """The recording ``pk`` if it belongs to the signed-in member; 404 for anyone else."""
    return get_object_or_404(Recording, pk=pk, user_id=request.user.pk)


def _get_assessment_for_user(request: AuthedRequest, pk: int) -> ResonanceAssessment:
    return get_object_or_404(ResonanceAssessment, pk=pk, user_id=request.user.pk)


def _wants_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get("Accept", "")


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


@signed_in("GET")
def recordings(request: AuthedRequest) -> HttpResponse:
    """The member's own recordings; with ``?imported=1`` (and ``&day=YYYY-MM-DD``), those brought in.

    Beat series brought in from a device (an Apple Watch adds several a day) are listed apart, so
    they never push the member's own practice off the page.
    """
    mine = Recording.objects.for_user(request.user).filter(assessment__isnull=True)
    imported = request.GET.get("imported") == "1"
    day, problem = None, ""
    if "day" in request.GET:
        try:
            day = dt.date.fromisoformat(request.GET["day"])
        except ValueError:
            day = None
        if day is None or not 2000 <= day.year <= 2999:
            day, problem = None, gettext("That isn't a day we can show, so here are all of them.")
    qs = mine.filter(imported=imported)
    if day is not None:
        zone = request.user.zone
        start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
        qs = qs.filter(started_at__gte=start, started_at__lt=dt.datetime.combine(day + dt.timedelta(days=1),
                                                                                dt.time(0), tzinfo=zone))
    context = {
        "recordings": qs[:200],
        "imported": imported,
        "day": day,
        "imported_count": 0 if imported else mine.filter(imported=True).count(),
        "problem": problem,
    }
    return render(request, "physio/recording_list.html", context, status=400 if problem else 200)


# What the recording chart's script writes (physio/recording-chart.js, through static/js/words.js).
CHART_WORDS = (gettext_noop("Heart rate (bpm)"), gettext_noop("Coherence"), gettext_noop("coherence"))


@signed_in("GET")
def recording(request: AuthedRequest, pk: int) -> HttpResponse:
    rec = _get_recording_for_user(request, pk)
    context = {
        "rec": rec,
        "chart": charts.recording_chart(rec) if rec.has_summary else None,
        "metrics": summary_metrics(rec, actions.COHERENCE_THRESHOLD),
        "summary": actions.summary_payload(rec),
        "session": rec.practice_session,
        "stale_minutes": int(actions.STALE_AFTER.total_seconds() // 60),
        "page_words": words_for_page(CHART_WORDS),
    }
    return render(request, "physio/recording_detail.html", context)


@signed_in("GET")
def rr_download(request: AuthedRequest, pk: int) -> HttpResponse:
    """The RR intervals as plain text: '#' comment lines, then one interval in ms per line."""
    rec = _get_recording_for_user(request, pk)
    body = rec.rr_text()
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    stamp = timezone.localtime(rec.started_at).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="attune-rr-{rec.pk}-{stamp}.txt"'
    return response


@signed_in("POST")
def finish(request: AuthedRequest, pk: int) -> HttpResponse:
    """Close a recording over HTTP (for when the websocket is gone); same summary as ``finished``."""
    rec = _get_recording_for_user(request, pk)
    rec = actions.finish_recording(rec)
    if _wants_json(request):
        return JsonResponse({"summary": actions.summary_payload(rec)})
    return redirect("physio:recording", pk=rec.pk)


def _upload_body(request: HttpRequest) -> bytes:
    """The raw body of a beats upload, refusing a large one before reading it where possible."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    too_large = ProtocolError(
        "too_large", gettext("An upload is at most %(n)s bytes of JSON.") % {"n": MAX_UPLOAD_BYTES}
    )
    if declared > MAX_UPLOAD_BYTES:
        raise too_large
    try:
        return request.body
    except RequestDataTooBig:
        raise too_large from None


def _refused(exc: ProtocolError, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": exc.message, "code": exc.code, **exc.extra, **extra}, status=status)


def _upload_rate_limited(rec: Recording) -> JsonResponse | None:
    """Count one beats upload for ``rec``; a 429 answer if it is over the limit, else None.

    Uses the cache counter of :mod:`attune.web.accounts.throttle`: a window opens at the first
    upload and lasts :data:`BEATS_UPLOAD_WINDOW_SECONDS`; at most :data:`BEATS_UPLOAD_LIMIT`
    uploads are let through in it.
    """
    key = f"{_BEATS_UPLOAD_PREFIX}:{rec.pk}"
    window = BEATS_UPLOAD_WINDOW_SECONDS
    if throttle.count_event(key, window) <= BEATS_UPLOAD_LIMIT:
        return None
    remaining_s = throttle.window_remaining(key, window)
    retry_after_ms = max(1, math.ceil(remaining_s * 1000))
    seconds = math.ceil(retry_after_ms / 1000)
    message = ngettext(
        "That is a lot of uploads for one recording in a short time, so this one was not stored. "
        "Please try again in %(n)s second.",
        "That is a lot of uploads for one recording in a short time, so this one was not stored. "
        "Please try again in %(n)s seconds.",
        seconds,
    ) % {"n": seconds}
    error = ProtocolError("rate_limited", message, retry_after_ms=retry_after_ms)
    # `error` repeats the message under the name the endpoint's other refusals use (live-stream.js).
    response = JsonResponse({**error.payload(), "error": message}, status=429)
    response["Retry-After"] = str(math.ceil(retry_after_ms / 1000))
    return response


@signed_in("POST")
def beats(request: AuthedRequest, pk: int) -> JsonResponse:
    """Store beats messages over HTTP, for when the websocket is gone (docs/live-protocol.md).

    The body is ``{"messages": [{"seq": n, "rr_ms": [...]}, ...]}``, each message checked as the
    websocket checks it and applied in order with its rules: a stored ``seq`` is acknowledged
    again, a gap is refused with ``expected_seq`` and nothing after a refusal is stored. Answers
    ``{"acked_seq": n}`` (everything up to ``n`` is stored) or an error with ``code``. More than
    :data:`BEATS_UPLOAD_LIMIT` uploads for one recording within :data:`BEATS_UPLOAD_WINDOW_SECONDS`
    are refused with 429 (``rate_limited``, ``retry_after_ms``) before the body is read.
    """
    rec = _get_recording_for_user(request, pk)
    limited = _upload_rate_limited(rec)
    if limited is not None:
        return limited
    if (request.content_type or "").startswith("multipart/"):
        # A multipart form may already have been parsed (by the CSRF check), and its raw body is gone.
        message = gettext("Send the beats as JSON (Content-Type: application/json).")
        return JsonResponse({"error": message, "code": "malformed"}, status=415)
    try:
        messages = parse_upload(_upload_body(request))
    except ProtocolError as exc:
        return _refused(exc, 413 if exc.code == "too_large" else 400)
    results = actions.append_in_order(rec, [(m.seq, codec.as_stored_rr(m.rr_ms)) for m in messages])
    last = results[-1]
    counts = {
        "stored": sum(r.status == "stored" for r in results),
        "duplicates": sum(r.status == "duplicate" for r in results),
    }
    if last.status in ("stored", "duplicate"):
        return JsonResponse({"acked_seq": last.acked_seq, **counts})
    refused = messages[len(results) - 1].seq
    if last.status == "missing":
        raise Http404("No such recording.")
    error = refusal(last.status, expected_seq=last.expected_seq, seq=refused)
    return _refused(error, 409, acked_seq=last.acked_seq, **counts)


@signed_in("GET")
def resonance(request: AuthedRequest) -> HttpResponse:
    assessments = ResonanceAssessment.objects.filter(user=request.user)[:50]
    return render(
        request,
        "physio/resonance_index.html",
        {"assessments": assessments, "rates": RESONANCE_RATES_BPM, "current": request.user.default_pacer_bpm,
         # "6.5, 6, 5.5, 5, 4.5"; German keeps its decimal commas apart with semicolons
         "rates_text": pgettext("between numbers in a list", ", ").join(
             floatformat(r, -1) for r in RESONANCE_RATES_BPM)},
    )


@signed_in("POST")
def resonance_start(request: AuthedRequest) -> JsonResponse:
    """Create an assessment and return its plan: the rates, the seconds for each, the rests."""
    try:
        form = StartAssessmentForm(posted_fields(request))
    except BadBody as exc:
        return _bad(str(exc))
    if not form.is_valid():
        return _bad(first_error(form))
    assessment = actions.start_assessment(request.user, quick=form.cleaned_data["quick"])
    plan = assessment.plan()
    plan["score_url"] = reverse("physio:resonance_score", args=[assessment.pk])
    plan["result_url"] = reverse("physio:resonance_result", args=[assessment.pk])
    plan["apply_url"] = reverse("physio:resonance_apply", args=[assessment.pk])
    return JsonResponse(plan, status=201)


@signed_in("POST")
def resonance_score(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request, pk)
    try:
        assessment = actions.score_assessment(assessment)
    except ValueError as exc:
        if _wants_json(request):
            return _bad(str(exc))
        return HttpResponseBadRequest(str(exc))
    if _wants_json(request):
        context = charts.evidence_context(assessment, actions=False)
        return JsonResponse(
            {
                "best_rate_bpm": assessment.best_rate_bpm,
                "result": assessment.result,
                "summary": render_to_string("physio/_resonance_evidence.html#summary", context).strip(),
                "evidence_html": render_to_string("physio/_resonance_evidence.html#evidence", context, request),
            }
        )
    return redirect("physio:resonance_result", pk=assessment.pk)


@signed_in("POST")
def resonance_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request, pk)
    try:
        form = ApplyRateForm(posted_fields(request))
        if not form.is_valid():
            raise ValueError(first_error(form))
        applied = actions.apply_rate(assessment, form.cleaned_data["rate_bpm"])
    except ValueError as exc:
        if _wants_json(request):
            return _bad(str(exc))
        return HttpResponseBadRequest(str(exc))
    if _wants_json(request):
        return JsonResponse({"default_pacer_bpm": applied})
    return redirect("physio:resonance_result", pk=assessment.pk)


@signed_in("GET")
def resonance_result(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request, pk)
    segments = list(assessment.segments.order_by("-segment_rate_bpm", "started_at"))
    return render(
        request,
        "physio/resonance_result.html",
        {
            "assessment": assessment,
            "segments": segments,
            **charts.evidence_context(assessment, actions=True),
            "current": request.user.default_pacer_bpm,
        },
    )
