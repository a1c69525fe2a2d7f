"""The "Your body over time" page's numbers and charts, drawn on the server as SVG.

Each chart holds one kind of number only: ln RMSSD, resting heart rate and SDNN each have their
own axis, and felt safety and felt connection (0 to 10) theirs. The maths is
:mod:`attune.core.baseline`; this module picks the readings, places them on the member's days, and
turns the results into coordinates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext, gettext_lazy

from attune.core.baseline import CALIBRATION_READINGS, Baseline, Correlation, correlation, daily_baseline, weekly_ranges
from attune.web.checkins.models import CheckIn
from attune.web.imports.models import Context, Kind, Measurement
from attune.web.physio import morning

if TYPE_CHECKING:
    from attune.web.accounts.models import User

EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
SHOWN_DAYS = 120  # the charts show the 120 days up to the latest reading; the baseline uses all before too
MORNING_ENDS_HOUR = 12  # spot readings before noon count as morning readings
MIN_CORRELATION_DAYS = 10
WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_Y = 640.0, 200.0, 44.0, 8.0, 16.0


def day_number(moment: dt.datetime, zone: dt.tzinfo) -> int:
    return moment.astimezone(zone).date().toordinal() - EPOCH_ORDINAL


def day_date(day: int) -> dt.date:
    return dt.date.fromordinal(int(day) + EPOCH_ORDINAL)


@dataclass(frozen=True)
class Axis:
    """Maps days and values onto the SVG's coordinates."""

    first_day: int
    last_day: int
    low: float
    high: float

    def x(self, day: float) -> float:
        span = max(1, self.last_day - self.first_day)
        return round(PAD_LEFT + (day - self.first_day) / span * (WIDTH - PAD_LEFT - PAD_RIGHT), 1)

    def y(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return round(HEIGHT - PAD_Y - (value - self.low) / span * (HEIGHT - 2 * PAD_Y), 1)

    def ticks(self, decimals: int) -> list[dict[str, Any]]:
        values = np.linspace(self.low, self.high, 4)
        return [{"y": self.y(float(v)), "label": floatformat(float(v), decimals)} for v in values]


@dataclass(frozen=True)
class BaselineChart:
    """One measure against its baseline, ready for the template (``imports/_baseline_chart.html``)."""

    slug: str
    title: str
    unit: str
    what: str
    readings: int
    calibrating: bool
    latest: float | None
    rolling: float | None
    normal_low: float | None
    normal_high: float | None
    dots: list[dict[str, float]]
    rolling_path: str
    band_path: str
    ticks: list[dict[str, Any]]
    first_day: dt.date
    last_day: dt.date
    rows: list[dict[str, Any]]

    @property
    def calibration_needed(self) -> int:
        return CALIBRATION_READINGS

    @property
    def position(self) -> str:
        """Where the latest 7-day mean sits against the normal band, in words."""
        if self.calibrating or self.rolling is None or self.normal_low is None or self.normal_high is None:
            return ""
        if self.rolling < self.normal_low:
            return gettext("below your usual range")
        if self.rolling > self.normal_high:
            return gettext("above your usual range")
        return gettext("within your usual range")


def _shown(x: float, decimals: int) -> float | int:
    """A value as the page prints it: whole beats a minute, ln values to two places."""
    return round(float(x), decimals) if decimals else round(float(x))


def _baseline_chart(
    slug: str, title: str, unit: str, what: str, b: Baseline, *, decimals: int
) -> BaselineChart | None:
    if len(b) == 0:
        return None
    idx = np.flatnonzero(b.day >= b.day[-1] - SHOWN_DAYS)
    settled = idx[~b.calibrating[idx] & np.isfinite(b.normal_sd[idx])]
    lows = np.concatenate([b.value[idx], b.rolling_mean[idx], b.normal_low[settled]])
    highs = np.concatenate([b.value[idx], b.rolling_mean[idx], b.normal_high[settled]])
    span = float(highs.max() - lows.min())
    # One value (or one repeated) still gets an axis whose ticks differ at the shown decimals.
    pad = span * 0.08 if span > 10.0**-decimals else max(abs(float(highs.max())) * 0.05, 3 * 10.0**-decimals)
    axis = Axis(int(b.day[idx[0]]), max(int(b.day[idx[-1]]), int(b.day[idx[0]]) + 1),
                float(lows.min()) - pad, float(highs.max()) + pad)
    rolling_path = _path([(axis.x(b.day[i]), axis.y(b.rolling_mean[i])) for i in idx])
    band_path = ""
    if settled.size >= 2:
        top = [(axis.x(b.day[i]), axis.y(b.normal_high[i])) for i in settled]
        bottom = [(axis.x(b.day[i]), axis.y(b.normal_low[i])) for i in settled[::-1]]
        band_path = _path(top + bottom) + " Z"
    last = idx[-1]
    finite_band = not b.calibrating[last] and math.isfinite(float(b.normal_sd[last]))
    rows = [
        {"day": day_date(int(b.day[i])), "value": _shown(b.value[i], decimals),
         "rolling": _shown(b.rolling_mean[i], decimals),
         "low": _shown(b.normal_low[i], decimals) if i in settled else None,
         "high": _shown(b.normal_high[i], decimals) if i in settled else None}
        for i in idx[::-1]
    ]
    return BaselineChart(
        slug=slug, title=title, unit=unit, what=what, readings=int(b.readings[last]),
        calibrating=bool(b.calibrating[last]), latest=_shown(b.value[last], decimals),
        rolling=_shown(b.rolling_mean[last], decimals),
        normal_low=_shown(b.normal_low[last], decimals) if finite_band else None,
        normal_high=_shown(b.normal_high[last], decimals) if finite_band else None,
        dots=[{"x": axis.x(b.day[i]), "y": axis.y(b.value[i])} for i in idx],
        rolling_path=rolling_path, band_path=band_path, ticks=axis.ticks(decimals),
        first_day=day_date(axis.first_day),
        last_day=day_date(int(b.day[last])),
        rows=rows,
    )


def _path(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if n == 0 else 'L'}{x:g},{y:g}" for n, (x, y) in enumerate(points))


Reading = tuple[dt.datetime, dt.datetime | None, float]


def _measurements(user: User, kind: str, contexts: Sequence[str]) -> list[Reading]:
    qs = Measurement.objects.filter(owner=user, kind=kind, context__in=list(contexts)).order_by("start")
    return list(qs.values_list("start", "end", "value"))


@dataclass(frozen=True)
class RmssdDays:
    """ln RMSSD readings of one kind (nightly, or morning spot readings), placed on the member's days."""

    context: str  # "nightly" or "morning"
    days: list[int]
    ln: list[float]
    strap: int = 0  # how many are morning readings taken in attune with a strap
    simulated: bool = False  # every one came from the demo strap

    def __bool__(self) -> bool:
        return bool(self.days)


def nightly_rmssd(user: User) -> RmssdDays:
    """Nightly RMSSD from devices; a night belongs to the morning it ends on."""
    zone = user.zone
    nightly = _measurements(user, Kind.RMSSD, [Context.NIGHTLY])
    return RmssdDays("nightly", [day_number(end or start, zone) for start, end, _ in nightly],
                     [math.log(v) for _, _, v in nightly])


def morning_rmssd(user: User) -> RmssdDays:
    """Morning spot readings: imported ones taken before noon, and the strap readings taken here.

    Both are RMSSD over a reading of a few minutes, so they share one baseline. Readings from the
    demo strap are simulated: they make a baseline of their own only while the member has no real
    reading, and never mix with real ones.
    """
    zone = user.zone
    real = [(s, v) for s, _, v in _measurements(user, Kind.RMSSD, [Context.SPOT])
            if s.astimezone(zone).hour < MORNING_ENDS_HOUR]
    strap = morning.readings(user)
    own = [(r.started_at, r.rmssd_ms) for r in strap if not r.simulated]
    simulated = not real and not own
    chosen = sorted(real + own) if not simulated else [(r.started_at, r.rmssd_ms) for r in strap]
    return RmssdDays("morning", [day_number(t, zone) for t, _ in chosen], [math.log(v) for _, v in chosen],
                     strap=len(strap) if simulated else len(own), simulated=simulated and bool(strap))


@dataclass(frozen=True)
class WeeklyChart:
    title: str
    what: str
    weeks: list[dict[str, Any]]
    ticks: list[dict[str, Any]]
    mean_path: str


def _weekly_chart(title: str, what: str, days: list[int], values: list[float]) -> WeeklyChart | None:
    last = max(days, default=0)
    keep = [(d, v) for d, v in zip(days, values, strict=True) if d >= last - SHOWN_DAYS]
    if not keep:
        return None
    w = weekly_ranges([d for d, _ in keep], [v for _, v in keep])
    axis = Axis(int(w.week_start[0]), max(int(w.week_start[-1]), int(w.week_start[0]) + 7), 0.0, 10.0)
    weeks = [
        {"start": day_date(int(w.week_start[i])), "n": int(w.n[i]), "mean": round(float(w.mean[i]), 1),
         "low": float(w.low[i]), "high": float(w.high[i]), "x": axis.x(w.week_start[i]), "y": axis.y(w.mean[i]),
         "y_low": axis.y(w.low[i]), "y_high": axis.y(w.high[i])}
        for i in range(len(w))
    ]
    return WeeklyChart(title=title, what=what, weeks=weeks, ticks=axis.ticks(0),
                       mean_path=_path([(axis.x(w.week_start[i]), axis.y(w.mean[i])) for i in range(len(w))]))


@dataclass(frozen=True)
class Together:
    """A correlation between a day's felt safety and that day's ln RMSSD, with its interval."""

    result: Correlation | None
    pairs: int
    rmssd_context: str

    @property
    def needed(self) -> int:
        return MIN_CORRELATION_DAYS


def _together(
    checkins: list[tuple[int, float]], rmssd_days: list[int], rmssd_ln: list[float], context: str
) -> Together:
    safety: dict[int, list[float]] = {}
    for d, v in checkins:
        safety.setdefault(d, []).append(v)
    hrv: dict[int, list[float]] = {}
    for d, v in zip(rmssd_days, rmssd_ln, strict=True):
        hrv.setdefault(d, []).append(v)
    common = sorted(set(safety) & set(hrv))
    if len(common) < MIN_CORRELATION_DAYS:
        return Together(None, len(common), context)
    x = [float(np.mean(safety[d])) for d in common]
    y = [float(np.mean(hrv[d])) for d in common]
    try:
        return Together(correlation(x, y), len(common), context)
    except ValueError:  # one of them never varied
        return Together(None, len(common), context)


def _rmssd_chart(r: RmssdDays) -> BaselineChart | None:
    if r.context == "nightly":
        title, slug = gettext("ln RMSSD, nightly"), "rmssd"
        which = gettext("nightly readings (a night counts for the morning it ends)")
    else:
        title, slug = gettext("ln RMSSD, morning"), "rmssd-morning"
        which = gettext("morning readings: those from a device before noon, and the one- to three-minute "
                        "readings you take here with a strap")
        if r.simulated:
            title = gettext("ln RMSSD, morning (demo strap, simulated)")
            which = gettext("morning readings: those from a device before noon, and the one- to three-minute "
                            "readings you take here with a strap. These all came from the demo strap, so they are "
                            "simulated; they step aside once you have a real reading")
    what = gettext(
        "The natural log of RMSSD from your %(which)s; one value a day (the mean if there are several). The line is "
        "your 7-day mean; the shaded band is the mean ± 1 standard deviation of your daily values over the last "
        "60 days. It reads \"calibrating\" until %(n)s days have a reading. Nightly and morning "
        "readings are different kinds of number, so each has its own chart and its own baseline."
    ) % {"which": which, "n": CALIBRATION_READINGS}
    return _baseline_chart(slug, title, "ln ms", what, daily_baseline(r.days, r.ln), decimals=2)


SOURCE_NAMES = {"apple_health": "Apple Health", "fit": "FIT", "oura": "Oura", "whoop": "Whoop",
                "elite_hrv": "Elite HRV", "hrv4training": "HRV4Training", "rr_file": gettext_lazy("RR file")}
CONTEXT_WORDS = {Context.DAILY: gettext_lazy("daily"), Context.NIGHTLY: gettext_lazy("nightly"),
                 Context.SPOT: gettext_lazy("spot readings")}


def _context_charts(user: User, kind: str, slug: str, usual: str) -> list[BaselineChart | None]:
    """One chart per context the member has readings in (a daily estimate, a night, a spot reading are
    different kinds of number, so they never share an axis); ``usual`` keeps the plain ``slug``."""
    zone = user.zone
    rows = list(Measurement.objects.filter(owner=user, kind=kind).order_by("start")
                .values_list("context", "start", "value", "source"))
    contexts = sorted({c for c, _, _, _ in rows}, key=lambda c: (c != usual, c))
    charts: list[BaselineChart | None] = []
    for context in contexts:
        mine = [(t, v, src) for c, t, v, src in rows if c == context]
        sources = ", ".join(sorted({str(SOURCE_NAMES.get(src, src)) for _, _, src in mine}))
        words = str(CONTEXT_WORDS.get(context, context))
        base = daily_baseline([day_number(t, zone) for t, _, _ in mine], [v for _, v, _ in mine])
        if kind == Kind.SDNN:
            title = f"SDNN ({sources})" if context == Context.SPOT else f"SDNN, {words} ({sources})"
            what = gettext("SDNN is the standard deviation of beat intervals over a reading, not RMSSD: it has its "
                           "own chart and is never compared with RMSSD. These are %(words)s from %(sources)s. Daily "
                           "mean in ms, against your 7-day mean and 60-day band (mean ± 1 SD); calibrating until "
                           "%(n)s days have a reading.")
            what %= {"words": words, "sources": sources, "n": CALIBRATION_READINGS}
            charts.append(_baseline_chart(slug if context == usual else f"{slug}-{context}", title, "ms", what, base,
                                          decimals=0))
        else:
            if context == usual:
                title = gettext("Resting heart rate")
            else:
                title = gettext("Resting heart rate, %(which)s") % {"which": words}
            what = gettext("Your device's own resting heart rate (%(words)s, from %(sources)s), in beats a minute, "
                           "one value a day, against your 7-day mean and 60-day band (mean ± 1 SD); calibrating until "
                           "%(n)s days have a reading. A daily estimate and a night's lowest are different numbers, so "
                           "each has its own chart.") % {"words": words, "sources": sources, "n": CALIBRATION_READINGS}
            charts.append(_baseline_chart(slug if context == usual else f"{slug}-{context}", title, "bpm", what,
                                          base, decimals=0))
    return charts


def body_over_time(user: User) -> dict[str, Any]:
    """Everything the page shows, for ``user``."""
    zone = user.zone
    nightly, mornings = nightly_rmssd(user), morning_rmssd(user)
    # What felt safety is set beside: never simulated readings.
    primary = nightly if nightly else mornings if not mornings.simulated else RmssdDays("morning", [], [])
    charts = [
        _rmssd_chart(nightly) if nightly else None,
        _rmssd_chart(mornings) if mornings else None,
        *_context_charts(user, Kind.RESTING_HR, "resting-hr", Context.DAILY),
        *_context_charts(user, Kind.SDNN, "sdnn", Context.SPOT),
    ]
    rows = list(CheckIn.objects.filter(user=user).values_list("created_at", "felt_safety", "felt_connection"))
    c_days = [day_number(t, zone) for t, _, _ in rows]
    weekly = [
        c for c in (
            _weekly_chart(gettext("Felt safety, week by week"),
                          gettext("The mean of your felt-safety answers (0 to 10) for each week, Monday to Sunday; "
                                  "the bar runs from the week's lowest answer to its highest."),
                          c_days, [float(s) for _, s, _ in rows]),
            _weekly_chart(gettext("Felt connection, week by week"),
                          gettext("The same for felt connection (0 to 10)."), c_days, [float(c) for _, _, c in rows]),
        ) if c is not None
    ]
    together = _together([(d, float(s)) for d, (_, s, _) in zip(c_days, rows, strict=True)], primary.days,
                         primary.ln, primary.context)
    return {"charts": [c for c in charts if c is not None], "weekly": weekly, "together": together,
            "morning_strap": mornings.strap, "morning_simulated": mornings.simulated}
