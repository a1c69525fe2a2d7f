"""Recording and resonance-assessment views. Everything here is visible to its member only."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from attune.web.accounts import throttle
from attune.web.http import AuthedRequest
from attune.web.live.protocol import MAX_UPLOAD_BYTES, ProtocolError, parse_upload
from attune.web.physio import actions, charts, codec
from attune.web.physio.models import RESONANCE_RATES_BPM, Kind, Recording, ResonanceAssessment
from attune.web.practices.models import PracticeSession

PACER_BPM_RANGE = (3.0, 10.0)  # the same range as the pacer and the member's settings

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


def _body(request: HttpRequest) -> dict[str, Any]:
    """POSTed fields, from a JSON object or an ordinary form."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise ValueError("The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise ValueError("The request body must be a JSON object.")
        return data
    return {k: request.POST.get(k) for k in request.POST}


def _optional_float(data: dict[str, Any], name: str, lo: float, hi: float) -> float | None:
    raw = data.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number.") from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise ValueError(f"{name} must be between {lo:g} and {hi:g}.")
    return value


def _truthy(raw: object) -> bool:
    return raw is True or (isinstance(raw, str) and raw.lower() in {"1", "true", "yes", "on"})


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


def _ws_urls(request: HttpRequest, rec: Recording) -> dict[str, str]:
    path = f"/ws/live/{rec.pk}/"
    scheme = "wss" if request.is_secure() else "ws"
    return {"ws_path": path, "ws_url": f"{scheme}://{request.get_host()}{path}"}


def _recording_payload(request: HttpRequest, rec: Recording) -> dict[str, Any]:
    return {
        "id": rec.pk,
        "kind": rec.kind,
        "pacer_bpm": rec.pacer_bpm,
        "simulated": rec.simulated,
        "acked_seq": rec.acked_seq,
        "assessment": rec.assessment_id,
        "segment_rate_bpm": rec.segment_rate_bpm,
        **_ws_urls(request, rec),
        "detail_url": reverse("physio:recording", args=[rec.pk]),
        "finish_url": reverse("physio:finish", args=[rec.pk]),
        "beats_url": reverse("physio:beats", args=[rec.pk]),
        "rr_url": reverse("physio:rr", args=[rec.pk]),
    }


@dataclass(frozen=True)
class HistoryRecording:
    """One recording as the History page lists it: the recording, its heart-rate line, before/after."""

    rec: Recording
    spark: dict[str, Any] | None
    before_safety: int | None
    after_safety: int | None


def recent_for_history(
    user: Any, day_range: int | tuple[dt.datetime, dt.datetime] | None = 90, *, limit: int = 20
) -> list[HistoryRecording]:
    """The member's finished recordings for the History page, newest first.

    ``day_range`` is a number of days back from now, a ``(start, end)`` pair of aware datetimes
    (``start <= started_at < end``), or None for all time. Assessment segments are left out (they
    are listed with their assessment). Open recordings that have had no beats for
    :data:`actions.STALE_AFTER` are closed and summarised first, so nothing waits forever.
    Render with ``{% include "physio/_history_recordings.html" with recordings=... %}``.
    """
    actions.close_stale(user)
    qs = Recording.objects.for_user(user).finished().filter(assessment__isnull=True).select_related("practice_session")
    if isinstance(day_range, int):
        qs = qs.filter(started_at__gte=timezone.now() - dt.timedelta(days=day_range))
    elif day_range is not None:
        start, end = day_range
        qs = qs.filter(started_at__gte=start, started_at__lt=end)
    out = []
    for rec in qs[:limit]:
        session = rec.practice_session
        out.append(
            HistoryRecording(
                rec=rec,
                spark=charts.sparkline(rec),
                before_safety=session.before_safety if session else None,
                after_safety=session.after_safety if session else None,
            )
        )
    return out


@login_required
@require_GET
def recordings(request: AuthedRequest) -> HttpResponse:
    closed = actions.close_stale(request.user)
    items = Recording.objects.for_user(request.user).filter(assessment__isnull=True)[:200]
    return render(request, "physio/recording_list.html", {"recordings": items, "closed_stale": closed})


@login_required
@require_POST
def start(request: AuthedRequest) -> JsonResponse:
    """Create a recording; the page then opens the websocket at ``ws_url``."""
    try:
        data = _body(request)
        kind = str(data.get("kind") or Kind.FREE)
        if kind not in Kind.values:
            raise ValueError(f"kind must be one of {', '.join(Kind.values)}.")
        pacer_bpm = _optional_float(data, "pacer_bpm", *PACER_BPM_RANGE)
        session = None
        if data.get("practice_session") not in (None, ""):
            session = PracticeSession.objects.filter(pk=_int(data["practice_session"]), user=request.user).first()
            if session is None:
                raise ValueError("There is no such practice session of yours.")
        assessment = None
        rate = None
        if data.get("assessment") not in (None, ""):
            assessment = ResonanceAssessment.objects.filter(pk=_int(data["assessment"]), user=request.user).first()
            if assessment is None:
                raise ValueError("There is no such assessment of yours.")
            rate = _optional_float(data, "segment_rate_bpm", min(RESONANCE_RATES_BPM), max(RESONANCE_RATES_BPM))
            if rate is None or not any(math.isclose(rate, r) for r in RESONANCE_RATES_BPM):
                raise ValueError("segment_rate_bpm must be one of the assessment's rates.")
            kind, pacer_bpm = Kind.RESONANCE, rate
    except ValueError as exc:
        return _bad(str(exc))
    rec = actions.start_recording(
        request.user,
        kind=kind,
        pacer_bpm=pacer_bpm,
        simulated=_truthy(data.get("simulated")),
        practice_session=session,
        assessment=assessment,
        segment_rate_bpm=rate,
    )
    return JsonResponse(_recording_payload(request, rec), status=201)


