"""The live practice page (pacer + heart-rate strap) and the resonance-rate wizard page.

Both pages are shells: the browser does the live work (live.js, resonance.js) over the endpoints
of ``physio`` and the websocket in docs/live-protocol.md. The views only hand the pages their
settings through ``json_script``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop, pgettext

from attune.content.practices import BREATHS_PER_MIN_RANGE
from attune.core.baseline import CALIBRATION_READINGS
from attune.web.accounts.http import AuthedRequest, signed_in
from attune.web.common.bodies import BadBody, first_error, posted_fields
from attune.web.common.i18n import words_for_page
from attune.web.common.recent import recent_reading
from attune.web.live.forms import StartRecordingForm
from attune.web.physio import actions, meter
from attune.web.physio import morning as morning_readings
from attune.web.physio.links import recording_payload
from attune.web.physio.models import RESONANCE_RATES_BPM, ResonanceAssessment
from attune.web.practices.forms import readings_context
from attune.web.practices.models import PACER_SLUG

# What the pacer offers on this page (pacer-clock.js accepts 3 to 10 breaths a minute).
PACER_MIN_BPM, PACER_MAX_BPM = BREATHS_PER_MIN_RANGE
FALLBACK_BPM = 6.0


# The sentences the live scripts write as they run, handed to them in the member's language
# (static/js/words.js reads them from the page's #page-words, keyed by the English).
PAGE_WORDS = (
    gettext_noop("%(bpm)s breaths a minute: in for %(in)s seconds, out for %(out)s."),
    gettext_noop("%(time)s so far"),
    gettext_noop("Saving…"),
    gettext_noop("calibrating"),
    gettext_noop("calibrating · %(s)s s"),
    gettext_noop("calibrating · a moment"),
    gettext_noop("now"),
    gettext_noop("Connecting to your strap…"),
    gettext_noop("Demo strap · simulated"),
    gettext_noop("%(name)s connected"),
    gettext_noop("Reconnecting to %(name)s…"),
    gettext_noop("Demo strap stopped"),
    gettext_noop("%(name)s disconnected"),
    gettext_noop("No strap connected"),
    gettext_noop("Good skin contact"),
    gettext_noop("No skin contact: you might moisten the electrodes"),
    gettext_noop("Connecting…"),
    gettext_noop("Saving as you go"),
    gettext_noop("Connection dropped: beats are kept and will be sent"),
    gettext_noop("Saved"),
    gettext_noop("This recording could not be opened"),
    gettext_noop("You are signed out. Sign in again to go on."),
    gettext_noop("Stopped"),
    gettext_noop("under a minute"),
    gettext_noop("%(n)s min"),
    gettext_noop("Heartbeats"),
    gettext_noop("Summary"),
    gettext_noop("being summarised: it will be on the recording’s page in a moment"),
    gettext_noop("RMSSD, whole practice"),
    gettext_noop("Time in coherence"),
    gettext_noop("Breathing"),
    gettext_noop("%(rate)s a minute"),
    gettext_noop("%(n)s heartbeat"),
    gettext_noop("%(n)s heartbeats"),
    gettext_noop("Not closed yet"),
    gettext_noop(
        "We couldn't reach the server, so this recording is still open there with the beats it already "
        "has. It will be closed and summarised the next time you open your recordings."
    ),
    gettext_noop("The last %(beats)s stayed on this device and could not be sent."),
    gettext_noop(
        "The live connection did not come back, so we closed the recording with the %(kept)s the server "
        "already had. The last %(lost)s could not be sent and are not in it."
    ),
    gettext_noop(
        "The live connection did not come back, so we saved the recording another way: every heartbeat "
        "from this device is in it."
    ),
    gettext_noop("Thank you for trying it. These numbers came from the demo strap, so they are simulated."),
    gettext_noop("Saved with this practice: felt safety %(before)s → %(after)s."),
    gettext_noop("Saved with this practice: felt safety %(after)s after."),
    gettext_noop("We couldn't save that reading just now. The practice and its heartbeats are saved."),
    gettext_noop("one minute each, with half a minute of rest between (about 7 minutes)"),
    gettext_noop("two minutes each, with a minute's rest between (about 14 minutes)"),
    gettext_noop("Pace %(n)s of %(total)s"),
    gettext_noop("%(rate)s breaths a minute"),
    gettext_noop("In for %(in)s seconds, out for %(out)s."),
    gettext_noop("%(time)s left"),
    gettext_noop("Rest"),
    gettext_noop("Next: %(rate)s breaths a minute."),
    gettext_noop("There was not enough to score."),
    gettext_noop("Use %(rate)s a minute for my pacer"),
    gettext_noop("Done: your pacer now breathes at %(rate)s a minute. You can check again any time."),
    gettext_noop("That didn't work: %(why)s"),
    gettext_noop("We could not score this check: %(why)s"),
    gettext_noop("Waiting for your first heartbeats…"),
    gettext_noop("%(time)s to go"),
    gettext_noop("Heart rate"),
    gettext_noop(
        "We couldn't reach the server, so this reading is still open there with the beats it already "
        "has. It will be closed and summarised the next time you open your recordings."
    ),
    gettext_noop(
        "This reading was shorter than a minute, so it is kept as a recording but stays out of your "
        "morning baseline. A full minute or more next time will count."
    ),
    gettext_noop(
        "These numbers came from the demo strap, so they are simulated. Simulated readings show on your "
        "morning chart, marked as such, only until you take a real one; they never mix with real "
        "readings."
    ),
    gettext_noop("Thank you. This reading joins your morning baseline."),
    gettext_noop("The server said %(status)s."),
    gettext_noop("No strap was chosen. You might check that it is on and moistened, then try again."),
)


def _render_page(request: HttpRequest, template: str, config: dict[str, Any], **context: Any) -> HttpResponse:
    """A live page, given the browser's ``config`` (for ``json_script``) and the template's context.

    Both pages show the meter's windows in their text and hand them to the browser in ``config``.
    """
    windows = {
        "meter_window_s": meter.METER_WINDOW_S,
        "rmssd_window_s": meter.RMSSD_WINDOW_S,
        "coherence_threshold": actions.COHERENCE_THRESHOLD,
    }
    words = words_for_page(PAGE_WORDS)
    # "Time" there is a length of time; elsewhere in the catalogue it is a time of day.
    words["Time"] = pgettext("length of time", "Time")
    context = {**context, "config": {**config, **windows}, "windows": windows, "page_words": words}
    return render(request, template, context)


def _default_bpm(request: HttpRequest) -> float | None:
    bpm = getattr(request.user, "default_pacer_bpm", None)
    if bpm is None or not PACER_MIN_BPM <= bpm <= PACER_MAX_BPM:
        return None
    return float(bpm)


@signed_in("GET")
def practice(request: AuthedRequest) -> HttpResponse:
    """Choose a pace and a sensor, then practise with live readings.

    The practice is also a practice session of the breathing pacer, so the optional felt-safety
    readings before and after are stored with it (and show in History) and the recording links to it.
    """
    default_bpm = _default_bpm(request)
    config: dict[str, Any] = {
        "start_url": reverse("live:start_recording"),
        "default_bpm": default_bpm,
        "initial_bpm": default_bpm or FALLBACK_BPM,
        "min_bpm": PACER_MIN_BPM,
        "max_bpm": PACER_MAX_BPM,
        # The practice session that carries the felt-safety readings before and after.
        "session_start_url": reverse("practices:session_start"),
        "session_practice": PACER_SLUG,
    }
    return _render_page(
        request,
        "live/practice.html",
        config,
        **readings_context(recent_reading(request)),
        default_bpm=default_bpm,
        pacer_url=reverse("practices:pacer"),
        resonance_url=reverse("live:resonance"),
    )


@signed_in("GET")
def resonance(request: AuthedRequest) -> HttpResponse:
    """The guided resonance-rate assessment: five paced rates, then the evidence for each."""
    latest = ResonanceAssessment.objects.filter(user=request.user, scored_at__isnull=False).first()
    config: dict[str, Any] = {
        "resonance_start_url": reverse("physio:resonance_start"),
        "start_url": reverse("live:start_recording"),
        "rates_bpm": list(RESONANCE_RATES_BPM),
        "current_bpm": request.user.default_pacer_bpm,
        "practice_url": reverse("live:practice"),
    }
    return _render_page(
        request,
        "live/resonance.html",
        config,
        # A German rate has a decimal comma, so its list is kept apart with another mark.
        rates_text=pgettext("between numbers in a list", ", ").join(floatformat(r, -1) for r in RESONANCE_RATES_BPM),
        current_bpm=request.user.default_pacer_bpm,
        latest=latest,
        history_url=reverse("physio:resonance"),
    )


@signed_in("GET")
def morning(request: AuthedRequest) -> HttpResponse:
    """A morning reading: one to three minutes, still, with a strap; it joins the morning baseline."""
    config: dict[str, Any] = {
        "start_url": reverse("live:start_recording"),
        "choices_min": list(morning_readings.CHOICES_MIN),
        "min_s": morning_readings.MIN_S,
        "body_url": reverse("imports:body") + "#chart-rmssd-morning",
    }
    return _render_page(
        request, "live/morning.html", config, choices_min=morning_readings.CHOICES_MIN, calibration=CALIBRATION_READINGS
    )


@signed_in("POST")
def start_recording(request: AuthedRequest) -> JsonResponse:
    """Create a recording (free, during a practice, or an assessment segment); the page then opens
    the websocket at ``ws_url``."""
    try:
        form = StartRecordingForm(posted_fields(request), user=request.user)
    except BadBody as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if not form.is_valid():
        return JsonResponse({"error": first_error(form)}, status=400)
    data = form.cleaned_data
    try:
        rec = actions.start_recording(
            request.user,
            kind=data["kind"],
            pacer_bpm=data["pacer_bpm"],
            simulated=data["simulated"],
            practice_session=data["practice_session"],
            assessment=data["assessment"],
            segment_rate_bpm=data["segment_rate_bpm"],
        )
    except actions.TooManyOpen:
        message = gettext(
            "You already have %(n)s recordings going. Please finish one first (or leave it: after %(minutes)s "
            "minutes without beats it is closed)."
        ) % {"n": actions.MAX_OPEN_RECORDINGS, "minutes": int(actions.STALE_AFTER.total_seconds() // 60)}
        return JsonResponse({"error": message, "code": "too_many_open"}, status=409)
    return JsonResponse(recording_payload(request, rec), status=201)