def _int(raw: object) -> int:
    try:
        return int(str(raw))
    except ValueError:
        raise ValueError(f"{raw!r} is not an id.") from None


@login_required
@require_GET
def recording(request: AuthedRequest, pk: int) -> HttpResponse:
    rec = _get_recording_for_user(request, pk)
    context = {
        "rec": rec,
        "chart": charts.recording_chart(rec) if rec.has_summary else None,
        "coherence_threshold": actions.COHERENCE_THRESHOLD,
        "summary": actions.summary_payload(rec),
        "session": rec.practice_session,
        "stale_minutes": int(actions.STALE_AFTER.total_seconds() // 60),
    }
    return render(request, "physio/recording_detail.html", context)


@login_required
@require_GET
def rr_download(request: AuthedRequest, pk: int) -> HttpResponse:
    """The RR intervals as plain text: '#' comment lines, then one interval in ms per line."""
    rec = _get_recording_for_user(request, pk)
    body = rec.rr_text()
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    stamp = timezone.localtime(rec.started_at).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="attune-rr-{rec.pk}-{stamp}.txt"'
    return response


@login_required
@require_POST
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
    too_large = ProtocolError("too_large", f"An upload is at most {MAX_UPLOAD_BYTES} bytes of JSON.")
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
    message = (
        "That is a lot of uploads for one recording in a short time, so this one was not stored. "
        f"Please try again in {math.ceil(retry_after_ms / 1000)} seconds."
    )
    error = ProtocolError("rate_limited", message, retry_after_ms=retry_after_ms)
    # `error` repeats the message under the name the endpoint's other refusals use (live-stream.js).
    response = JsonResponse({**error.payload(), "error": message}, status=429)
    response["Retry-After"] = str(math.ceil(retry_after_ms / 1000))
    return response


@login_required
@require_POST
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
    if last.status == "closed":
        error = ProtocolError("closed", "This recording is finished; start a new one to keep going.", seq=refused)
    else:
        error = ProtocolError(
            "out_of_order",
            f"Expected message {last.expected_seq}; resend from there.",
            expected_seq=last.expected_seq,
            seq=refused,
        )
    return _refused(error, 409, acked_seq=last.acked_seq, **counts)


@login_required
@require_GET
def resonance(request: AuthedRequest) -> HttpResponse:
    assessments = ResonanceAssessment.objects.filter(user=request.user)[:50]
    return render(
        request,
        "physio/resonance_index.html",
        {"assessments": assessments, "rates": RESONANCE_RATES_BPM, "current": request.user.default_pacer_bpm},
    )


@login_required
@require_POST
def resonance_start(request: AuthedRequest) -> JsonResponse:
    """Create an assessment and return its plan: the rates, the seconds for each, the rests."""
    try:
        data = _body(request)
    except ValueError as exc:
        return _bad(str(exc))
    assessment = actions.start_assessment(request.user, quick=_truthy(data.get("quick")))
    plan = assessment.plan()
    plan["score_url"] = reverse("physio:resonance_score", args=[assessment.pk])
    plan["result_url"] = reverse("physio:resonance_result", args=[assessment.pk])
    plan["apply_url"] = reverse("physio:resonance_apply", args=[assessment.pk])
    plan["start_recording_url"] = reverse("physio:start")
    return JsonResponse(plan, status=201)


@login_required
@require_POST
def resonance_score(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request, pk)
    try:
        assessment = actions.score_assessment(assessment)
    except ValueError as exc:
        if _wants_json(request):
            return _bad(str(exc))
        return HttpResponseBadRequest(str(exc))
    if _wants_json(request):
        return JsonResponse({"best_rate_bpm": assessment.best_rate_bpm, "result": assessment.result})
    return redirect("physio:resonance_result", pk=assessment.pk)


@login_required
@require_POST
def resonance_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request, pk)
    try:
        data = _body(request)
        rate = _optional_float(data, "rate_bpm", min(RESONANCE_RATES_BPM), max(RESONANCE_RATES_BPM))
        applied = actions.apply_rate(assessment, rate)
    except ValueError as exc:
        if _wants_json(request):
            return _bad(str(exc))
        return HttpResponseBadRequest(str(exc))
    if _wants_json(request):
        return JsonResponse({"default_pacer_bpm": applied})
    return redirect("physio:resonance_result", pk=assessment.pk)


@login_required
@require_GET
def resonance_result(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request, pk)
    segments = list(assessment.segments.order_by("-segment_rate_bpm", "started_at"))
    return render(
        request,
        "physio/resonance_result.html",
        {
            "assessment": assessment,
            "segments": segments,
            "rows": charts.assessment_rows(assessment),
            "current": request.user.default_pacer_bpm,
        },
    )
